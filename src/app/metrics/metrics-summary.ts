/**
 * The headline metrics as rows of the backtest summary (`formatSummary`): return, the annualised
 * ratios (or why there are none), the sampled maximum drawdown with its dates, round trips, exposure,
 * turnover and fees. Times in ISO 8601 UTC, durations to the second, ratios at six significant
 * digits: the same run prints the same rows.
 */
import { formatDuration } from '../../model/duration.js';
import { isoTime } from '../../model/iso-time.js';
import { formatUnits } from '../../model/money.js';
import type { BacktestMetrics } from './backtest-metrics.js';
import { MAX_EQUITY_SAMPLES } from './equity-recorder.js';
import { metricNumber } from './metric-number.js';

/** The summary rows of `m`, money at `quotePrecision`. */
export function metricsRows(m: BacktestMetrics, quotePrecision: number): [string, string][] {
  const money = (units: bigint): string => formatUnits(units, quotePrecision);
  const interval = formatDuration(m.intervalUs);
  const t = m.trades;
  const dd = m.maxDrawdown;
  const annual = m.annualised
    ? `${num(m.sharpe)} / ${num(m.sortino)} / ${num(m.calmar)} (annualised: 365-day year, ${interval} samples${coarsened(m)})`
    : `n/a (annualised figures need a day of data; this run spans ${duration(m.spanUs)})`;
  const drawdown =
    dd.startTs === null
      ? 'none'
      : `${percent(dd.fraction)} (${money(dd.amount)}) from ${isoTime(dd.startTs)}, trough ${isoTime(dd.troughTs!)}, ` +
        (dd.recoveryTs === null ? `not recovered (${duration(dd.durationUs)} so far)` : `recovered ${isoTime(dd.recoveryTs)} (${duration(dd.durationUs)})`);
  const trips =
    t.count === 0
      ? `none closed${m.roundTrips.open.length > 0 ? `, ${m.roundTrips.open.length} open` : ''}`
      : `${t.count} closed${m.roundTrips.open.length > 0 ? `, ${m.roundTrips.open.length} open` : ''}: win rate ${percent(t.winRate)}, ` +
        `profit factor ${num(t.profitFactor)}, expectancy ${money(t.expectancy!)}, average holding ${duration(t.averageHoldingUs!)}`;
  return [
    ['return / CAGR', `${signed(m.totalReturn)} / ${m.annualised ? signed(m.cagr) : 'n/a'}`],
    ['sharpe / sortino / calmar', annual],
    [`drawdown (${interval} curve)`, drawdown],
    ['round trips', trips],
    ['exposure / turnover', `${percent(m.exposure)} of the time / ${num(m.turnover)}x average equity`],
    ['fees / gross PnL', `${money(m.fees)} / ${money(m.grossPnl)}${m.feeShare === null ? '' : ` (fees ${percent(m.feeShare)} of it)`}`],
  ];
}

/** Why the samples are coarser than asked, when they are. */
function coarsened(m: BacktestMetrics): string {
  return m.requestedIntervalUs === undefined ? '' : `; ${formatDuration(m.requestedIntervalUs)} asked, coarsened to keep the curve under ${MAX_EQUITY_SAMPLES.toLocaleString('en-US')} samples`;
}

function num(x: number | null): string {
  const v = metricNumber(x);
  return v === null ? 'n/a' : String(v);
}

function percent(x: number | null): string {
  const v = metricNumber(x === null ? null : x * 100);
  return v === null ? 'n/a' : `${v}%`;
}

function signed(x: number | null): string {
  const p = percent(x);
  return x !== null && x > 0 ? `+${p}` : p;
}

/** A duration rounded to the second (`2h5m`), or in µs below one (`350ms`). */
function duration(us: number): string {
  return formatDuration(us >= 1_000_000 ? Math.round(us / 1_000_000) * 1_000_000 : us);
}
