/**
 * The `metrics` section of `report.json`: `computeMetrics`' figures with money as decimal strings at
 * the quote precision (lots at each instrument's size precision), ratios rounded to six significant
 * digits (`metric-number.ts`), times as integer µs of engine time (like the report's `firstTs`) and
 * durations as µs in keys ending `Us`. Keys in a fixed order; nothing from the wall clock.
 * Undefined figures are `null`, never `NaN` or `Infinity`.
 */
import { formatDuration } from '../../model/duration.js';
import { formatUnits } from '../../model/money.js';
import { DAY_US, MIN_ANNUALISED_SPAN_US } from './annualisation.js';
import { MAX_EQUITY_SAMPLES } from './equity-recorder.js';
import type { BacktestMetrics } from './backtest-metrics.js';
import { metricNumber } from './metric-number.js';
import type { RoundTrip } from './round-trips.js';
import type { TradeStats } from './trade-stats.js';

/** Name of the equity curve file written beside `report.json`. */
export const EQUITY_FILE = 'equity.csv';

/** The JSON-ready `metrics` object. */
export function metricsReport(m: BacktestMetrics, quotePrecision: number): Record<string, unknown> {
  const money = (units: bigint): string => formatUnits(units, quotePrecision);
  const dd = m.maxDrawdown;
  const instruments: Record<string, unknown> = {};
  for (const row of m.instruments) {
    instruments[row.key] = {
      fills: row.fills,
      ...tradeFields(row.trades, money),
      fees: money(row.fees),
      tradedNotional: money(row.tradedNotional),
      exposure: metricNumber(row.exposure),
    };
  }
  return {
    equityCurve: {
      file: EQUITY_FILE,
      interval: formatDuration(m.intervalUs),
      intervalUs: m.intervalUs,
      // Only on a run long enough to have the interval coarsened (`equity-recorder.ts`).
      ...(m.requestedIntervalUs === undefined ? {} : { requestedInterval: formatDuration(m.requestedIntervalUs), maxSamples: MAX_EQUITY_SAMPLES }),
      samples: m.samples,
      startTs: m.startTs,
      endTs: m.endTs,
    },
    annualisation: {
      yearDays: 365,
      periodsPerYear: metricNumber(m.periodsPerYear),
      riskFreeRate: 0,
      minimumSpan: formatDuration(MIN_ANNUALISED_SPAN_US),
      annualised: m.annualised,
    },
    spanUs: m.spanUs,
    spanDays: metricNumber(m.spanUs / DAY_US),
    initialEquity: money(m.initialEquity),
    finalEquity: money(m.finalEquity),
    totalReturn: metricNumber(m.totalReturn),
    cagr: metricNumber(m.cagr),
    sharpe: metricNumber(m.sharpe),
    sortino: metricNumber(m.sortino),
    calmar: metricNumber(m.calmar),
    maxDrawdown: {
      amount: money(dd.amount),
      fraction: metricNumber(dd.fraction),
      peakEquity: dd.peakEquity === null ? null : money(dd.peakEquity),
      troughEquity: dd.troughEquity === null ? null : money(dd.troughEquity),
      startTs: dd.startTs,
      troughTs: dd.troughTs,
      recoveryTs: dd.recoveryTs,
      durationUs: dd.durationUs,
    },
    ...tradeFields(m.trades, money),
    openRoundTrips: m.roundTrips.open.length,
    exposure: metricNumber(m.exposure),
    tradedNotional: money(m.tradedNotional),
    averageEquity: money(m.averageEquity),
    turnover: metricNumber(m.turnover),
    fees: money(m.fees),
    grossPnl: money(m.grossPnl),
    feeShare: metricNumber(m.feeShare),
    instruments,
    roundTrips: m.roundTrips.closed.map((t) => roundTripJson(t, money)),
  };
}

function tradeFields(t: TradeStats, money: (units: bigint) => string): Record<string, unknown> {
  return {
    roundTripCount: t.count,
    wins: t.wins,
    losses: t.losses,
    winRate: metricNumber(t.winRate),
    profitFactor: metricNumber(t.profitFactor),
    expectancy: t.expectancy === null ? null : money(t.expectancy),
    // Net of fees, closed trips only (an open position's PnL is in the equity, not here).
    roundTripPnl: money(t.netPnl),
    averageHoldingUs: t.averageHoldingUs,
  };
}

function roundTripJson(t: RoundTrip, money: (units: bigint) => string): Record<string, unknown> {
  return {
    instrument: t.key,
    side: t.side,
    openTs: t.openTs,
    closeTs: t.closeTs,
    quantity: formatUnits(t.quantity, t.sizePrecision),
    entryPrice: money(t.entryPrice),
    exitPrice: money(t.exitPrice),
    grossPnl: money(t.grossPnl),
    fees: money(t.fees),
    netPnl: money(t.netPnl),
    holdingUs: t.holdingUs,
    fills: t.fills,
  };
}
