import { describe, expect, it } from 'vitest';
import type { TradeBar } from '../../../src/model/records.js';
import { MINUTE } from '../../../src/runtime/clock.js';
import { BarResampler } from '../../../streams/operators/bar-resampler.js';
import { parseBarSpec } from '../../../streams/operators/bar-spec.js';

const T0 = 1_700_000_000_000_000 - (1_700_000_000_000_000 % (60 * MINUTE)); // on an hour boundary

/** A 1-minute bar opening `minute` minutes after T0. */
function bar(minute: number, o: number, h: number, l: number, c: number, volume: number, symbol = 'BTC', extra: Partial<TradeBar> = {}): TradeBar {
  const openTs = T0 + minute * MINUTE;
  return {
    type: 'trade_bar', exchange: 'csv', symbol, ts: openTs + MINUTE, tsRecv: openTs + MINUTE, interval: '1m',
    open: o, high: h, low: l, close: c, volume, buyVolume: 0, sellVolume: 0, trades: 0, vwap: c, openTs, closeTs: openTs + MINUTE,
    ...extra,
  };
}

describe('BarResampler', () => {
  it('aggregates 1m bars into 5m bars exactly: first open, max high, min low, last close, decimal volume sums', () => {
    const r = new BarResampler(parseBarSpec('5m'));
    const out = [
      ...r.onBar(bar(0, 10, 12, 9, 11, 0.1, 'BTC', { buyVolume: 0.05, sellVolume: 0.05, trades: 3 })),
      ...r.onBar(bar(1, 11, 15, 10, 14, 0.2, 'BTC', { buyVolume: 0.15, sellVolume: 0.05, trades: 4 })),
      ...r.onBar(bar(2, 14, 14, 7, 8, 0.7)),
      ...r.onBar(bar(3, 8, 9, 8, 9, 1e-8)),
    ];
    expect(out).toEqual([]);
    const [closed] = r.onBar(bar(4, 9, 10, 8.5, 10, 3));
    // Complete with its fifth minute: closed at once, stamped at its end.
    expect(closed).toEqual({
      type: 'trade_bar', exchange: 'csv', symbol: 'BTC', ts: T0 + 5 * MINUTE, tsRecv: T0 + 5 * MINUTE, interval: '5m',
      open: 10, high: 15, low: 7, close: 10, volume: 4.00000001, buyVolume: 0.2, sellVolume: 0.1, trades: 7,
      vwap: (11 * 0.1 + 14 * 0.2 + 8 * 0.7 + 9 * 1e-8 + 10 * 3) / 4.00000001, openTs: T0, closeTs: T0 + 5 * MINUTE,
    });
    // A float sum would say 0.30000000000000004 for the first two volumes; the decimal sum says 0.3.
    expect(0.1 + 0.2).not.toBe(0.3);
    const pair = new BarResampler(parseBarSpec('2m'));
    expect(pair.onBar(bar(0, 1, 1, 1, 1, 0.1))).toEqual([]);
    expect(pair.onBar(bar(1, 1, 1, 1, 1, 0.2))[0]!.volume).toBe(0.3);
    expect(r.emitted).toBe(1);
  });

  it('aligns buckets to the spec\'s boundaries, not to the first bar', () => {
    const r = new BarResampler(parseBarSpec('1h'));
    // The first bar opens at :57: its bucket is [T0, T0 + 1h), closed by the bar ending at T0 + 1h.
    expect(r.onBar(bar(57, 1, 2, 1, 2, 1))).toEqual([]);
    expect(r.onBar(bar(58, 2, 3, 2, 3, 1))).toEqual([]);
    const [first] = r.onBar(bar(59, 3, 3, 1, 1, 1));
    expect(first).toMatchObject({ openTs: T0, closeTs: T0 + 60 * MINUTE, open: 1, high: 3, low: 1, close: 1, volume: 3 });
  });

  it('closes a bucket whose last bars never came when a later bucket starts, by the clock, or at flush', () => {
    const r = new BarResampler(parseBarSpec('5m'));
    r.onBar(bar(0, 1, 1, 1, 1, 1));
    r.onBar(bar(1, 2, 2, 2, 2, 1));
    // Minutes 2 to 4 are missing: minute 7's bar closes the first bucket, then starts its own.
    const [gap] = r.onBar(bar(7, 5, 5, 5, 5, 1));
    expect(gap).toMatchObject({ openTs: T0, closeTs: T0 + 5 * MINUTE, close: 2, volume: 2 });
    expect(r.nextDeadline()).toBe(T0 + 10 * MINUTE);
    expect(r.onTime(T0 + 10 * MINUTE - 1)).toEqual([]);
    expect(r.onTime(T0 + 10 * MINUTE)).toMatchObject([{ openTs: T0 + 5 * MINUTE, close: 5 }]);
    r.onBar(bar(10, 6, 6, 6, 6, 1));
    expect(r.flush()).toMatchObject([{ openTs: T0 + 10 * MINUTE, closeTs: T0 + 15 * MINUTE, close: 6, volume: 1 }]);
    expect(r.flush()).toEqual([]);
  });

  it('keeps instruments apart', () => {
    const r = new BarResampler(parseBarSpec('2m'));
    r.onBar(bar(0, 1, 1, 1, 1, 1, 'BTC'));
    r.onBar(bar(0, 100, 100, 100, 100, 5, 'ETH'));
    const [btc] = r.onBar(bar(1, 2, 2, 2, 2, 1, 'BTC'));
    expect(btc).toMatchObject({ symbol: 'BTC', open: 1, close: 2, volume: 2 });
    expect(r.flush()).toMatchObject([{ symbol: 'ETH', open: 100, volume: 5 }]);
  });

  it('counts a source bar that ends past its bucket', () => {
    const r = new BarResampler(parseBarSpec('2m'));
    // A 3-minute bar cannot be split into 2-minute buckets.
    r.onBar({ ...bar(0, 1, 1, 1, 1, 1), closeTs: T0 + 3 * MINUTE, interval: '3m' });
    expect(r.straddling).toBe(1);
  });
});
