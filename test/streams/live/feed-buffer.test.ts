/**
 * The feed's buffer: records out in the order in, none dropped, the host told to pause exactly
 * when the high-water mark is reached and to resume at the low one, engine time never backwards.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketRecord, Trade } from '../../../src/model/records.js';
import { FeedBuffer } from '../../../streams/live/feed-buffer.js';
import { MutableFeedStats } from '../../../streams/live/feed-stats.js';

function trade(n: number, tsRecv = n): Trade {
  return { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: n, tsRecv, id: String(n), price: 1, amount: 1, side: 'buy' };
}

function bufferRig(high: number, low: number) {
  const events: string[] = [];
  const stats = new MutableFeedStats('test', [], 10, null);
  const buffer = new FeedBuffer({ bufferHigh: () => events.push('high'), bufferLow: () => events.push('low') }, stats, high, low);
  return { buffer, stats, events };
}

describe('FeedBuffer', () => {
  it('loses nothing, keeps order, and signals the water marks in turn (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 50 })), { maxLength: 400 }), fc.integer({ min: 2, max: 40 }), (ops, high) => {
        const low = Math.floor(high / 3);
        const { buffer, stats, events } = bufferRig(high, low);
        let pushed = 0;
        const taken: MarketRecord[] = [];
        let paused = false;
        for (const op of ops) {
          if (op === -1) {
            buffer.next(trade(pushed++));
            // Paused exactly from reaching `high` until drained to `low`.
            if (!paused && buffer.size >= high) paused = true;
          } else {
            taken.push(...buffer.take(op));
            if (paused && buffer.size <= low) paused = false;
          }
          expect(events.at(-1) === 'high').toBe(paused);
        }
        taken.push(...buffer.take(Infinity));
        expect(taken.map((r) => r.ts)).toEqual(Array.from({ length: pushed }, (_, i) => i));
        expect(events.every((e, i) => e === (i % 2 === 0 ? 'high' : 'low'))).toBe(true);
        expect(stats.pauses).toBe(0); // counting pauses is the feed's: the buffer only signals
        expect(stats.delivered).toBe(pushed);
        expect(stats.peakBuffered).toBeLessThanOrEqual(Math.max(pushed, 0));
      }),
      { numRuns: 300, seed: 5 },
    );
  });

  it('stamps a record released late with the last receive time, never going back', () => {
    const { buffer, stats } = bufferRig(100, 10);
    buffer.next(trade(1, 500));
    buffer.next(trade(2, 400)); // held during a resync, released after newer records
    buffer.next(trade(3, 600));
    expect(buffer.take(10).map((r) => r.tsRecv)).toEqual([500, 500, 600]);
    expect(stats.restamped).toBe(1);
  });

  it('wakes a waiting reader on the first record, and on end', async () => {
    const { buffer } = bufferRig(100, 10);
    const waiting = buffer.whenData();
    buffer.next(trade(1));
    await waiting;
    expect(buffer.size).toBe(1);
    buffer.take(1);
    const ended = buffer.whenData();
    buffer.end();
    await ended;
    expect(buffer.isEnded).toBe(true);
    buffer.next(trade(2));
    expect(buffer.size).toBe(0); // nothing is taken in after the end
  });
});
