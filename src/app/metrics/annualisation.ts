/**
 * Annualisation of backtest metrics. A year is 365 days of 24 hours: the engine's markets (crypto
 * above all) trade around the clock, so engine time, not trading days, is what is counted. A
 * per-interval figure is annualised with `periodsPerYear = YEAR_US / interval` (the equity curve's
 * sampling interval): 525,600 one-minute periods. A 252-trading-day convention would give other
 * numbers; ours are comparable between runs of this engine.
 *
 * Annualised figures (CAGR, Sharpe, Sortino, Calmar) are `null` when the data spans less than
 * `MIN_ANNUALISED_SPAN_US` (one day): raising an hour's return to the power 8,760 says nothing.
 */

/** One day of engine time, µs. */
export const DAY_US = 86_400_000_000;
/** The year metrics are annualised to: 365 days, µs. */
export const YEAR_US = 365 * DAY_US;
/** Shortest span of data with annualised figures, µs. */
export const MIN_ANNUALISED_SPAN_US = DAY_US;

/** True when data spanning `spanUs` of engine time gets annualised figures. */
export function canAnnualise(spanUs: number): boolean {
  return spanUs >= MIN_ANNUALISED_SPAN_US;
}

/** Sampling periods of `intervalUs` in a year (525,600 for one minute). */
export function periodsPerYear(intervalUs: number): number {
  return YEAR_US / intervalUs;
}
