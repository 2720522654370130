/**
 * `report.html`: a backtest's report as one self-contained page, written beside `report.json`
 * (`writeReport`): price candles with the fills as markers, the equity and drawdown charts, the
 * metrics table, the round trips, orders and fills. The chart library is inlined from
 * `node_modules` (`chart-library.ts`) and the data is embedded as JSON, so the file opens offline
 * and needs nothing beside it.
 *
 * Deterministic: built from the outcome and the `report.json` object only, with nothing from the
 * wall clock, so the same run writes a byte-identical page (as it does `report.json`).
 */
import type { BacktestOutcome } from '../backtest.js';
import { chartLibrarySource } from './chart-library.js';
import { jsonForScript } from './json-in-html.js';
import { reportPageData } from './report-page-data.js';
import { REPORT_PAGE_SCRIPT } from './report-page-script.js';
import { reportPageHtml } from './report-page-template.js';

/** Name of the page written beside `report.json`. */
export const REPORT_HTML_FILE = 'report.html';

/**
 * The page of `outcome`, whose `report.json` object is `report` (`buildReport(outcome)`: the page
 * shows its metrics as written). Throws `IO_UNAVAILABLE` when the chart library is not installed.
 */
export function buildReportHtml(outcome: BacktestOutcome, report: Record<string, unknown>): string {
  const data = reportPageData(outcome, report);
  return reportPageHtml({ title: data.title, library: chartLibrarySource(), dataJson: jsonForScript(data), script: REPORT_PAGE_SCRIPT });
}
