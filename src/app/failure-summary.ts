/**
 * The summary of a backtest that failed: which actor failed, with what error and where it was
 * thrown, the supervisor that gave up (if one did), how far the replay got, and the restarts
 * before it. The same facts as `failure.json`, for the terminal.
 */
import { isoTime } from '../model/iso-time.js';
import type { BacktestFailure } from './backtest.js';
import { formatRestarts } from './restart-log.js';

/** Aligned `key  value` rows, like the summary of a finished run. */
export function formatFailureSummary(failure: BacktestFailure): string {
  const g = failure.gaveUp;
  const rows: [string, string][] = [
    ['failed actor', failure.actor],
    ['error', failure.error.code === null ? failure.error.message : `${failure.error.code}: ${failure.error.message}`],
    ['thrown at', failure.where ?? 'unknown (no stack frame in user or strategy code)'],
  ];
  if (g !== null && g !== undefined) rows.push(['gave up', `supervisor ${g.supervisor} after ${g.maxRestarts} restarts within ${g.withinUs / 1_000_000} s`]);
  rows.push(['stopped at', `record ${failure.records.toLocaleString('en-US')}, engine time ${isoTime(failure.engineTime)}`]);
  rows.push(['restarts', failure.restarts.length === 0 ? 'none' : formatRestarts(failure.restarts)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
