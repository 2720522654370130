import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../../actors/execution/orders/portfolio.js';
import { roundTrips } from '../../../src/app/metrics/round-trips.js';
import type { Fill } from '../../../src/model/fill.js';
import { A, B, INSTRUMENTS, QP, fill } from './metrics-fixtures.js';

// Money at 5 decimals (QP): 100.00 is 10_000_000n.
const money = (text: string): bigint => BigInt(Math.round(Number(text) * 1e5));

describe('roundTrips', () => {
  // t  fill                       position  trip
  // 1  buy  2 @ 100.00 fee 0.08    +2       opens long #1: entry 200.00
  // 2  buy  1 @ 103.00 fee 0.0412  +3       adds: entry 303.00, 3 lots
  // 3  sell 1 @ 110.00 fee 0.044   +2       reduces: exit 110.00
  // 5  sell 4 @ 105.00 fee 0.168   −2       flip: 2 lots close #1 (exit 2 × 105 = 210.00, fee
  //                                         0.168 × 2/4 = 0.084), 2 lots open short #2 (entry
  //                                         420 − 210 = 210.00, fee 0.168 − 0.084 = 0.084)
  // 9  buy  2 @ 101.00 fee 0.0808   0       closes #2: exit 202.00
  // #1: long 3 lots, entry 303 (avg 101.00), exit 110 + 210 = 320 (avg 106.66667), gross 320 − 303 = 17,
  //     fees 0.08 + 0.0412 + 0.044 + 0.084 = 0.2492, net 16.7508, held 5 − 1 = 4 µs, 4 fills.
  // #2: short 2 lots, entry 210 (avg 105), exit 202 (avg 101), gross 210 − 202 = 8,
  //     fees 0.084 + 0.0808 = 0.1648, net 7.8352, held 9 − 5 = 4 µs, 2 fills.
  const fills = [
    fill(A, 'buy', '2', '100', '0.08', 1),
    fill(A, 'buy', '1', '103', '0.0412', 2),
    fill(A, 'sell', '1', '110', '0.044', 3),
    fill(A, 'sell', '4', '105', '0.168', 5),
    fill(A, 'buy', '2', '101', '0.0808', 9),
  ];

  it('closes a trip at flat and at a flip, which opens the next one', () => {
    const { closed, open } = roundTrips(fills, INSTRUMENTS, QP);
    expect(open).toEqual([]);
    expect(closed).toEqual([
      {
        key: 'x:A',
        side: 'long',
        openTs: 1,
        closeTs: 5,
        quantity: 3000,
        sizePrecision: 3,
        entryNotional: money('303'),
        exitNotional: money('320'),
        entryPrice: money('101'),
        exitPrice: money('106.66667'),
        grossPnl: money('17'),
        fees: money('0.2492'),
        netPnl: money('16.7508'),
        holdingUs: 4,
        fills: 4,
      },
      {
        key: 'x:A',
        side: 'short',
        openTs: 5,
        closeTs: 9,
        quantity: 2000,
        sizePrecision: 3,
        entryNotional: money('210'),
        exitNotional: money('202'),
        entryPrice: money('105'),
        exitPrice: money('101'),
        grossPnl: money('8'),
        fees: money('0.1648'),
        netPnl: money('7.8352'),
        holdingUs: 4,
        fills: 2,
      },
    ]);
  });

  it('books exactly the realized PnL and fees the portfolio books', () => {
    const portfolio = new Portfolio({ quotePrecision: QP, initialCash: '100000' });
    for (const f of fills) portfolio.applyFill(f, INSTRUMENTS.get(`${f.exchange}:${f.symbol}`)!);
    const { closed } = roundTrips(fills, INSTRUMENTS, QP);
    // 17 + 8 = 25 gross; 0.2492 + 0.1648 = 0.414 fees
    expect(portfolio.realizedPnl).toBe(money('25'));
    expect(closed.reduce((s, t) => s + t.grossPnl, 0n)).toBe(portfolio.realizedPnl);
    expect(closed.reduce((s, t) => s + t.fees, 0n)).toBe(portfolio.fees);
  });

  it('keeps instruments apart and reports what is still open', () => {
    const { closed, open } = roundTrips(
      [fill(A, 'buy', '1', '100', '0', 1), fill(B, 'sell', '1', '50', '0', 2), fill(A, 'sell', '1', '90', '0', 3), fill(B, 'buy', '0.5', '40', '0', 4)],
      INSTRUMENTS,
      QP,
    );
    // A: long 100 -> 90, −10. B: short 1, half bought back: still open, −0.5 lots.
    expect(closed.map((t) => [t.key, t.side, t.grossPnl])).toEqual([['x:A', 'long', money('-10')]]);
    expect(open).toEqual([{ key: 'x:B', side: 'short', openTs: 2, position: -500 }]);
  });

  it('counts each pass through zero as one closed trip (flips included)', () => {
    // +1, −1 (flip), +1 (flip), 0: three trips.
    const { closed } = roundTrips(
      [fill(A, 'buy', '1', '10', '0', 1), fill(A, 'sell', '2', '11', '0', 2), fill(A, 'buy', '2', '9', '0', 3), fill(A, 'sell', '1', '10', '0', 4)],
      INSTRUMENTS,
      QP,
    );
    expect(closed.map((t) => [t.side, t.openTs, t.closeTs, t.grossPnl])).toEqual([
      ['long', 1, 2, money('1')], // 11 − 10
      ['short', 2, 3, money('2')], // 11 − 9
      ['long', 3, 4, money('1')], // 10 − 9
    ]);
  });

  it('gives nothing for no fills', () => {
    expect(roundTrips([], INSTRUMENTS, QP)).toEqual({ closed: [], open: [] });
  });

  it('refuses lots beyond 2^53, in a position or taken in by one trip, rather than sum them inexactly', () => {
    const lots = (side: 'buy' | 'sell', quantity: number, ts: number): Fill => ({ ...fill(A, side, '1', '100', '0', ts), quantity });
    const half = 2 ** 52;
    // Position 2^52 + 2^52 = 2^53: beyond exact numbers.
    expect(() => roundTrips([lots('buy', half, 1), lots('buy', half, 2)], INSTRUMENTS, QP)).toThrow(/beyond 2\^53/);
    // The position stays small (2^52, 1, 2^52 + 1), but the trip takes in 2^52 + 2^52 lots.
    expect(() => roundTrips([lots('buy', half, 1), lots('sell', half - 1, 2), lots('buy', half, 3)], INSTRUMENTS, QP)).toThrow(expect.objectContaining({ code: 'MONEY_INVALID' }));
    // Just below the bound: exact.
    const { closed } = roundTrips([lots('buy', half, 1), lots('sell', half - 1, 2), lots('buy', half - 1, 3), lots('sell', half + 1, 4)], INSTRUMENTS, QP);
    expect(closed.map((t) => t.quantity)).toEqual([2 * half - 1]);
  });

  it("sums to the portfolio's realized PnL and fees once every position is closed (property)", () => {
    const step = fc.record({
      b: fc.boolean(),
      buy: fc.boolean(),
      lots: fc.integer({ min: 1, max: 5000 }),
      ticks: fc.integer({ min: 1, max: 2_000_000 }),
      fee: fc.integer({ min: -50, max: 5000 }),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const position = new Map<string, number>([['x:A', 0], ['x:B', 0]]);
        const all: Fill[] = [];
        let ts = 0;
        const push = (instrument: typeof A, buy: boolean, lots: number, ticks: number, fee: bigint): void => {
          const key = `x:${instrument.symbol}`;
          all.push({ clientOrderId: `p${all.length}`, exchange: 'x', symbol: instrument.symbol, side: buy ? 'buy' : 'sell', quantity: lots, price: ticks, fee, liquidity: 'taker', ts: ++ts });
          position.set(key, position.get(key)! + (buy ? lots : -lots));
        };
        for (const s of steps) push(s.b ? B : A, s.buy, s.lots, s.ticks, BigInt(s.fee));
        // Flatten what is left, so every trip is closed.
        for (const instrument of [A, B]) {
          const q = position.get(`x:${instrument.symbol}`)!;
          if (q !== 0) push(instrument, q < 0, q < 0 ? -q : q, 12_345, 7n);
        }
        const portfolio = new Portfolio({ quotePrecision: QP, initialCash: '1000000' });
        for (const f of all) portfolio.applyFill(f, INSTRUMENTS.get(`x:${f.symbol}`)!);
        const { closed, open } = roundTrips(all, INSTRUMENTS, QP);
        expect(open).toEqual([]);
        expect(closed.reduce((s, t) => s + t.grossPnl, 0n)).toBe(portfolio.realizedPnl);
        expect(closed.reduce((s, t) => s + t.fees, 0n)).toBe(portfolio.fees);
        expect(closed.reduce((s, t) => s + t.netPnl, 0n)).toBe(portfolio.realizedPnl - portfolio.fees);
        // One trip per return to zero or pass through it.
        let crossings = 0;
        const seen = new Map<string, number>([['x:A', 0], ['x:B', 0]]);
        for (const f of all) {
          const key = `x:${f.symbol}`;
          const before = seen.get(key)!;
          const after = before + (f.side === 'buy' ? f.quantity : -f.quantity);
          if (before !== 0 && (after === 0 || before > 0 !== after > 0)) crossings++;
          seen.set(key, after);
        }
        expect(closed.length).toBe(crossings);
        for (const t of closed) expect(t.holdingUs).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
