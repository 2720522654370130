import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barsActor } from '../../actors/bars/bars-actor.js';
import type { MarketRecord } from '../../src/model/records.js';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { replay } from '../../streams/replay-driver.js';
import { createSimulatedMarket } from '../../streams/simulated-market.js';

/** Replays the simulated market through bars and two recorders; returns what each actor saw. */
async function run(chunkSize: number, capacity: number, records = 3_000): Promise<string> {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const log: string[] = [];
  const recorder = (name: string, prefix: string) =>
    defineActor<void, null, MarketRecord>({
      name,
      init: () => null,
      onStart: (s, ctx) => (ctx.subscribe(prefix), s),
      receive: (s, m, ctx) => (log.push(`${name}@${ctx.clock.now()}:${m.type}:${m.tsRecv}`), s),
    });
  const mailbox = { capacity, overflow: 'backpressure' as const };
  system.spawn(barsActor, { config: { spec: '5s' }, mailbox });
  system.spawn(recorder('all', 'md'), { mailbox });
  system.spawn(recorder('bars', 'md.sim.SIMUSDT.trade_bar'), { mailbox });
  const result = await replay(system, createSimulatedMarket({ records, chunkSize, seed: 9 }));
  expect(result.records).toBe(records);
  return log.join('\n');
}

describe('replay driver', () => {
  it('gives every actor the same messages in the same order across runs, chunk sizes and capacities', async () => {
    const reference = await run(1024, 1024);
    expect(reference.split('\n').filter((l) => l.startsWith('bars@')).length).toBeGreaterThan(10);
    expect(await run(1024, 1024)).toBe(reference);
    expect(await run(7, 2)).toBe(reference);
    expect(await run(1, 1)).toBe(reference);
  });

  it('delivers bars at their close time on the simulated clock', async () => {
    const log = await run(100, 16, 500);
    for (const line of log.split('\n').filter((l) => l.startsWith('bars@'))) {
      const [, at, tsRecv] = /^bars@(\d+):trade_bar:(\d+)$/.exec(line)!.map(Number) as number[];
      expect(at).toBe(tsRecv);
    }
  });

  it('is deterministic for random chunk sizes and capacities (property)', async () => {
    const reference = await run(64, 64, 800);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 50 }), async (chunk, cap) => {
        expect(await run(chunk, cap, 800)).toBe(reference);
      }),
      { numRuns: 15 },
    );
  });
});
