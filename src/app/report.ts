/**
 * Backtest output: `report.json` (no wall-clock values, keys in a fixed order, so the same inputs
 * give a byte-identical file on every run), `fills.csv`, `orders.csv` and `equity.csv` (the equity curve)
 * for people and spreadsheets, `report.html` (the same run as one self-contained page with charts and
 * tables, `report-html/`), `stats.json` with the wall-clock figures, and a short summary table for the
 * terminal.
 *
 * A failed run writes `failure.json` instead, and nothing else: the failed actor's books are
 * gone, so no report of that run could be right, and a directory holding a `report.json` always
 * means a run that finished. Each kind of run removes the other's files from the directory, so
 * an earlier run's output is never mistaken for this one's.
 *
 * Instruments, positions and books are keyed `exchange:SYMBOL` (`binance:BTCUSDT`,
 * `binance-futures:BTCUSDT`): the same symbol on two exchanges is two instruments. Both CSVs carry
 * an `exchange` column beside `symbol`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/fs/atomic-write.js';
import { makeDir, reasonOf, unwritable } from '../io/fs/make-dir.js';
import type { Instrument } from '../model/instrument.js';
import { instrumentKey } from '../model/instrument-key.js';
import type { BacktestFailure, BacktestOutcome } from './backtest.js';
import { barInputReport, periodRow, runNoteRows, warmUpReport } from './run-notes.js';
import { fillCells, FILLS_HEADER, orderCells, ORDERS_HEADER } from './trade-csv.js';
import { computeMetrics, type BacktestMetrics } from './metrics/backtest-metrics.js';
import { equityCsv } from './metrics/equity-csv.js';
import { EQUITY_FILE, metricsReport } from './metrics/metrics-report.js';
import { metricsRows } from './metrics/metrics-summary.js';
import { buildReportHtml, REPORT_HTML_FILE } from './report-html/report-html.js';
import { partialLine, partialReport } from './partial-run.js';

/** What a finished run writes. */
export const REPORT_FILES = ['report.json', 'fills.csv', 'orders.csv', 'equity.csv', 'stats.json', 'report.html'] as const;
/** What a failed run writes. */
export const FAILURE_FILE = 'failure.json';

/** The deterministic report object, as written to `report.json`. */
export function buildReport(outcome: BacktestOutcome): Record<string, unknown> {
  const ex = outcome.execution;
  const p = ex.portfolio;
  const positions: Record<string, unknown> = {};
  for (const [key, pos] of Object.entries(p.positions)) {
    positions[key] = { quantity: pos.quantity, avgPrice: pos.avgPrice ?? null, realizedPnl: pos.realizedPnl, unrealizedPnl: pos.unrealizedPnl, fees: pos.fees, fills: pos.fills };
  }
  const instruments: Record<string, unknown> = {};
  for (const i of outcome.instruments) {
    instruments[keyOf(i)] = {
      exchange: i.exchange ?? null,
      priceIncrement: i.priceIncrement,
      sizeIncrement: i.sizeIncrement,
      // True when the data held no size and the increment is DEFAULT_SIZE_INCREMENT, an assumption.
      sizeIncrementIsDefault: i.sizeIncrementIsDefault,
      quotePrecision: i.quotePrecision,
      source: i.source,
      ...(i.inferredFrom === undefined ? {} : { inferredFrom: i.inferredFrom }),
    };
  }
  const nonZero = (pick: (a: BacktestOutcome['actors'][number]) => number): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const a of outcome.actors) out[a.path] = pick(a);
    return out;
  };
  return {
    // A run stopped early says so first; a complete run adds nothing here (partial-run.ts).
    ...partialReport(outcome),
    inputs: outcome.inputs,
    strategy: outcome.strategy,
    bar: outcome.barSpec,
    // Null when bars are built from trades or quotes; else whether the input's were used as they are or resampled.
    barInput: barInputReport(outcome),
    events: outcome.events,
    records: outcome.records,
    firstTs: outcome.firstTs ?? null,
    lastTs: outcome.lastTs ?? null,
    dataIssues: {
      malformed: outcome.dataIssues.malformed,
      unknownTypes: outcome.dataIssues.unknownTypes,
      failure: outcome.dataIssues.failure,
      issues: outcome.dataIssues.issues,
    },
    bars: outcome.bars.emitted,
    lateTrades: outcome.bars.late,
    books: bookCounters(outcome),
    signals: outcome.strategyStats.signals,
    // Null when the strategy states no warm-up; else whether each instrument got through it (run-notes.ts).
    warmUp: warmUpReport(outcome),
    // Non-zero targets under one size increment: rounded toward zero, they asked for flat.
    targetsRoundedToZero: outcome.planner.roundedToZero,
    orders: ex.ordersByStatus,
    denials: outcome.risk.denials,
    tradingState: outcome.risk.state,
    riskStateChanges: outcome.risk.stateEvents,
    fills: ex.fillCount,
    positions,
    initialCash: p.initialCash,
    finalCash: p.cash,
    finalEquity: p.equity,
    realizedPnl: p.realizedPnl,
    unrealizedPnl: p.unrealizedPnl,
    fees: p.fees,
    account: outcome.account ?? null,
    maxDrawdown: ex.maxDrawdown,
    illegalTransitions: ex.illegalTransitions,
    instruments,
    dropped: nonZero((a) => a.counters.dropped + a.counters.conflated),
    failed: nonZero((a) => a.counters.failed),
    deadLettered: nonZero((a) => a.counters.deadLettered),
    restarts: nonZero((a) => a.counters.restarts),
    // Last, so the fields above read as they always did (src/app/metrics/, README: Backtest metrics).
    metrics: metricsReport(metricsOf(outcome), outcome.equityCurve.quotePrecision),
  };
}

/** An instrument's report key; an instrument with no exchange (none in a run) keeps its bare symbol. */
function keyOf(i: Instrument): string {
  return i.exchange === undefined ? i.symbol : instrumentKey(i.exchange, i.symbol);
}

/**
 * The order books' counters by instrument key `<exchange>:<symbol>` (see `OrderBook`): whether the book ended
 * valid, and how its diffs went. A file that continues another's book (`_09` after `_08`) read
 * alone shows every diff `unsynced`: it holds no snapshot to start from.
 */
function bookCounters(outcome: BacktestOutcome): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const b of outcome.books.books) {
    out[instrumentKey(b.exchange, b.symbol)] = { valid: b.valid, snapshots: b.snapshots, applied: b.applied, dropped: b.dropped, gaps: b.gaps, unsynced: b.unsynced };
  }
  return out;
}

/**
 * Writes the `REPORT_FILES` into `dir` (created if needed). Every file's text is built before the
 * first write, each file is written whole under a temporary name and renamed (`writeFileAtomic`),
 * and `report.json` goes last, after the previous run's is removed: a full disk or a crash part-way
 * never leaves a truncated file, and a `report.json` in the directory means the set beside it is
 * complete. A failed write throws `OUTPUT_UNWRITABLE` (path and reason).
 */
export function writeReport(dir: string, outcome: BacktestOutcome): void {
  const stats = {
    wallSeconds: round(outcome.wallSeconds, 3),
    records: outcome.records,
    recordsPerSecond: Math.round(outcome.records / Math.max(outcome.wallSeconds, 1e-9)),
    actors: outcome.actors.map((a) => ({ path: a.path, processed: a.counters.processed, latencyNs: a.latencyNs })),
  };
  const report = buildReport(outcome);
  const files: [string, string][] = [
    ['fills.csv', fillsCsv(outcome)],
    ['orders.csv', ordersCsv(outcome)],
    [EQUITY_FILE, equityCsv(outcome.equityCurve, outcome.instruments)],
    ['stats.json', JSON.stringify(stats, null, 2) + '\n'],
    // The page shows report.json's own metrics: one object serves both.
    [REPORT_HTML_FILE, buildReportHtml(outcome, report)],
    ['report.json', JSON.stringify(report, null, 2) + '\n'],
  ];
  makeDir(dir);
  removeOutput(dir, FAILURE_FILE);
  removeOutput(dir, 'report.json');
  for (const [file, text] of files) writeFileAtomic(join(dir, file), text);
}

/**
 * Writes `failure.json` into `dir` (created if needed, written atomically like the report):
 * `status: "failed"`, the actor that failed first, its error's code and message, where it was
 * thrown (`file:line`, when the stack shows it), the supervisor that gave up (if one did), the
 * records replayed and the engine time when the run stopped. Removes the report files of an
 * earlier run first.
 */
export function writeFailure(dir: string, failure: BacktestFailure): void {
  makeDir(dir);
  for (const file of REPORT_FILES) removeOutput(dir, file);
  const body = { status: 'failed', ...failure };
  writeFileAtomic(join(dir, FAILURE_FILE), JSON.stringify(body, null, 2) + '\n');
}

/** Removes an earlier run's `file` from `dir`; `OUTPUT_UNWRITABLE` when it is there and cannot go. */
function removeOutput(dir: string, file: string): void {
  const path = join(dir, file);
  try {
    rmSync(path, { force: true });
  } catch (error) {
    throw unwritable(path, reasonOf(error), error);
  }
}

function fillsCsv(outcome: BacktestOutcome): string {
  const byKey = new Map<string, Instrument>(outcome.instruments.map((i) => [keyOf(i), i]));
  const qp = Number(outcome.execution.portfolio.quotePrecision);
  const lines = [FILLS_HEADER];
  for (const f of outcome.execution.fills) lines.push(fillCells(f, byKey.get(instrumentKey(f.exchange, f.symbol))!, qp).join(','));
  return lines.join('\n') + '\n';
}

function ordersCsv(outcome: BacktestOutcome): string {
  const lines = [ORDERS_HEADER];
  for (const o of outcome.execution.orders) lines.push(orderCells(o).join(','));
  return lines.join('\n') + '\n';
}

/**
 * A short human summary of a backtest. `terms` are rows about the run's terms that the outcome does
 * not carry (the CLI passes the instruments and the fee model); they follow the strategy row.
 */
export function formatSummary(outcome: BacktestOutcome, terms: readonly (readonly [string, string])[] = []): string {
  const ex = outcome.execution;
  const p = ex.portfolio;
  const orders = Object.entries(ex.ordersByStatus)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  const denials = Object.entries(outcome.risk.denials)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r} ${n}`)
    .join(', ');
  const dropped = outcome.actors.reduce((sum, a) => sum + a.counters.dropped + a.counters.conflated, 0);
  const rows: [string, string][] = [
    ['input', outcome.inputs.map((i) => `${i.name} (${i.format})`).join(', ')],
    ['records', `${outcome.records.toLocaleString('en-US')} (${Object.entries(outcome.events).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${n}`).join(', ')})`],
    periodRow(outcome),
    ['data issues', `${outcome.dataIssues.malformed} malformed, ${outcome.dataIssues.unknownTypes} unknown${outcome.dataIssues.failure === null ? '' : `; stopped early: ${outcome.dataIssues.failure}`}`],
    ['strategy', `${outcome.strategy.name} ${JSON.stringify(outcome.strategy.params)} on ${outcome.barSpec} bars`],
    ['bars / signals', `${outcome.bars.emitted} / ${outcome.strategyStats.signals}${noBarsHint(outcome)}`],
    ...runNoteRows(outcome),
    ['targets rounded to 0', `${outcome.planner.roundedToZero}${outcome.planner.roundedToZero > 0 ? ' (non-zero targets under one size increment, taken as flat)' : ''}`],
    ...outcome.books.books.map((b): [string, string] => [
      `book ${instrumentKey(b.exchange, b.symbol)}`,
      `${b.valid ? 'valid' : 'invalid'}: ${b.applied} applied, ${b.dropped} dropped, ${b.gaps} gaps, ${b.unsynced} unsynced`,
    ]),
    ['orders', orders || 'none'],
    ['denials', denials || 'none'],
    ['fills', String(ex.fillCount)],
    ['cash', `${p.initialCash} -> ${p.cash}`],
    ...accountRows(outcome),
    ['equity', p.equity],
    ['realized PnL / fees', `${p.realizedPnl} / ${p.fees}`],
    ['max drawdown', ex.maxDrawdown],
    ...metricsRows(metricsOf(outcome), outcome.equityCurve.quotePrecision),
    ['trading state', outcome.risk.state],
    ['dropped messages', String(dropped)],
    ['wall time', `${outcome.wallSeconds.toFixed(2)} s (${Math.round(outcome.records / Math.max(outcome.wallSeconds, 1e-9)).toLocaleString('en-US')} records/s)`],
  ];
  rows.splice(rows.findIndex(([k]) => k === 'strategy') + 1, 0, ...terms.map(([k, v]): [string, string] => [k, v]));
  const width = Math.max(...rows.map(([k]) => k.length));
  const table = rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
  const partial = partialLine(outcome);
  return partial === undefined ? table : `${partial}\n${table}`;
}

/**
 * The account's rows: its terms per exchange, its balances, and, once, what it refused. A strategy
 * that targets short positions on a cash account sees its sells refused (`NO_SHORT_SALE`) and stays
 * long where it meant to be short: the summary says so, and how to change it.
 */
function accountRows(outcome: BacktestOutcome): [string, string][] {
  const a = outcome.account;
  if (a === undefined) return [];
  const terms = Object.entries(a.terms)
    .map(([exchange, t]) => `${exchange} ${t.type}${t.type === 'margin' ? ` ${t.leverage}x` : t.borrowing ? ' with borrowing' : ''}${t.source === 'default' ? ' (default)' : ''}`)
    .join(', ');
  const rows: [string, string][] = [
    ['account', terms || 'no orders'],
    ['balances', Object.entries(a.balances).map(([c, v]) => `${c} ${v}`).join(', ')],
  ];
  const refused = Object.entries(a.refused).filter(([, n]) => n > 0);
  if (refused.length > 0) rows.push(['refused by account', refused.map(([c, n]) => `${c} ${n}`).join(', ')]);
  if (a.refused.NO_SHORT_SALE > 0) {
    const cash = Object.entries(a.terms).filter(([, t]) => t.type === 'cash' && !t.borrowing).map(([e]) => e);
    rows.push([
      'notice',
      `${outcome.strategy.name} targets short positions, and ${cash.join(', ')} ${cash.length === 1 ? 'is a cash account' : 'are cash accounts'}: ` +
        `${a.refused.NO_SHORT_SALE} sells of more than was held were refused, so the strategy stayed long or flat where it meant to be short. ` +
        `Trade long-only (ema-cross: --set longOnly=true), or set execution.venue.accounts.<exchange> to { type: margin } or { type: cash, borrowing: true }`,
    ]);
  }
  return rows;
}

/** Why no bar was built, when none was and none was read: the input lacks what the spec builds from. */
function noBarsHint(outcome: BacktestOutcome): string {
  if (outcome.bars.emitted > 0 || outcome.events.trade_bar > 0) return '';
  const fromQuotes = /:(mid|bid|ask)$/.test(outcome.barSpec);
  const needed = fromQuotes ? 'book_ticker' : 'trade';
  if (outcome.events[needed] > 0) return '';
  return `  (no bars: ${outcome.barSpec} bars are built from ${fromQuotes ? 'quotes' : 'trades'}, and the input has none)`;
}

/** The run's metrics (`src/app/metrics/`): from its equity curve and fills alone. */
function metricsOf(outcome: BacktestOutcome): BacktestMetrics {
  return computeMetrics({ curve: outcome.equityCurve, fills: outcome.execution.fills, instruments: outcome.instruments });
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
