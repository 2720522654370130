import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOutcome } from '../../../src/app/backtest.js';
import { loadConfig, type TickflowConfig } from '../../../src/app/config.js';
import { buildReport, formatSummary, REPORT_FILES, writeReport } from '../../../src/app/report.js';
import { isoTime } from '../../../src/model/iso-time.js';
import { toUnits } from '../../../src/model/money.js';

// The default simulated run (`tickflow backtest --simulated`, golden `simulated-start`): ema-cross
// on a margin account, so it flips long and short: closed round trips, flips and an open position.
const KEY = 'sim:SIMUSDT';
const MINUTE = 60_000_000;

function config(overrides: Partial<TickflowConfig> = {}): TickflowConfig {
  const base = loadConfig(resolve('config/default.yaml'), {});
  return { ...base, log: { level: 'silent' }, ...overrides };
}

interface Metrics {
  equityCurve: { file: string; interval: string; intervalUs: number; samples: number; startTs: number; endTs: number };
  finalEquity: string;
  initialEquity: string;
  maxDrawdown: { amount: string; fraction: number };
  roundTripCount: number;
  openRoundTrips: number;
  roundTripPnl: string;
  fees: string;
  roundTrips: { netPnl: string; grossPnl: string; fees: string; side: string; openTs: number; closeTs: number }[];
  instruments: Record<string, { fills: number; roundTripCount: number }>;
}

describe('metrics end to end: the default simulated run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-metrics-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let outcome: BacktestOutcome;
  let report: Record<string, any>;
  let metrics: Metrics;
  let csv: string[][];
  const units = (decimal: string): bigint => toUnits(decimal, 5);

  beforeAll(async () => {
    outcome = await runBacktest({ input: { kind: 'simulated' }, config: config(), sets: [] });
    writeReport(dir, outcome);
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    metrics = report['metrics'] as Metrics;
    csv = readFileSync(join(dir, 'equity.csv'), 'utf8').trimEnd().split('\n').map((l) => l.split(','));
  });

  it('writes equity.csv beside report.json, one row per sample, on a 1-minute grid from the first record', () => {
    expect(REPORT_FILES).toContain('equity.csv');
    expect(csv[0]).toEqual(['time', 'equity', 'drawdown', 'drawdownFraction', KEY]);
    const rows = csv.slice(1);
    expect(metrics.equityCurve).toMatchObject({ file: 'equity.csv', interval: '1m', intervalUs: MINUTE, samples: rows.length, startTs: report['firstTs'] });
    // Every row but a closing one is start + k minutes; the last is the run's end.
    rows.slice(0, -1).forEach((row, k) => expect(row[0]).toBe(isoTime(report['firstTs'] + k * MINUTE)));
    expect(rows.at(-1)![0]).toBe(isoTime(metrics.equityCurve.endTs));
    expect(metrics.equityCurve.endTs).toBeGreaterThanOrEqual(report['lastTs']);
  });

  it("ends at the report's final equity and position, exactly", () => {
    const last = csv.at(-1)!;
    expect(last[1]).toBe(report['finalEquity']);
    expect(metrics.finalEquity).toBe(report['finalEquity']);
    expect(metrics.initialEquity).toBe(report['initialCash']);
    expect(last[4]).toBe(report['positions'][KEY].quantity);
  });

  it("never shows a drawdown deeper than execution's tick-level one, and its maximum is the metric's", () => {
    const amounts = csv.slice(1).map((r) => units(r[2]!));
    const deepest = amounts.reduce((a, b) => (b > a ? b : a), 0n);
    expect(units(metrics.maxDrawdown.amount)).toBeLessThanOrEqual(units(report['maxDrawdown']));
    expect(deepest).toBeLessThanOrEqual(units(report['maxDrawdown']));
    expect(Math.max(...csv.slice(1).map((r) => Number(r[3])))).toBe(metrics.maxDrawdown.fraction);
  });

  it('lists round trips whose PnL adds up to the realized PnL and fees the books hold', () => {
    const trips = metrics.roundTrips;
    expect(trips.length).toBe(metrics.roundTripCount);
    expect(trips.length).toBeGreaterThan(5);
    expect(trips.some((t, i) => i > 0 && t.openTs === trips[i - 1]!.closeTs && t.side !== trips[i - 1]!.side)).toBe(true); // flips
    const sum = (pick: (t: Metrics['roundTrips'][number]) => string): bigint => trips.reduce((s, t) => s + units(pick(t)), 0n);
    expect(sum((t) => t.netPnl)).toBe(units(metrics.roundTripPnl));
    // ema-cross holds ±1 and flips whole: the open trip has realized nothing yet, so the closed
    // trips hold all of the realized PnL, and every fee but the open trip's share of its flip.
    expect(metrics.openRoundTrips).toBe(1);
    expect(sum((t) => t.grossPnl)).toBe(units(report['realizedPnl']));
    expect(sum((t) => t.fees)).toBeLessThan(units(report['fees']));
    expect(metrics.fees).toBe(report['fees']);
    expect(metrics.instruments[KEY]!.fills).toBe(report['fills']);
  });

  it('puts the headline metrics in the summary', () => {
    const summary = formatSummary(outcome);
    expect(summary).toMatch(/return \/ CAGR\s+\+0\.038273% \/ n\/a/);
    expect(summary).toMatch(/sharpe \/ sortino \/ calmar\s+n\/a \(annualised figures need a day of data; this run spans 7h\)/);
    expect(summary).toMatch(new RegExp(`round trips\\s+${metrics.roundTripCount} closed, 1 open: win rate`));
  });

  it('samples at the configured interval without changing a trading result', async () => {
    const coarse = await runBacktest({ input: { kind: 'simulated' }, config: config({ report: { equityInterval: 5 * MINUTE }, mailboxCapacity: 3 }), sets: [] });
    const { metrics: m5, ...rest5 } = buildReport(coarse) as Record<string, any>;
    const { metrics: _m1, ...rest1 } = report;
    expect(rest5).toEqual(rest1);
    expect(m5.equityCurve.interval).toBe('5m');
    // One sample per whole 5 minutes of the span from the first, plus the closing one.
    const span = m5.equityCurve.endTs - m5.equityCurve.startTs;
    expect(m5.equityCurve.samples).toBe(Math.floor(span / (5 * MINUTE)) + 1 + (span % (5 * MINUTE) === 0 ? 0 : 1));
    expect(m5.finalEquity).toBe(report['finalEquity']);
    expect(m5.roundTrips).toEqual(metrics.roundTrips);
  });
});
