/**
 * The HTML report's page: markup and style, with four slots filled at write time: the title, the
 * chart library's source, the page's data as escaped JSON, and the page's script. One file with
 * everything inline, so it opens from disk, offline, in any browser.
 *
 * The Content-Security-Policy lets the page run only its inline scripts and styles and load nothing
 * at all (no network, no other file): a report can never call home or break because something is
 * unreachable. The library's attribution logo is turned off in the charts (its link would be the
 * page's only way out); the footer carries the notice its licence asks for instead.
 */

/** What goes into the page. */
export interface ReportPageParts {
  /** Plain text (escaped here). */
  readonly title: string;
  /** JavaScript text holding no `</script` or `<!--` (`chart-library.ts` checks). */
  readonly library: string;
  /** JSON from `jsonForScript` (no `<`, `>` or `&` in it). */
  readonly dataJson: string;
  /** JavaScript text, the page's own script. */
  readonly script: string;
}

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
:root { color-scheme: light; --ink: #1d232b; --muted: #5b6573; --rule: #e3e6eb; --panel: #f7f8fa; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 32px; border-bottom: 1px solid var(--rule); padding-bottom: 12px; }
h1 { font-size: 20px; margin: 0; }
h1 small { font-weight: normal; color: var(--muted); margin-left: 8px; }
h2 { font-size: 16px; margin: 28px 0 6px; }
h3 { font-size: 14px; margin: 14px 0 2px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 12px 0 0; width: 100%; font-size: 13px; }
dt { color: var(--muted); }
dd { margin: 0; font-family: ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.note { color: var(--muted); font-size: 12px; margin: 2px 0 6px; }
.banner { background: #fdecea; color: #8a1c14; padding: 8px 12px; border-radius: 4px; }
.chart { position: relative; width: 100%; height: 380px; border: 1px solid var(--rule); border-radius: 4px; }
.chart.equity { height: 240px; }
.chart.drawdown { height: 170px; }
.table-wrap { max-height: 420px; overflow: auto; border: 1px solid var(--rule); border-radius: 4px; }
table { border-collapse: collapse; font-size: 12px; font-variant-numeric: tabular-nums; }
.table-wrap table { width: 100%; }
th, td { padding: 3px 10px; text-align: left; white-space: nowrap; border-bottom: 1px solid var(--rule); }
th { position: sticky; top: 0; background: var(--panel); font-weight: 600; }
td { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
[data-table=metrics] td.name { font-family: inherit; }
[data-table=metrics] td.reading { color: var(--muted); }
footer { margin-top: 32px; color: var(--muted); font-size: 11px; }
`;

/** The page's HTML (see the module comment). */
export function reportPageHtml(parts: ReportPageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tickflow backtest: ${escapeHtml(parts.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>tickflow backtest<small id="title"></small></h1>
<dl id="facts"></dl>
</header>
<main>
<section><h2>Price</h2><div id="prices"></div></section>
<section><h2>Equity</h2><p class="note" id="curve-note"></p><div id="equity"></div></section>
<section><h2>Drawdown</h2><p class="note">Below the running peak of equity, in percent of it.</p><div id="drawdown"></div></section>
<section><h2>Metrics</h2><p class="note">As in report.json (its <code>metrics</code>); the README defines each.</p><div id="metrics"></div>
<h3>Per instrument</h3><div id="instruments"></div></section>
<section><h2>Round trips</h2><div id="round-trips"></div></section>
<section><h2>Orders</h2><div id="orders"></div></section>
<section><h2>Fills</h2><div id="fills"></div></section>
</main>
<footer>Charts drawn by TradingView Lightweight Charts&trade; (Apache License 2.0), https://www.tradingview.com/lightweight-charts/, inlined in this page.</footer>
<script>${parts.library}</script>
<script type="application/json" id="report-data">${parts.dataJson}</script>
<script>${parts.script}</script>
</body>
</html>
`;
}

/** `text` safe as HTML text content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
