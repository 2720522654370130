/**
 * The figures a sweep keeps of each run: a fixed list of columns taken from the run's metrics
 * (`computeMetrics`, the same figures as `report.json`'s `metrics` section, README: Backtest
 * metrics), ratios at six significant digits (`metricNumber`), money as decimal text at the quote
 * precision, `null` where a figure is undefined (Sharpe under a day of data, profit factor with no
 * losing trip). Each column says which way is better, so sorting by it puts the best run first.
 */
import { formatUnits } from '../../model/money.js';
import type { BacktestOutcome } from '../backtest.js';
import { computeMetrics, type BacktestMetrics } from '../metrics/backtest-metrics.js';
import { metricNumber } from '../metrics/metric-number.js';

/** One figure of a run: a number, decimal text for money, or `null` when undefined. */
export type MetricValue = number | string | null;

/** A run's figures by column name. */
export type SweepScores = Readonly<Record<string, MetricValue>>;

/** One column of figures. */
export interface SweepMetric {
  /** Column name in `sweep.csv` and the value of `--metric`. */
  readonly name: string;
  /** Which way sorts first: `higher` (returns, ratios) or `lower` (drawdown, fees). */
  readonly better: 'higher' | 'lower';
  /** How the page labels it. */
  readonly label: string;
  of(m: BacktestMetrics, outcome: BacktestOutcome, money: (units: bigint) => string): MetricValue;
}

/** The columns, in `sweep.csv` order. */
export const SWEEP_METRICS: readonly SweepMetric[] = [
  { name: 'total_return', better: 'higher', label: 'total return', of: (m) => metricNumber(m.totalReturn) },
  { name: 'cagr', better: 'higher', label: 'CAGR', of: (m) => metricNumber(m.cagr) },
  { name: 'sharpe', better: 'higher', label: 'Sharpe', of: (m) => metricNumber(m.sharpe) },
  { name: 'sortino', better: 'higher', label: 'Sortino', of: (m) => metricNumber(m.sortino) },
  { name: 'calmar', better: 'higher', label: 'Calmar', of: (m) => metricNumber(m.calmar) },
  { name: 'max_drawdown', better: 'lower', label: 'max drawdown', of: (m) => metricNumber(m.maxDrawdown.fraction) },
  { name: 'round_trips', better: 'higher', label: 'round trips', of: (m) => m.trades.count },
  { name: 'win_rate', better: 'higher', label: 'win rate', of: (m) => metricNumber(m.trades.winRate) },
  { name: 'profit_factor', better: 'higher', label: 'profit factor', of: (m) => metricNumber(m.trades.profitFactor) },
  { name: 'expectancy', better: 'higher', label: 'expectancy', of: (m, _o, money) => (m.trades.expectancy === null ? null : money(m.trades.expectancy)) },
  { name: 'fills', better: 'higher', label: 'fills', of: (_m, o) => o.execution.fills.length },
  { name: 'fees', better: 'lower', label: 'fees', of: (m, _o, money) => money(m.fees) },
  { name: 'final_equity', better: 'higher', label: 'final equity', of: (m, _o, money) => money(m.finalEquity) },
  { name: 'exposure', better: 'higher', label: 'exposure', of: (m) => metricNumber(m.exposure) },
  { name: 'turnover', better: 'higher', label: 'turnover', of: (m) => metricNumber(m.turnover) },
];

/** The column named `name`, or `undefined`. */
export function sweepMetricNamed(name: string): SweepMetric | undefined {
  return SWEEP_METRICS.find((m) => m.name === name);
}

/** The figures of one run, every column. */
export function scoresOf(outcome: BacktestOutcome): SweepScores {
  const m = computeMetrics({ curve: outcome.equityCurve, fills: outcome.execution.fills, instruments: outcome.instruments });
  const quotePrecision = outcome.equityCurve.quotePrecision;
  const money = (units: bigint): string => formatUnits(units, quotePrecision);
  const scores: Record<string, MetricValue> = {};
  for (const metric of SWEEP_METRICS) scores[metric.name] = metric.of(m, outcome, money);
  return scores;
}

/** A figure as a number for comparing (money text parsed), `null` when it has none. */
export function numericValue(value: MetricValue | undefined): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}
