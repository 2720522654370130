import { describe, expect, it } from 'vitest';
import { TracedAdmission } from '../../src/app/traced-admission.js';
import { defineActor, type ActorRef } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import type { TraceSink } from '../../src/runtime/trace.js';

function setup(every: number, capacity = 1024) {
  const clock = new SimulatedClock(5_000);
  const hops: string[] = [];
  const sink: TraceSink = { hop: (trace, path, sentUs, doneUs, depth) => void hops.push(`${trace.id}:${path}:${sentUs}-${doneUs}@${depth}`) };
  const system = createActorSystem({ clock, traceSink: sink });
  const got: number[] = [];
  const md = system.spawn(defineActor<void, null, { n: number }>({ name: 'md', init: () => null, receive: (s, m) => (got.push(m.n), s) }), { mailbox: { capacity, overflow: 'backpressure' } });
  system.subscribe(md as ActorRef<never>, 'md');
  return { system, admission: new TracedAdmission(system, every, sink, 'pipeline/feeds/x'), hops, got };
}

describe('TracedAdmission', () => {
  it('traces one accepted record in every N from its receive instant, and offers the rest plainly', () => {
    const { system, admission, hops, got } = setup(3);
    for (let n = 1; n <= 7; n++) expect(admission.offer('md.x', { n, tsRecv: 4_000 + n })).toBe(true);
    system.runUntilIdle();
    expect(got).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(admission.traced).toBe(2);
    // The source's hops at the offers, then the receiver's when the system runs.
    expect(hops).toEqual(['1:pipeline/feeds/x:4003-5000@0', '2:pipeline/feeds/x:4006-5000@0', '1:md:5000-5000@1', '2:md:5000-5000@1']);
  });

  it('keeps the sample due across a refused offer', () => {
    const { system, admission, hops } = setup(2, 1);
    expect(admission.offer('md.x', { n: 1, tsRecv: 1 })).toBe(true); // fills the backpressure mailbox
    expect(admission.offer('md.x', { n: 2, tsRecv: 2 })).toBe(false); // due for a trace, refused
    system.runUntilIdle();
    expect(admission.offer('md.x', { n: 2, tsRecv: 2 })).toBe(true); // the same record, traced now
    system.runUntilIdle();
    expect(hops.filter((h) => h.includes('feeds'))).toEqual(['1:pipeline/feeds/x:2-5000@0']);
  });
});
