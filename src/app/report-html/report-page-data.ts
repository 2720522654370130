/**
 * Everything the HTML report shows, as one JSON-ready object: the page embeds it and its script
 * draws from it (`report-page-script.ts`). Built from the outcome and from the `report.json`
 * object written beside it, so the metrics on the page are the file's own values.
 *
 * Bounded whatever the run's length: candles (`candle-builder.ts`), curve points
 * (`curve-points.ts`) and table rows (`page-table.ts`) are each capped, and the page says when
 * something was cut. Nothing here reads the wall clock (the outcome's `wallSeconds` stays out), so
 * the same run gives the same object.
 */
import { formatDuration } from '../../model/duration.js';
import { isoTime } from '../../model/iso-time.js';
import type { BacktestOutcome } from '../backtest.js';
import { curvePoints, type CurvePoint } from './curve-points.js';
import { instrumentsTable, metricsTable, type MetricRow } from './metrics-table.js';
import type { PageTable } from './page-table.js';
import { priceCharts, type PriceChart } from './price-charts.js';
import { fillsTable, ordersTable, roundTripsTable } from './trade-tables.js';

/** The page's data (see the module comment). */
export interface ReportPageData {
  readonly title: string;
  /** `[label, text]` rows about the run, shown at the top. */
  readonly facts: readonly (readonly [string, string])[];
  readonly prices: readonly PriceChart[];
  readonly curve: {
    /** The equity curve's sampling interval (`1m`). */
    readonly interval: string;
    readonly samples: number;
    /** Decimals of equity. */
    readonly precision: number;
    readonly equity: readonly CurvePoint[];
    readonly drawdown: readonly CurvePoint[];
  };
  readonly metrics: readonly MetricRow[];
  readonly tables: {
    readonly instruments: PageTable;
    readonly roundTrips: PageTable;
    readonly orders: PageTable;
    readonly fills: PageTable;
  };
}

/** The page data of `outcome`, whose `report.json` object is `report` (`buildReport`). */
export function reportPageData(outcome: BacktestOutcome, report: Record<string, unknown>): ReportPageData {
  const ex = outcome.execution;
  const p = ex.portfolio;
  const metrics = (report['metrics'] ?? {}) as Record<string, unknown>;
  const curve = outcome.equityCurve;
  const points = curvePoints(curve);
  const keys = outcome.instruments.map((i) => (i.exchange === undefined ? i.symbol : `${i.exchange}:${i.symbol}`));
  const orders = Object.entries(ex.ordersByStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const period = outcome.firstTs === undefined || outcome.lastTs === undefined ? 'no records' : `${isoTime(outcome.firstTs)} to ${isoTime(outcome.lastTs)}`;
  return {
    title: `${outcome.strategy.name} on ${keys.join(', ') || 'no instrument'}`,
    facts: [
      ['strategy', `${outcome.strategy.name} ${JSON.stringify(outcome.strategy.params)}`],
      ['bars', outcome.barSpec],
      ['input', outcome.inputs.map((i) => `${i.name} (${i.format})`).join(', ')],
      ['records', String(outcome.records)],
      ['period (UTC)', period],
      ['cash / final equity', `${p.initialCash} / ${p.equity}`],
      ['orders', orders || 'none'],
      ['fills', String(ex.fillCount)],
    ],
    prices: priceCharts(outcome.candles, ex.fills, outcome.instruments),
    curve: {
      interval: formatDuration(curve.intervalUs),
      samples: points.samples,
      precision: curve.quotePrecision,
      equity: points.equity,
      drawdown: points.drawdown,
    },
    metrics: metricsTable(metrics),
    tables: {
      instruments: instrumentsTable(metrics),
      roundTrips: roundTripsTable(metrics),
      orders: ordersTable(ex.orders),
      fills: fillsTable(ex.fills, outcome.instruments, Number(p.quotePrecision)),
    },
  };
}
