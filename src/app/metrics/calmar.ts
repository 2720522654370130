/**
 * Calmar ratio: CAGR over the maximum drawdown (as a fraction of its peak), `cagr / maxDrawdown`.
 * `null` when the CAGR is (under a day of data) or when there was no drawdown.
 */

/** `cagr / maxDrawdownFraction`, or `null` when either is missing or the drawdown is 0. */
export function calmar(cagr: number | null, maxDrawdownFraction: number | null): number | null {
  if (cagr === null || maxDrawdownFraction === null || maxDrawdownFraction === 0) return null;
  return cagr / maxDrawdownFraction;
}
