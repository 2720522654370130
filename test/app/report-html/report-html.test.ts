/**
 * The page builder on a real run (the simulated market, ema-cross flipping on a margin account):
 * what the page embeds, that it is escaped, bounded and the same on every run. The page in a
 * browser is `test/io/report-html/report-html-browser.test.ts`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOutcome } from '../../../src/app/backtest.js';
import { parseConfig } from '../../../src/app/config.js';
import { MAX_CANDLES } from '../../../src/app/report-html/candle-builder.js';
import { chartLibrarySource } from '../../../src/app/report-html/chart-library.js';
import { MAX_TABLE_ROWS } from '../../../src/app/report-html/page-table.js';
import { buildReportHtml } from '../../../src/app/report-html/report-html.js';
import type { ReportPageData } from '../../../src/app/report-html/report-page-data.js';
import { buildReport } from '../../../src/app/report.js';
import { flatMetrics } from '../../support/report-metrics.js';

const config = parseConfig(
  { log: { level: 'silent' }, simulated: { records: 20_000 }, bars: { spec: '10s' }, strategy: { name: 'ema-cross', params: { fast: 2, slow: 4, size: 1 } } },
  'report-html test',
);
const run = (): Promise<BacktestOutcome> => runBacktest({ input: { kind: 'simulated' }, config, sets: [] });

/** The JSON the page embeds, parsed. */
function embedded(html: string): ReportPageData {
  const found = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html);
  expect(found).not.toBeNull();
  return JSON.parse(found![1]!) as ReportPageData;
}

describe('buildReportHtml', () => {
  let outcome: BacktestOutcome;
  let report: Record<string, any>;
  let html: string;

  beforeAll(async () => {
    outcome = await run();
    report = buildReport(outcome);
    html = buildReportHtml(outcome, report);
  });

  it('embeds report.json\'s metrics, the trades and the curve as JSON the page parses back', () => {
    expect(outcome.execution.fillCount).toBeGreaterThan(2);
    const data = embedded(html);
    expect(new Map(data.metrics.map(([name, value]) => [name, value]))).toEqual(flatMetrics(report['metrics']));
    expect(data.tables.fills.total).toBe(outcome.execution.fillCount);
    expect(data.tables.fills.rows).toHaveLength(outcome.execution.fillCount);
    expect(data.tables.orders.total).toBe(outcome.execution.orders.length);
    expect(data.tables.roundTrips.total).toBe(report['metrics'].roundTripCount);
    expect(data.curve.samples).toBe(outcome.equityCurve.samples.length);
    expect(data.curve.equity.at(-1)![1]).toBe(Number(report['finalEquity']));
    // One instrument, its candles from trades, every fill on a marker.
    expect(data.prices.map((p) => [p.key, p.source])).toEqual([['sim:SIMUSDT', 'trades']]);
    const price = data.prices[0]!;
    expect(price.candles.length).toBeGreaterThan(10);
    expect(price.candles.length).toBeLessThanOrEqual(MAX_CANDLES);
    expect(price.markers.reduce((n, m) => n + m[2], 0)).toBe(outcome.execution.fillCount);
    const times = price.candles.map((c) => c[0]);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('inlines the chart library and loads nothing from anywhere', () => {
    // Not `toContain`: a failure would print 200 KB of library.
    expect(html.includes(`<script>${chartLibrarySource()}</script>`), 'the chart library is inlined whole').toBe(true);
    const own = html.replace(chartLibrarySource(), '');
    expect(own).not.toMatch(/<(link|img|iframe)\b|\ssrc=|\shref=|@import|url\(/i);
    expect(own).toContain(`content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`);
    expect(own.match(/<\/script>/g)).toHaveLength(3);
  });

  it('writes the same bytes for the same run, with nothing from the wall clock', async () => {
    const again = await run();
    expect(again.wallSeconds).not.toBe(outcome.wallSeconds);
    expect(buildReportHtml(again, buildReport(again))).toBe(html);
  });

  it('keeps text from the data out of the markup', () => {
    const hostile = '</script><script>window.pwned = 1</script><!--';
    const orders = outcome.execution.orders.map((o, i) => (i === 0 ? { ...o, reason: hostile } : o));
    const page = buildReportHtml({ ...outcome, strategy: { name: `<b>${hostile}`, params: {} }, execution: { ...outcome.execution, orders } }, report);
    expect(page.replace(chartLibrarySource(), '').match(/<\/script>/g)).toHaveLength(3);
    expect(page).not.toContain('window.pwned = 1</script>');
    expect(page).toContain('<title>tickflow backtest: &#60;b&#62;&#60;/script&#62;');
    const data = embedded(page);
    expect(data.tables.orders.rows[0]!.at(-1)).toBe(hostile);
    expect(data.title.startsWith(`<b>${hostile}`)).toBe(true);
  });

  it('cuts long tables to their first rows and says how many there were', () => {
    const fills = Array.from({ length: 2_600 }, (_, i) => outcome.execution.fills[i % outcome.execution.fills.length]!).sort((a, b) => a.ts - b.ts);
    const data = embedded(buildReportHtml({ ...outcome, execution: { ...outcome.execution, fills, fillCount: fills.length } }, report));
    expect(data.tables.fills.rows).toHaveLength(MAX_TABLE_ROWS);
    expect(data.tables.fills).toMatchObject({ total: 2_600, file: 'fills.csv' });
    // Markers stay one per candle and side, counting every fill.
    const price = data.prices[0]!;
    expect(price.markers.length).toBeLessThanOrEqual(2 * price.candles.length);
    expect(price.markers.reduce((n, m) => n + m[2], 0)).toBe(2_600);
  });
});
