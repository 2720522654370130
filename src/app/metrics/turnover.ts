/**
 * Turnover: traded notional over average equity, `Σ |price × lots| of every fill / mean(equity)`,
 * where the mean is over every sample of the equity curve. A turnover of 3 traded three times the
 * account's average size. The traded notional is exact money (each fill's notional rounded
 * half-even at the quote precision, as the portfolio books it).
 */
import { fillNotional, type Fill } from '../../model/fill.js';
import type { Instrument } from '../../model/instrument.js';
import { instrumentKey } from '../../model/instrument-key.js';
import { divHalfEven } from '../../model/money.js';
import type { EquityCurve } from './equity-curve.js';
import { ratioOf } from './metric-number.js';

/** Σ notional of `fills`, quote units; per instrument key too. */
export function tradedNotional(fills: readonly Fill[], instruments: ReadonlyMap<string, Instrument>, quotePrecision: number): { readonly total: bigint; readonly byKey: ReadonlyMap<string, bigint> } {
  const byKey = new Map<string, bigint>();
  let total = 0n;
  for (const fill of fills) {
    const key = instrumentKey(fill.exchange, fill.symbol);
    const i = instruments.get(key)!;
    const notional = fillNotional(i, fill.price, fill.quantity, quotePrecision);
    byKey.set(key, (byKey.get(key) ?? 0n) + notional);
    total += notional;
  }
  return { total, byKey };
}

/** Mean equity over the curve's samples, quote units, half-even. */
export function averageEquity(curve: EquityCurve): bigint {
  let sum = 0n;
  for (const s of curve.samples) sum += s.equity;
  return divHalfEven(sum, BigInt(curve.samples.length));
}

/** `traded / mean equity` (the mean taken exactly, not rounded); `null` when the mean equity is not positive. */
export function turnover(traded: bigint, curve: EquityCurve): number | null {
  let sum = 0n;
  for (const s of curve.samples) sum += s.equity;
  if (sum <= 0n) return null;
  return ratioOf(traded * BigInt(curve.samples.length), sum);
}
