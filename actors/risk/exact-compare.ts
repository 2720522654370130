/**
 * Exact comparisons of scaled integers (`units × 10^-scale`) at different scales, for the risk
 * checks: a limit read from config (`"1.5"`) is compared with a quantity in lots or a notional in
 * quote units without rounding either side, so "at the limit" means exactly at it.
 *
 * Money (notionals, equity) is a `bigint`; lots are `number`s (below 2^53, exact). The `number`
 * forms compare a count of lots with a `bigint` limit directly (a `number`–`bigint` comparison is
 * exact in JavaScript) and allocate no more than the `bigint` forms.
 */
import { pow10, type Decimal } from '../../src/model/money.js';

/** `-1`, `0` or `1` as `a × 10^-aScale` is below, equal to or above `b × 10^-bScale`. */
export function compareScaled(a: bigint, aScale: number, b: bigint, bScale: number): -1 | 0 | 1 {
  const left = aScale >= bScale ? a : a * pow10(bScale - aScale);
  const right = bScale >= aScale ? b : b * pow10(aScale - bScale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * `compareScaled` for a grid count `a` (lots or ticks, an integer `number` below 2^53). `a` is
 * scaled up as a double when the product stays below 2^53 (then exact), else as a `bigint`.
 */
export function compareGridScaled(a: number, aScale: number, b: bigint, bScale: number): -1 | 0 | 1 {
  let left: number | bigint = a;
  let right = b;
  if (aScale > bScale) {
    right = b * pow10(aScale - bScale);
  } else if (bScale > aScale) {
    const shift = bScale - aScale;
    const scaled = shift <= 22 ? a * 10 ** shift : Number.POSITIVE_INFINITY; // 10^22: the last exact double power
    left = Number.isSafeInteger(scaled) ? scaled : BigInt(a) * pow10(shift);
  }
  return left < right ? -1 : left > right ? 1 : 0;
}

/** True when `units × 10^-scale ≥ limit`: the one test every exclusive upper bound uses. */
export function reachesLimit(units: bigint, scale: number, limit: Decimal): boolean {
  return compareScaled(units, scale, limit.units, limit.scale) >= 0;
}

/** `reachesLimit` for a grid count (lots, an integer `number` below 2^53). */
export function gridReachesLimit(units: number, scale: number, limit: Decimal): boolean {
  return compareGridScaled(units, scale, limit.units, limit.scale) >= 0;
}

/** `|x|`. */
export function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}
