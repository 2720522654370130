import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../src/model/records.js';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { createSimulatedMarket } from '../../streams/simulated-market.js';
import { pumpSource } from '../../streams/source-bridge.js';

describe('source bridge (live clock)', () => {
  it('keeps records read but not processed within the mailbox capacity plus one chunk, losing nothing', async () => {
    const capacity = 4;
    const chunkSize = 64;
    const total = 5_000;
    const source = createSimulatedMarket({ records: total, chunkSize, seed: 3 });
    const system = createActorSystem();
    let processed = 0;
    let worstBacklog = 0;
    const seen: number[] = [];
    system.spawn(
      defineActor<void, null, MarketRecord>({
        name: 'slow',
        init: () => null,
        onStart: (s, ctx) => (ctx.subscribe('md.sim'), s),
        receive: (s, record) => {
          // Slow: burn a little CPU per record.
          let x = 0;
          for (let i = 0; i < 2_000; i++) x += Math.sqrt(i);
          if (x < 0) throw new Error('unreachable');
          processed++;
          seen.push(record.tsRecv);
          worstBacklog = Math.max(worstBacklog, source.stats.records - processed);
          return s;
        },
      }),
      { mailbox: { capacity, overflow: 'backpressure' } },
    );
    const result = await pumpSource(system, source);
    await system.stop();
    expect(result.records).toBe(total);
    expect(result.refusals).toBeGreaterThan(0); // the consumer really was slower than the reader
    expect(processed).toBe(total);
    expect(worstBacklog).toBeLessThanOrEqual(capacity + chunkSize);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('stops pumping when the system stops accepting', async () => {
    const system = createActorSystem();
    system.spawn(
      defineActor<void, null, MarketRecord>({
        name: 'sink',
        init: () => null,
        onStart: (s, ctx) => (ctx.subscribe('md'), s),
        receive: (s) => s,
      }),
      { mailbox: { capacity: 2, overflow: 'backpressure' } },
    );
    const pumping = pumpSource(system, createSimulatedMarket({ records: 1_000_000, chunkSize: 16 }));
    await new Promise((r) => setTimeout(r, 20));
    await system.stop();
    const result = await pumping;
    expect(result.interrupted).toBe(true);
    expect(result.records).toBeLessThan(1_000_000);
  });
});
