/**
 * Exact comparisons of scaled integers (`units × 10^-scale`) at different scales, for the risk
 * checks: a limit read from config (`"1.5"`) is compared with a quantity in lots or a notional in
 * quote units without rounding either side, so "at the limit" means exactly at it.
 */
import { pow10, type Decimal } from '../../src/model/money.js';

/** `-1`, `0` or `1` as `a × 10^-aScale` is below, equal to or above `b × 10^-bScale`. */
export function compareScaled(a: bigint, aScale: number, b: bigint, bScale: number): -1 | 0 | 1 {
  const left = aScale >= bScale ? a : a * pow10(bScale - aScale);
  const right = bScale >= aScale ? b : b * pow10(aScale - bScale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** True when `units × 10^-scale ≥ limit`: the one test every exclusive upper bound uses. */
export function reachesLimit(units: bigint, scale: number, limit: Decimal): boolean {
  return compareScaled(units, scale, limit.units, limit.scale) >= 0;
}

/** `|x|`. */
export function absBig(x: bigint): bigint {
  return x < 0n ? -x : x;
}
