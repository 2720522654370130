/**
 * The equity curve of a backtest: the portfolio's equity (cash plus every position marked at its
 * last trade, quote mid or bar close, exact at the quote precision) and its positions, sampled on
 * engine time every `intervalUs` from the first record's time, plus one closing sample when the run
 * ends between two grid points (`equity-recorder.ts` records it).
 *
 * A sample at `t` is the state after every event at or before `t`. The grid samples are the
 * *regular* ones (`isRegular`): per-interval returns (Sharpe, Sortino) use only those, so a short
 * closing interval does not weigh like a full one; everything else uses every sample.
 */

/** One sample. Money at the curve's `quotePrecision`; positions in lots (exact `number`s), one per `keys` entry. */
export interface EquitySample {
  /** Engine time, µs. */
  readonly ts: number;
  readonly equity: bigint;
  /** Signed lots per instrument, in the order of `EquityCurve.keys`. */
  readonly positions: readonly number[];
}

/** A sampled equity curve. */
export interface EquityCurve {
  /** Sampling interval of engine time, µs. */
  readonly intervalUs: number;
  /**
   * The interval asked for, when a long run made the recorder coarsen it to stay under
   * `MAX_EQUITY_SAMPLES` (`equity-recorder.ts`); absent when `intervalUs` is the one asked for.
   */
  readonly requestedIntervalUs?: number;
  /** Decimals of `equity` and `initialEquity`. */
  readonly quotePrecision: number;
  /** Equity before anything happened (the starting cash): the base of returns and the first peak. */
  readonly initialEquity: bigint;
  /** Instrument keys (`exchange:SYMBOL`) of the position columns, sorted. */
  readonly keys: readonly string[];
  /** In time order; the first at the first record's time, never empty. */
  readonly samples: readonly EquitySample[];
}

/** True when `sample` lies on the curve's grid (`start + k × interval`), false for a closing sample between two. */
export function isRegular(curve: EquityCurve, sample: EquitySample): boolean {
  const start = curve.samples[0]!.ts;
  return (sample.ts - start) % curve.intervalUs === 0;
}

/** Engine time the curve covers, µs: from its first sample to its last. */
export function spanOf(curve: EquityCurve): number {
  return curve.samples[curve.samples.length - 1]!.ts - curve.samples[0]!.ts;
}

/** The last sample's equity: the run's final equity. */
export function finalEquityOf(curve: EquityCurve): bigint {
  return curve.samples[curve.samples.length - 1]!.equity;
}
