/**
 * How metrics that are ratios (returns, Sharpe, win rate, ...) become numbers in `report.json` and
 * the summary: plain doubles rounded to `SIGNIFICANT_DIGITS` significant digits, so the last bits of
 * a float sum never show and the same run prints the same text (JSON prints a double's shortest
 * round-trip form, which is deterministic). What has no value (a ratio over zero, an infinity, a
 * NaN) is `null`, never `NaN` or `Infinity`, which JSON cannot carry.
 *
 * Money is never one of these: amounts stay exact `bigint`s at the quote precision.
 */

/** Significant digits kept by `metricNumber`. */
export const SIGNIFICANT_DIGITS = 6;

/** `x` rounded to `SIGNIFICANT_DIGITS` significant digits; `null` for null, NaN and infinities (and `-0` is `0`). */
export function metricNumber(x: number | null): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(SIGNIFICANT_DIGITS));
}

/**
 * `num / den` as a double, or `null` when `den` is 0. For bigints beyond 2^53 each side is rounded
 * to the nearest double first, a relative error of about 1e-16: far below what is printed.
 */
export function ratioOf(num: bigint, den: bigint): number | null {
  if (den === 0n) return null;
  return Number(num) / Number(den);
}
