import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SIZE_INCREMENT,
  DEFAULT_SIZE_PRECISION,
  createInstrument,
  createPrecisionTracker,
  formatPrice,
  formatSize,
  inferInstrument,
  lotsToNumber,
  priceToTicks,
  sizeToLots,
  ticksToNumber,
} from '../../src/model/instrument.js';
import { decimalOfNumber, divRound, pow10, type Rounding } from '../../src/model/money.js';
import type { BookTicker, TradeBar, Trade } from '../../src/model/records.js';
import { isTickflowError } from '../../src/runtime/errors.js';

function throwsMoney(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isTickflowError(error, 'MONEY_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected MONEY_INVALID');
}

describe('createInstrument', () => {
  it('takes precisions from the increments and makes notionals exact by default', () => {
    const btc = createInstrument({ symbol: 'BTCUSDT', exchange: 'binance', priceIncrement: '0.01', sizeIncrement: 0.00001 });
    expect(btc.pricePrecision).toBe(2);
    expect(btc.sizePrecision).toBe(5);
    expect(btc.quotePrecision).toBe(7);
    expect(btc.priceIncrementTicks).toBe(1);
    expect(btc.sizeIncrementLots).toBe(1);
    expect(btc.sizeIncrement).toBe('0.00001');
    expect(btc.source).toBe('config');
  });

  it('keeps a configured quote precision and a non-unit increment', () => {
    const fut = createInstrument({ symbol: 'ES', priceIncrement: '0.25', sizeIncrement: '1', quotePrecision: 2 });
    expect(fut.pricePrecision).toBe(2);
    expect(fut.priceIncrementTicks).toBe(25);
    expect(fut.quotePrecision).toBe(2);
  });

  it('refuses a non-positive increment', () => {
    throwsMoney(() => createInstrument({ symbol: 'X', priceIncrement: '0', sizeIncrement: '1' }));
    throwsMoney(() => createInstrument({ symbol: 'X', priceIncrement: '0.01', sizeIncrement: '-1' }));
  });
});

describe('priceToTicks and sizeToLots', () => {
  const btc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' });
  const half = createInstrument({ symbol: 'HALF', priceIncrement: '0.5', sizeIncrement: '0.02' });

  it('converts on-grid market numbers exactly', () => {
    expect(priceToTicks(btc, 61234.56)).toBe(6123456);
    expect(priceToTicks(btc, '61234.5')).toBe(6123450);
    expect(sizeToLots(btc, 0.00123)).toBe(123);
    expect(priceToTicks(half, 101.5)).toBe(1015);
    expect(formatPrice(btc, 6123456)).toBe('61234.56');
    expect(formatSize(btc, 123)).toBe('0.00123');
    expect(ticksToNumber(btc, 6123456)).toBe(61234.56);
    expect(lotsToNumber(btc, 123)).toBe(0.00123);
  });

  it('refuses off-increment values in strict mode with a message naming the symbol', () => {
    expect(throwsMoney(() => priceToTicks(btc, 61234.567))).toMatch(/BTCUSDT: price 61234.567 is finer than 2 decimals/);
    expect(throwsMoney(() => priceToTicks(half, 101.3))).toMatch(/HALF: price 101.3 is not a multiple of the increment \(increment 0.5\)/);
    throwsMoney(() => sizeToLots(btc, 0.000001));
  });

  it('refuses a count of ticks or lots beyond 2^53, naming the symbol and field (lots are exact numbers below it)', () => {
    const fine = createInstrument({ symbol: 'FINE', priceIncrement: '0.000000000001', sizeIncrement: '0.000000000001' });
    expect(sizeToLots(fine, '9007.199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => sizeToLots(fine, '9007.199254740992')).toThrow(/beyond the exact range/);
    expect(() => sizeToLots(fine, 9008)).toThrow(/FINE: size 9008 is beyond the exact range of 12 decimals \(2\^53 lots\)/);
    expect(() => priceToTicks(fine, '-9008', 'halfEven')).toThrow(/FINE: price -9008 is beyond the exact range/);
    try {
      sizeToLots(fine, 1e6, 'down');
      expect.unreachable();
    } catch (error) {
      expect(isTickflowError(error, 'MONEY_INVALID')).toBe(true);
    }
    expect(() => createInstrument({ symbol: 'HUGE', priceIncrement: '0.01', sizeIncrement: '9007199254740993' })).toThrow(/HUGE: sizeIncrement 9007199254740993 has more than 2\^53 units/);
  });

  it('snaps to the increment where asked', () => {
    expect(priceToTicks(half, 101.3, 'halfEven')).toBe(1015);
    expect(priceToTicks(half, 101.3, 'floor')).toBe(1010);
    expect(priceToTicks(half, 101.1, 'ceil')).toBe(1015);
    expect(priceToTicks(half, 101.25, 'halfEven')).toBe(1010); // tie: 202.5 increments -> 202
    expect(priceToTicks(btc, 61234.567, 'floor')).toBe(6123456);
    expect(priceToTicks(btc, -1.005, 'floor')).toBe(-101);
    expect(sizeToLots(btc, 0.123456789, 'floor')).toBe(12345);
    expect(sizeToLots(btc, -0.123456789, 'down')).toBe(-12345);
    expect(sizeToLots(half, -0.05, 'down')).toBe(-4); // -0.04 on a 0.02 grid, towards zero
  });

  it('rounds once from the exact value, never twice', () => {
    // 1.0149 on a 0.02 grid is 50.745 increments -> 51 -> 1.02. Rounding first to 1.01 would make a
    // tie (50.5) and give 1.00.
    expect(sizeToLots(half, '1.0149', 'halfEven')).toBe(102);
  });
});

describe('the grid conversion of market numbers', () => {
  /**
   * The exact path: the number's shortest decimal, scaled to the grid with BigInt arithmetic, or
   * `'beyond'` when the count is past 2^53 (which the conversion refuses).
   */
  function exact(value: number, precision: number, step: number, rounding: Rounding): number | 'beyond' {
    const d = decimalOfNumber(value);
    const num = d.scale <= precision ? d.units * pow10(precision - d.scale) : d.units;
    const den = d.scale <= precision ? BigInt(step) : BigInt(step) * pow10(d.scale - precision);
    const units = divRound(num, den, rounding) * BigInt(step);
    return units > BigInt(Number.MAX_SAFE_INTEGER) || units < -BigInt(Number.MAX_SAFE_INTEGER) ? 'beyond' : Number(units);
  }

  /** `convert()` against `exact`: the same count, or `MONEY_INVALID` beyond 2^53. */
  function expectExact(convert: () => number, want: number | 'beyond'): void {
    if (want === 'beyond') expect(convert).toThrow(/beyond the exact range/);
    else expect(convert()).toBe(want);
  }

  it('gives what the exact decimal path gives, on the grid or off it, for every rounding (property)', () => {
    const instruments = [
      createInstrument({ symbol: 'A', priceIncrement: '0.01', sizeIncrement: '0.00001' }),
      createInstrument({ symbol: 'B', priceIncrement: '0.5', sizeIncrement: '0.02' }),
      createInstrument({ symbol: 'C', priceIncrement: '0.00000001', sizeIncrement: '1' }),
      createInstrument({ symbol: 'D', priceIncrement: '25', sizeIncrement: '0.001' }),
    ];
    const rounding = fc.constantFrom<Exclude<Rounding, 'strict'>>('floor', 'ceil', 'down', 'halfEven');
    fc.assert(
      fc.property(fc.constantFrom(...instruments), fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), fc.integer({ min: 0, max: 12 }), rounding, (inst, units, scale, mode) => {
        const value = units / 10 ** scale;
        expectExact(() => priceToTicks(inst, value, mode), exact(value, inst.pricePrecision, inst.priceIncrementTicks, mode));
        expectExact(() => sizeToLots(inst, value, mode), exact(value, inst.sizePrecision, inst.sizeIncrementLots, mode));
      }),
      { numRuns: 2_000 },
    );
  });

  it('gives what the exact path gives for doubles as arithmetic makes them: mids, float noise, any magnitude (property)', () => {
    const instruments = [
      createInstrument({ symbol: 'A', priceIncrement: '0.01', sizeIncrement: '0.00001' }),
      createInstrument({ symbol: 'B', priceIncrement: '0.5', sizeIncrement: '0.02' }),
      createInstrument({ symbol: 'C', priceIncrement: '0.00000001', sizeIncrement: '1' }),
    ];
    const rounding = fc.constantFrom<Exclude<Rounding, 'strict'>>('floor', 'ceil', 'down', 'halfEven');
    const value = fc.oneof(
      fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }).filter((x) => x === 0 || Math.abs(x) > 1e-12),
      // A mid of two prices on a 0.01 grid, and a lot count times a lot size (float noise).
      fc.tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: 10_000_000 })).map(([a, b]) => (a / 100 + b / 100) / 2),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n * 0.00001),
      fc.integer({ min: 0, max: 1_000_000 }).map((n) => Math.round((n * 0.00001 + 0.00001) / 0.00001) * 0.00001),
    );
    fc.assert(
      fc.property(fc.constantFrom(...instruments), value, rounding, (inst, x, mode) => {
        expectExact(() => priceToTicks(inst, x, mode), exact(x, inst.pricePrecision, inst.priceIncrementTicks, mode));
        expectExact(() => sizeToLots(inst, x, mode), exact(x, inst.sizePrecision, inst.sizeIncrementLots, mode));
      }),
      { numRuns: 5_000 },
    );
  });

  it('still refuses, naming the value, a strict conversion off the grid', () => {
    const inst = createInstrument({ symbol: 'A', priceIncrement: '0.5', sizeIncrement: '0.001' });
    expect(() => priceToTicks(inst, 100.3, 'strict')).toThrow(/price 100.3 is not a multiple of the increment/);
    expect(() => priceToTicks(inst, 100.25, 'strict')).toThrow(/price 100.25 is finer than 1 decimals/);
    expect(priceToTicks(inst, 100.5, 'strict')).toBe(1005);
  });
});

describe('inferInstrument', () => {
  it('takes the largest decimals seen and says it was inferred', () => {
    const inst = inferInstrument('ETHUSDT', { prices: [2500.5, 2500.25, 2499, 2501.1], sizes: [0.001, 1.5, 12] }, { exchange: 'binance' });
    expect(inst.pricePrecision).toBe(2);
    expect(inst.sizePrecision).toBe(3);
    expect(inst.quotePrecision).toBe(5);
    expect(inst.priceIncrement).toBe('0.01');
    expect(inst.sizeIncrement).toBe('0.001');
    expect(inst.exchange).toBe('binance');
    expect(inst.source).toBe('inferred');
    expect(inst.inferredFrom).toEqual({ prices: 4, sizes: 3, overCap: 0 });
  });

  it('reads exponent-form numbers and caps float noise', () => {
    const tiny = inferInstrument('SHIBUSDT', { prices: [1e-7, 0.00001234], sizes: [1000000] });
    expect(tiny.pricePrecision).toBe(8);
    expect(tiny.sizePrecision).toBe(0);
    const noisy = inferInstrument('X', { prices: [0.1 + 0.2, 1.5], sizes: [1] }, { maxPrecision: 10 });
    expect(noisy.pricePrecision).toBe(10);
    expect(noisy.inferredFrom?.overCap).toBe(1);
  });

  it('assumes the default size precision when no size was seen (bar files)', () => {
    const inst = inferInstrument('BTC-PERP', { prices: [46000.5, 46001] });
    expect(inst.sizePrecision).toBe(DEFAULT_SIZE_PRECISION);
    expect(inst.pricePrecision).toBe(1);
  });

  it('says the size increment was observed when sizes were seen, and configured for a config instrument', () => {
    expect(inferInstrument('ETHUSDT', { prices: [2500.5], sizes: [0.001] }).sizeIncrementIsDefault).toBe(false);
    expect(createInstrument({ symbol: 'X', priceIncrement: '0.01', sizeIncrement: '1' }).sizeIncrementIsDefault).toBe(false);
  });

  it('marks the default size increment as a default when no size was seen', () => {
    const inst = inferInstrument('BTC-PERP', { prices: [46000.5] });
    expect(inst.sizeIncrement).toBe(DEFAULT_SIZE_INCREMENT);
    expect(inst.sizeIncrementIsDefault).toBe(true);
  });

  // Quote files without size columns (TrueFX) decode with amounts 0, "size unknown". Counting those
  // zeros as samples inferred 0 decimals, a size increment of 1, and a strategy's size 0.5 rounded
  // down to no order at all.
  it('does not take zero sizes for size samples: quotes without sizes get the default increment', () => {
    const tracker = createPrecisionTracker();
    const base = { exchange: 'csv', symbol: 'USDJPY', ts: 1, tsRecv: 1 };
    for (const [bid, ask] of [[86.655, 86.728], [86.657, 86.728]] as const) {
      const quote: BookTicker = { ...base, type: 'book_ticker', bidPrice: bid, bidAmount: 0, askPrice: ask, askAmount: 0 };
      tracker.observeRecord(quote);
    }
    tracker.observeSize(0);
    const inst = tracker.toInstrument('USDJPY', 'csv');
    expect(inst.priceIncrement).toBe('0.001');
    expect(inst.sizeIncrement).toBe(DEFAULT_SIZE_INCREMENT);
    expect(inst.sizeIncrement).not.toBe('1');
    expect(inst.sizeIncrementIsDefault).toBe(true);
    expect(inst.inferredFrom).toEqual({ prices: 4, sizes: 0, overCap: 0 });
    expect(sizeToLots(inst, 0.5, 'down')).toBe(50_000_000);
  });

  it('infers no finer grid than keeps 1,024 times the largest value below 2^53 lots or ticks (float noise is cut)', () => {
    const noisy = inferInstrument('BTCUSDT', { prices: [65000.5, 65001.123456789012, 1.25], sizes: [0.001, 123456.5, 0.000123456789] });
    // 65001.123456789012 × 10^8 × 1024 < 2^53 <= × 10^9; 123456.5 × 10^7 × 1024 < 2^53.
    expect(noisy.pricePrecision).toBe(8);
    expect(noisy.sizePrecision).toBe(7);
    expect(noisy.inferredFrom).toEqual({ prices: 3, sizes: 3, overCap: 2 });
    expect(priceToTicks(noisy, 65001.123456789012 * 1024, 'halfEven')).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
    // Small values keep every decimal up to the cap.
    expect(inferInstrument('X', { prices: [0.000000012345], sizes: [1] }).pricePrecision).toBe(12);
  });

  it('keeps the decimals of the non-zero sizes among zero ones', () => {
    const inst = inferInstrument('X', { prices: [1.5], sizes: [0, 0.25, 0, 3] });
    expect(inst.sizeIncrement).toBe('0.01');
    expect(inst.sizeIncrementIsDefault).toBe(false);
    expect(inst.inferredFrom).toEqual({ prices: 1, sizes: 2, overCap: 0 });
  });

  it('observes records: trades, quotes and bar prices (not bar volumes)', () => {
    const tracker = createPrecisionTracker();
    const base = { exchange: 'binance', symbol: 'BTCUSDT', ts: 1, tsRecv: 1 };
    const trade: Trade = { ...base, type: 'trade', id: '1', price: 61000.1, amount: 0.00042, side: 'buy' };
    const quote: BookTicker = { ...base, type: 'book_ticker', bidPrice: 61000.01, bidAmount: 1.2, askPrice: 61000.02, askAmount: 0.5 };
    const bar: TradeBar = {
      ...base,
      type: 'trade_bar',
      interval: '1m',
      open: 61000,
      high: 61000.5,
      low: 60999,
      close: 61000.25,
      volume: 0.1 + 0.2,
      buyVolume: 0.1,
      sellVolume: 0.2,
      trades: 2,
      vwap: 61000.123456789,
      openTs: 0,
      closeTs: 60_000_000,
    };
    tracker.observeRecord(trade);
    tracker.observeRecord(quote);
    tracker.observeRecord(bar);
    const inst = tracker.toInstrument('BTCUSDT', 'binance');
    expect(inst.pricePrecision).toBe(2);
    expect(inst.sizePrecision).toBe(5);
    expect(inst.inferredFrom).toEqual({ prices: 7, sizes: 3, overCap: 0 });
  });
});
