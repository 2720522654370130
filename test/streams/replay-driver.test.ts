import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barsActor } from '../../actors/bars/bars-actor.js';
import type { MarketRecord } from '../../src/model/records.js';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { replay } from '../../streams/replay-driver.js';
import { createSimulatedMarket } from '../../streams/simulated-market.js';
import { openDataArgs } from '../../streams/open-source.js';
import type { RecordSource } from '../../streams/record-source.js';
import { dataPath } from '../support/data.js';

/** Replays the simulated market through bars and two recorders; returns what each actor saw. */
async function run(chunkSize: number, capacity: number, records = 3_000): Promise<string> {
  return runOn(createSimulatedMarket({ records, chunkSize, seed: 9 }), capacity, '5s', 'md.sim.SIMUSDT.trade_bar', records);
}

async function runOn(source: RecordSource, capacity: number, spec: string, barTopic: string, records?: number): Promise<string> {
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
  system.spawn(barsActor, { config: { spec }, mailbox });
  system.spawn(recorder('all', 'md'), { mailbox });
  system.spawn(recorder('bars', barTopic), { mailbox });
  const result = await replay(system, source);
  if (records !== undefined) expect(result.records).toBe(records);
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

  it('delivers each bar at the first record past its close, or one grace (250 ms) after its close when none came', async () => {
    const log = await run(100, 16, 500);
    const lines = log.split('\n');
    const barLines = lines.filter((l) => l.startsWith('bars@'));
    expect(barLines.length).toBeGreaterThan(5);
    for (const line of barLines) {
      const [, at, tsRecv] = /^bars@(\d+):trade_bar:(\d+)$/.exec(line)!.map(Number) as number[];
      if (at === tsRecv! + 250_000) continue;
      expect(at).toBeGreaterThanOrEqual(tsRecv!);
      expect(at).toBeLessThan(tsRecv! + 250_000);
      // Closed by a record: the first market record at or past the close, delivered at its own time.
      const first = lines.find((l) => /^all@\d+:(trade|book_ticker):/.test(l) && Number(l.split(':').at(-1)) >= tsRecv!);
      expect(first).toBe(`all@${at}:${first!.split(':')[1]}:${at}`);
    }
  });

  it('paces engine time against the wall clock at a speed factor', async () => {
    let wall = 0;
    const sleeps: number[] = [];
    const pacer = { now: () => wall, sleep: async (us: number) => void (sleeps.push(us), (wall += us)) };
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    const source = createSimulatedMarket({ records: 200, seed: 4 });
    const result = await replay(system, source, { speed: 4, pacer });
    const span = result.lastTs! - result.firstTs!;
    expect(wall).toBeGreaterThanOrEqual(span / 4 - 1);
    expect(wall).toBeLessThanOrEqual(span / 4 + 1);
    expect(sleeps.length).toBeGreaterThan(100);
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

const spot08 = dataPath('binance-spot/btcusdt_20240808.gz');
const spot09 = dataPath('binance-spot/btcusdt_20240809.gz');

describe.skipIf(spot08 === undefined || spot09 === undefined)('replay of the real Binance capture', () => {
  it('gives every actor the same messages in the same order across runs, chunk sizes and capacities', async () => {
    const open = (chunkSize: number) => openDataArgs([spot08!, spot09!], { chunkSize });
    const reference = await runOn(await open(4096), 4096, '1s', 'md.binance.BTCUSDT.trade_bar');
    expect(reference.split('\n').length).toBeGreaterThan(99_000);
    expect(reference.split('\n').filter((l) => l.startsWith('bars@')).length).toBeGreaterThan(500);
    expect(await runOn(await open(4096), 4096, '1s', 'md.binance.BTCUSDT.trade_bar')).toBe(reference);
    expect(await runOn(await open(13), 3, '1s', 'md.binance.BTCUSDT.trade_bar')).toBe(reference);
  });
});
