import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Portfolio, type PortfolioFill } from '../../../../actors/execution/orders/portfolio.js';
import { feeFor, fillNotional, parseFeeRate } from '../../../../src/model/fill.js';
import { createInstrument, type Instrument } from '../../../../src/model/instrument.js';
import { decimalOfNumber, formatUnits, mulUnits, parseDecimal } from '../../../../src/model/money.js';
import { isTickflowError } from '../../../../src/runtime/errors.js';

// Prices 0.01, sizes 0.001, money in cents: notionals have 5 decimals, so cents force rounding.
const usd = createInstrument({ symbol: 'ABC', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });

function fill(side: 'buy' | 'sell', quantity: number, price: number, fee = 0n, symbol = 'ABC'): PortfolioFill {
  return { exchange: 'x', symbol, side, quantity, price, fee };
}

function books(p: Portfolio): bigint {
  return p.initialCash + p.realizedPnl - p.fees - p.costBasisTotal();
}

describe('Portfolio (worked examples)', () => {
  it('opens, partially closes with a remainder, and closes, losing nothing', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '1000' });
    p.applyFill(fill('buy', 1000, 1001, 3n), usd); // 1.000 @ 10.01, fee 0.03
    p.applyFill(fill('buy', 2000, 1000), usd); // 2.000 @ 10.00
    expect(p.position('x:ABC')).toMatchObject({ quantity: 3000, costBasis: 3001n, avgPrice: 1000n }); // 30.01 / 3 = 10.0033 -> 10.00
    expect(p.cash).toBe(100000n - 3001n - 3n);

    // Sell 1.000 @ 11.00: the closed third of 30.01 is 10.0033… -> 10.00; 20.01 stays.
    const first = p.applyFill(fill('sell', 1000, 1100), usd);
    expect(first.realizedPnl).toBe(100n);
    expect(p.position('x:ABC')).toMatchObject({ quantity: 2000, costBasis: 2001n, realizedPnl: 100n, avgPrice: 1000n }); // 10.005 -> 10.00

    // Sell 2.000 @ 9.00: 18.00 - 20.01 = -2.01. In all: 29.00 - 30.01 = -1.01.
    const second = p.applyFill(fill('sell', 2000, 900), usd);
    expect(second.realizedPnl).toBe(-201n);
    expect(p.realizedPnl).toBe(-101n);
    expect(p.position('x:ABC')).toMatchObject({ quantity: 0, costBasis: 0n, avgPrice: undefined });
    expect(p.cash).toBe(100000n - 101n - 3n);
    expect(books(p)).toBe(p.cash);
  });

  it('rounds the removed cost basis half-even on a tie', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '100' });
    p.applyFill(fill('buy', 1000, 500), usd); // 5.00
    p.applyFill(fill('buy', 1000, 501), usd); // 5.01 -> basis 10.01, avg 5.005 -> 5.00
    expect(p.position('x:ABC')?.avgPrice).toBe(500n);
    expect(p.applyFill(fill('sell', 1000, 600), usd).realizedPnl).toBe(100n); // removes 5.005 -> 5.00
    expect(p.position('x:ABC')?.costBasis).toBe(501n);
    expect(p.applyFill(fill('sell', 1000, 600), usd).realizedPnl).toBe(99n);
    expect(p.realizedPnl).toBe(199n); // 12.00 - 10.01
  });

  it('flips from long to short through zero in one fill', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '1000' });
    p.applyFill(fill('buy', 1000, 10000), usd); // long 1.000 @ 100.00
    const flip = p.applyFill(fill('sell', 3000, 10150), usd); // sell 3.000 @ 101.50
    expect(flip).toMatchObject({ before: 1000, after: -2000, realizedPnl: 150n, notional: 30450n, flipped: true });
    expect(p.position('x:ABC')).toMatchObject({ quantity: -2000, costBasis: -20300n, avgPrice: 10150n });
    const cover = p.applyFill(fill('buy', 2000, 10000), usd); // buy back 2.000 @ 100.00
    expect(cover.realizedPnl).toBe(300n);
    expect(p.realizedPnl).toBe(450n);
    expect(p.cash).toBe(100000n + 450n);
  });

  it('rounds a flip’s closing notional and gives the rest to the new side', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '0' });
    p.applyFill(fill('buy', 1, 301), usd); // 0.001 @ 3.01 -> 0.00301 -> 0.00
    expect(p.position('x:ABC')?.costBasis).toBe(0n);
    p.applyFill(fill('sell', 3, 301), usd); // 0.003 @ 3.01 = 0.00903 -> 0.01; closing 0.001 -> 0.00
    expect(p.position('x:ABC')).toMatchObject({ quantity: -2, costBasis: -1n });
    expect(p.realizedPnl).toBe(0n);
    expect(books(p)).toBe(p.cash);
  });

  it('marks positions for unrealized PnL and equity, half-even at the quote precision', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '100' });
    p.applyFill(fill('buy', 2000, 500, 1n), usd); // 2.000 @ 5.00, fee 0.01
    expect(p.unrealizedPnl()).toBe(0n); // unmarked: valued at cost
    expect(p.equity()).toBe(9999n);
    p.mark('x:ABC', 5.125);
    expect(p.marketValue('x:ABC')).toBe(1025n);
    expect(p.unrealizedPnl('x:ABC')).toBe(25n);
    expect(p.equity()).toBe(10024n);
    p.mark('x:ABC', 5.0025); // 10.005 -> 10.00
    expect(p.marketValue('x:ABC')).toBe(1000n);
    p.mark('x:ABC', '4.5');
    expect(p.grossExposure()).toBe(900n);
    expect(p.snapshot()).toEqual({
      quotePrecision: 2,
      initialCash: '100.00',
      cash: '89.99',
      realizedPnl: '0.00',
      unrealizedPnl: '-1.00',
      fees: '0.01',
      equity: '98.99',
      grossExposure: '9.00',
      positions: {
        'x:ABC': {
          quantity: '2.000',
          avgPrice: '5.00',
          costBasis: '10.00',
          markPrice: '4.5',
          marketValue: '9.00',
          realizedPnl: '0.00',
          unrealizedPnl: '-1.00',
          fees: '0.01',
          fills: 1,
        },
      },
    });
  });

  it('values a short position negatively and keeps a mark set before the first fill', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '100' });
    p.mark('x:ABC', 9);
    p.applyFill(fill('sell', 1000, 1000), usd); // short 1.000 @ 10.00
    expect(p.marketValue('x:ABC')).toBe(-900n);
    expect(p.unrealizedPnl()).toBe(100n);
    expect(p.equity()).toBe(10000n + 1000n - 900n);
  });

  it('says which orders only reduce the position', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '100' });
    p.applyFill(fill('buy', 2000, 500), usd);
    expect(p.wouldReduce('x:ABC', 'sell', 2000)).toBe(true);
    expect(p.wouldReduce('x:ABC', 'sell', 2001)).toBe(false);
    expect(p.wouldReduce('x:ABC', 'buy', 1)).toBe(false);
    expect(p.wouldReduce('XYZ', 'sell', 1)).toBe(false);
  });

  it('refuses a non-positive fill and a change of precisions', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '100' });
    expect(() => p.applyFill(fill('buy', 0, 500), usd)).toThrow(/positive/);
    p.applyFill(fill('buy', 1, 500), usd);
    const other = createInstrument({ symbol: 'ABC', priceIncrement: '0.1', sizeIncrement: '0.001' });
    let caught: unknown;
    try {
      p.applyFill(fill('buy', 1, 50), other);
    } catch (error) {
      caught = error;
    }
    expect(isTickflowError(caught, 'MONEY_INVALID')).toBe(true);
  });

  it('refuses a fill of a fractional quantity and one that would take the position past 2^53 lots, changing nothing', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '100' });
    expect(() => p.applyFill(fill('buy', 1.5, 500), usd)).toThrow(/whole number of lots/);
    p.applyFill(fill('buy', Number.MAX_SAFE_INTEGER - 1, 1), usd);
    const snapshot = p.snapshot();
    let caught: unknown;
    try {
      p.applyFill(fill('buy', 2, 1, 1n), usd);
    } catch (error) {
      caught = error;
    }
    expect(isTickflowError(caught, 'MONEY_INVALID')).toBe(true);
    expect(p.snapshot()).toEqual(snapshot);
    expect(p.positionQuantity('x:ABC')).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(p.applyFill(fill('sell', Number.MAX_SAFE_INTEGER - 1, 1), usd).after).toBe(0); // +0, never -0
  });
});

describe('fill helpers', () => {
  it('computes notionals and fees half-even at the quote precision', () => {
    expect(fillNotional(usd, 301, 3, 2)).toBe(1n); // 0.00903 -> 0.01
    expect(fillNotional(usd, 301, 3, 5)).toBe(903n);
    const taker = parseFeeRate('0.001');
    expect(feeFor(3001n, taker, 2)).toBe(3n); // 3.001 cents -> 3
    expect(feeFor(2500n, taker, 2)).toBe(2n); // 2.5 cents -> 2 (tie to even)
    expect(feeFor(3500n, taker, 2)).toBe(4n); // 3.5 cents -> 4
    expect(feeFor(10000n, parseFeeRate(-0.0001), 2)).toBe(-1n); // a maker rebate
  });
});

// ---- property: the books balance exactly over random fills -------------------------------------

// Reference rounding, written differently from the implementation (floor first, then adjust).
function refHalfEven(n: bigint, d: bigint): bigint {
  let q = n / d;
  if (n < 0n && q * d !== n) q -= 1n; // floor
  const twice = (n - q * d) * 2n;
  if (twice > d || (twice === d && q % 2n !== 0n)) q += 1n;
  return q;
}

function refNotional(price: number, qty: number, inst: Instrument, qp: number): bigint {
  const k = inst.pricePrecision + inst.sizePrecision;
  const raw = BigInt(price) * BigInt(qty);
  return qp >= k ? raw * 10n ** BigInt(qp - k) : refHalfEven(raw, 10n ** BigInt(k - qp));
}

// Exact average-cost accounting with fractions, at scale pp + sp (every notional exact there).
interface Frac {
  n: bigint;
  d: bigint;
}
const frac = (n: bigint, d = 1n): Frac => (d < 0n ? { n: -n, d: -d } : { n, d });
const add = (a: Frac, b: Frac): Frac => frac(a.n * b.d + b.n * a.d, a.d * b.d);
const mulQ = (a: Frac, num: bigint, den: bigint): Frac => frac(a.n * num, a.d * den);

interface FillSpec {
  sym: number;
  side: 'buy' | 'sell';
  quantity: number;
  price: number;
  fee: bigint;
}

const fillArb: fc.Arbitrary<FillSpec> = fc.record({
  sym: fc.integer({ min: 0, max: 1 }),
  side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
  quantity: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 1_000_000 })),
  // Now and then a price whose notional is far beyond 2^53 units (exact all the same).
  price: fc.oneof({ arbitrary: fc.integer({ min: 1, max: 100_000_000 }), weight: 4 }, { arbitrary: fc.maxSafeNat().filter((x) => x > 0), weight: 1 }),
  fee: fc.bigInt({ min: -50n, max: 5_000n }),
});

describe('Portfolio (property)', () => {
  it('keeps initial cash + realized - fees - open cost basis = cash, exactly, and the position = signed fills', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 4, maxLength: 4 }),
        fc.integer({ min: 0, max: 9 }),
        fc.array(fillArb, { maxLength: 60 }),
        ([pp0, sp0, pp1, sp1], qp, fills) => {
          const insts = [
            createInstrument({ symbol: 'A', priceIncrement: `1e-${pp0}`, sizeIncrement: `1e-${sp0}` }),
            createInstrument({ symbol: 'B', priceIncrement: `1e-${pp1}`, sizeIncrement: `1e-${sp1}` }),
          ];
          const p = new Portfolio({ quotePrecision: qp, initialCash: '1000000' });
          const signed = [0, 0];
          const ref: { q: bigint; c: Frac; realized: Frac; fills: number }[] = insts.map(() => ({ q: 0n, c: frac(0n), realized: frac(0n), fills: 0 }));
          let expectedCash = p.initialCash;
          for (const f of fills) {
            const inst = insts[f.sym] as Instrument;
            const sign = f.side === 'buy' ? 1n : -1n;
            const quantity = BigInt(f.quantity); // the reference model counts in bigints
            p.applyFill({ exchange: 'x', symbol: inst.symbol, side: f.side, quantity: f.quantity, price: f.price, fee: f.fee }, inst);
            signed[f.sym] = f.side === 'buy' ? (signed[f.sym] as number) + f.quantity : (signed[f.sym] as number) - f.quantity;
            expectedCash -= sign * refNotional(f.price, f.quantity, inst, qp) + f.fee;

            // Exact average cost at scale pp + sp.
            const r = ref[f.sym] as (typeof ref)[number];
            const sN = frac(sign * BigInt(f.price) * quantity);
            if (r.q === 0n || r.q > 0n === sign > 0n) {
              r.c = add(r.c, sN);
            } else {
              const held = r.q < 0n ? -r.q : r.q;
              const closed = quantity < held ? quantity : held;
              const removed = mulQ(r.c, closed, held);
              const closing = mulQ(sN, closed, quantity);
              r.realized = add(r.realized, frac(-(closing.n * removed.d + removed.n * closing.d), closing.d * removed.d));
              r.c = add(add(r.c, frac(-removed.n, removed.d)), add(sN, frac(-closing.n, closing.d)));
            }
            r.q += sign * quantity;
            r.fills++;

            expect(p.cash).toBe(expectedCash);
            expect(books(p)).toBe(p.cash);
            for (let i = 0; i < insts.length; i++) {
              const inst = insts[i] as Instrument;
              expect(p.positionQuantity(`x:${inst.symbol}`)).toBe(signed[i]);
              const pos = p.position(`x:${inst.symbol}`);
              if (pos === undefined) continue;
              if (pos.quantity === 0) expect(pos.costBasis).toBe(0n);
              else expect(pos.costBasis * (pos.quantity > 0 ? 1n : -1n) >= 0n).toBe(true);
              // Realized PnL stays within the rounding allowance of exact average-cost accounting.
              const ri = ref[i] as (typeof ref)[number];
              const k = BigInt(inst.pricePrecision + inst.sizePrecision);
              const diff = pos.realizedPnl * 10n ** k * ri.realized.d - ri.realized.n * 10n ** BigInt(qp);
              const allowance = BigInt(2 * ri.fills + 2) * 10n ** k * ri.realized.d;
              expect((diff < 0n ? -diff : diff) <= allowance, `realized ${pos.realizedPnl} vs ${ri.realized.n}/${ri.realized.d}`).toBe(true);
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('Portfolio: one position per instrument', () => {
  it('keeps the same symbol on two exchanges as two positions, each marked at its own prices', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '1000' });
    p.applyFill({ exchange: 'spot', symbol: 'ABC', side: 'buy', quantity: 2000, price: 1000, fee: 0n }, usd);
    p.applyFill({ exchange: 'perp', symbol: 'ABC', side: 'sell', quantity: 1000, price: 1100, fee: 0n }, usd);
    expect(p.keys()).toEqual(['perp:ABC', 'spot:ABC']);
    expect(p.positionQuantity('spot:ABC')).toBe(2000);
    expect(p.positionQuantity('perp:ABC')).toBe(-1000);
    expect(p.position('perp:ABC')).toMatchObject({ key: 'perp:ABC', exchange: 'perp', symbol: 'ABC', avgPrice: 1100n });
    p.mark('spot:ABC', 12);
    p.mark('perp:ABC', 10);
    expect(p.marketValue('spot:ABC')).toBe(2400n);
    expect(p.marketValue('perp:ABC')).toBe(-1000n);
    expect(Object.keys(p.snapshot().positions)).toEqual(['perp:ABC', 'spot:ABC']);
    expect(p.realizedPnl).toBe(0n); // a sell on one venue never closes a buy on the other
  });
});

describe('Portfolio: incremental equity', () => {
  // Full recomputation from the outside: cash + Σ (mark × lots, half-even at the quote precision),
  // a position never marked counted at its cost basis.
  function recomputed(p: Portfolio, lastMark: ReadonlyMap<string, number | string>): bigint {
    let total = p.cash;
    for (const key of p.keys()) {
      const pos = p.position(key)!;
      if (pos.quantity === 0) continue;
      const raw = lastMark.get(key);
      if (raw === undefined) {
        total += pos.costBasis;
        continue;
      }
      const m = typeof raw === 'number' ? decimalOfNumber(raw) : parseDecimal(raw);
      total += mulUnits(m.units, m.scale, BigInt(pos.quantity), pos.sizePrecision, p.quotePrecision);
    }
    return total;
  }

  it('moves equity by the position’s change in value when a held instrument is re-marked, and says so', () => {
    const p = new Portfolio({ quotePrecision: 2, initialCash: '1000' });
    expect(p.mark('x:ABC', 10)).toBe(false); // nothing held: equity cannot move
    p.applyFill(fill('buy', 2000, 1000), usd); // 2.000 @ 10.00
    expect(p.equity()).toBe(100000n);
    expect(p.mark('x:ABC', 9.5)).toBe(true);
    expect(p.equity()).toBe(100000n - 100n);
    expect(p.mark('x:ABC', 9.5)).toBe(false); // same mark: no change
    expect(p.mark('x:ABC', '10.00')).toBe(true);
    expect(p.equity()).toBe(100000n);
  });

  it('property: equity after random fills and marks equals a full recomputation, exactly', () => {
    const other = createInstrument({ symbol: 'XYZ', priceIncrement: '0.0001', sizeIncrement: '0.1', quotePrecision: 2 });
    const insts: Instrument[] = [usd, other];
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('fill' as const),
        i: fc.nat(1),
        side: fc.constantFrom('buy' as const, 'sell' as const),
        quantity: fc.integer({ min: 1, max: 5_000 }),
        price: fc.integer({ min: 1, max: 2_000_000 }),
        fee: fc.bigInt({ min: -5n, max: 50n }),
      }),
      fc.record({
        kind: fc.constant('mark' as const),
        i: fc.nat(1),
        // Market numbers (any decimals) and decimal strings, as the callers give them.
        price: fc.oneof(fc.double({ min: 0.0001, max: 20_000, noNaN: true }), fc.integer({ min: 1, max: 2_000_000 }).map((c) => (c / 100).toFixed(2))),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const p = new Portfolio({ quotePrecision: 2, initialCash: '100000' });
        const lastMark = new Map<string, number | string>();
        for (const s of steps) {
          const inst = insts[s.i] as Instrument;
          const key = `x:${inst.symbol}`;
          const before = p.equity();
          if (s.kind === 'fill') p.applyFill(fill(s.side, s.quantity, s.price, s.fee, inst.symbol), inst);
          else {
            const moved = p.mark(key, s.price);
            lastMark.set(key, s.price);
            expect(moved).toBe(p.equity() !== before);
          }
          expect(p.equity()).toBe(recomputed(p, lastMark));
          expect(p.snapshot().equity).toBe(formatUnits(p.equity(), 2));
        }
      }),
      { numRuns: 300 },
    );
  });
});
