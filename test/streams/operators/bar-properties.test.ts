import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Side, Trade, TradeBar } from '../../../src/model/records.js';
import { createBarAggregator } from '../../../streams/operators/bar-aggregator.js';
import { parseBarSpec, type BarSpecOptions } from '../../../streams/operators/bar-spec.js';

const T0 = 1_723_075_200_000_000;

// Trades with non-decreasing receive times (engine order, as a replay delivers them), venue times
// scattered up to 2 s either side, prices and amounts on cent grids.
const tradesArb = fc
  .array(
    fc.record({
      gapUs: fc.integer({ min: 0, max: 1_500_000 }),
      skewUs: fc.integer({ min: -2_000_000, max: 2_000_000 }),
      priceCents: fc.integer({ min: 1, max: 1_000_000 }),
      amountCents: fc.integer({ min: 0, max: 10_000 }),
      side: fc.constantFrom<Side>('buy', 'sell', 'unknown'),
      tickUs: fc.integer({ min: 0, max: 3_000_000 }),
    }),
    { maxLength: 200 },
  )
  .map((rows) => {
    let t = T0;
    return rows.map((r, i): { trade: Trade; tickUs: number } => {
      t += r.gapUs;
      const trade: Trade = {
        type: 'trade', exchange: 'x', symbol: 'S', ts: t + r.skewUs, tsRecv: t, id: String(i),
        price: r.priceCents / 100, amount: r.amountCents / 100, side: r.side,
      };
      return { trade, tickUs: r.tickUs };
    });
  });

const specs: [string, BarSpecOptions][] = [
  ['1s', {}],
  ['5s', {}],
  ['1m', {}],
  ['7t', {}],
  ['25v', {}],
  ['1s', { timeBase: 'venue', lateness: '500ms' }],
];

describe('bar aggregation properties', () => {
  it.each(specs)('conserves volume and trade counts and keeps OHLC consistent for %s %j', (text, options) => {
    const spec = parseBarSpec(text, options);
    fc.assert(
      fc.property(tradesArb, (rows) => {
        const agg = createBarAggregator(spec, 'x', 'S');
        const out: TradeBar[] = [];
        let volume = 0;
        for (const { trade, tickUs } of rows) {
          volume += trade.amount;
          out.push(...agg.onTrade(trade));
          // The actor's timer may fire anywhere after a record, even past the next one's receive
          // time (a live clock ahead of records still in the mailbox).
          out.push(...agg.onTime(trade.tsRecv + tickUs));
        }
        out.push(...agg.flush());

        const counted = out.reduce((n, b) => n + b.trades, 0);
        expect(counted + agg.late).toBe(rows.length);
        if (spec.timeBase === 'engine') {
          expect(agg.late).toBe(0); // engine time never drops: what the clock passed is carried
          const barVolume = out.reduce((v, b) => v + b.volume, 0);
          expect(Math.abs(barVolume - volume)).toBeLessThanOrEqual(1e-9 * Math.max(1, volume));
        }
        let previousClose = Number.NEGATIVE_INFINITY;
        for (const b of out) {
          expect(b.trades).toBeGreaterThan(0); // an empty interval never makes a bar
          expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
          expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
          expect(b.vwap).toBeGreaterThanOrEqual(b.low);
          expect(b.vwap).toBeLessThanOrEqual(b.high);
          expect(b.buyVolume + b.sellVolume).toBeLessThanOrEqual(b.volume + 1e-9);
          expect(b.openTs).toBeLessThanOrEqual(b.closeTs);
          expect(b.closeTs).toBeGreaterThanOrEqual(previousClose); // delivered in time order
          previousClose = b.closeTs;
          if (spec.kind === 'time') expect(b.closeTs - b.openTs).toBe(spec.intervalUs);
          if (spec.kind === 'tick') expect(b.trades).toBeLessThanOrEqual(spec.tickCount);
        }
        if (spec.kind === 'tick') expect(out.slice(0, -1).every((b) => b.trades === spec.tickCount)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
