/**
 * How a backtest stopped early (Ctrl-C, `BacktestRequest.signal`) shows in its outputs. The run's
 * files are complete and consistent, but they cover only the records replayed: `report.json` says
 * so first (`partial: true` and `replayedRecords`), and the summary opens with the same news. A
 * complete run adds nothing, so its `report.json` is byte-identical to one written before this
 * existed (the golden reports in `test/golden/` stay as they are).
 */
import type { BacktestOutcome } from './backtest.js';

/** The fields `report.json` opens with for a partial run; none for a complete one. */
export function partialReport(outcome: Pick<BacktestOutcome, 'partial' | 'records'>): { partial?: true; replayedRecords?: number } {
  return outcome.partial === true ? { partial: true, replayedRecords: outcome.records } : {};
}

/** The summary's first line for a partial run (`partial: interrupted after N records`); `undefined` for a complete one. */
export function partialLine(outcome: Pick<BacktestOutcome, 'partial' | 'records'>): string | undefined {
  return outcome.partial === true ? `partial: interrupted after ${outcome.records} records; every figure below covers those records only` : undefined;
}
