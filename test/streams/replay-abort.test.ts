import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../src/model/records.js';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { ABORT_CHECK_RECORDS, replay } from '../../streams/replay-driver.js';
import { createSimulatedMarket } from '../../streams/simulated-market.js';

/** A system with one actor counting the market records it receives. */
function countingSystem(): { system: ReturnType<typeof createActorSystem>; received: () => number } {
  const system = createActorSystem({ clock: new SimulatedClock(0) });
  let received = 0;
  const counter = defineActor<void, null, MarketRecord>({
    name: 'counter',
    init: () => null,
    onStart: (s, ctx) => (ctx.subscribe('md'), s),
    receive: (s) => (received++, s),
  });
  system.spawn(counter, { mailbox: { capacity: 64, overflow: 'backpressure' } });
  return { system, received: () => received };
}

describe('replay stopped by an abort signal', () => {
  it('delivers the record onRecord aborted on, and none after it; the actors get every one delivered', async () => {
    const { system, received } = countingSystem();
    const controller = new AbortController();
    const k = 1_500; // mid-chunk: chunks of 1,024
    let calls = 0;
    const result = await replay(system, createSimulatedMarket({ records: 10_000, seed: 4 }), {
      signal: controller.signal,
      onRecord: () => {
        if (++calls === k) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.records).toBe(k);
    expect(calls).toBe(k);
    expect(Object.values(result.delivered).reduce((a, b) => a + b, 0)).toBe(k);
    expect(received()).toBe(k);
  });

  it('stops on an abort that comes from outside, on a turn of the event loop, even from a source that never does I/O', async () => {
    const { system } = countingSystem();
    const controller = new AbortController();
    // What a SIGINT handler does: runs on a turn of the event loop, not inside the replay.
    setImmediate(() => controller.abort('SIGINT'));
    const total = 20 * ABORT_CHECK_RECORDS;
    const result = await replay(system, createSimulatedMarket({ records: total, seed: 4 }), { signal: controller.signal });
    expect(result.aborted).toBe(true);
    expect(result.records).toBeGreaterThan(0);
    expect(result.records).toBeLessThan(total);
  });

  it('is not aborted when the signal is never used, or fires after the end', async () => {
    const { system } = countingSystem();
    const controller = new AbortController();
    const result = await replay(system, createSimulatedMarket({ records: 3_000, seed: 4 }), { signal: controller.signal });
    controller.abort();
    expect(result.aborted).toBe(false);
    expect(result.records).toBe(3_000);
  });
});
