/**
 * `sweep.html`: one self-contained page (inline CSS and SVG, no script, nothing fetched), so it
 * opens offline and can be mailed. With exactly two swept parameters it draws a heatmap of the
 * chosen metric over them, one per side (in-sample beside out-of-sample under `--split`, on one
 * colour scale so they compare at a glance); with another number of parameters it says why there
 * is none. Then the table of every combination in `sweep.csv`'s order, with the main figures.
 *
 * Colours: the metric's value over the largest magnitude shown, green where better and red where
 * worse than zero (`SweepMetric.better` decides which way), white at zero. Grey cells: `n/a`
 * (no value, such as Sharpe under a day of data), `×` (refused or failed, the reason in the
 * cell's tooltip), blank (not drawn by a random search). Like the CSV, the page holds nothing from
 * the wall clock or the number of workers.
 */
import type { ParamAxis } from './sweep-grid.js';
import { numericValue, sweepMetricNamed, type MetricValue, type SweepMetric } from './sweep-metrics.js';
import type { SweepSide } from './sweep-plan.js';
import { sortedAxisValues, type SweepRow } from './sweep-results.js';

/** Name of the file. */
export const SWEEP_HTML = 'sweep.html';

/** What the page shows. */
export interface SweepPage {
  readonly title: string;
  /** Label and text rows describing the sweep (strategy, data, grid, metric, split). */
  readonly facts: readonly (readonly [string, string])[];
  readonly axes: readonly ParamAxis[];
  readonly sides: readonly SweepSide[];
  readonly metric: SweepMetric;
  /** Sorted (`sortRows`). */
  readonly rows: readonly SweepRow[];
}

/** Figures the table shows per side, after the chosen metric. */
const TABLE_METRICS = ['total_return', 'sharpe', 'max_drawdown', 'round_trips', 'win_rate', 'profit_factor', 'fees'];

/** The page's HTML. */
export function sweepHtml(page: SweepPage): string {
  const facts = page.facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(page.title)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
table.facts th,table.facts td{text-align:left}
.maps{display:flex;flex-wrap:wrap;gap:32px}figure{margin:0}.note{color:#555}
td.err{text-align:left;color:#a33;white-space:normal;min-width:16em;max-width:32em}
svg text{font:11px system-ui,sans-serif}
</style></head><body>
<h1>${esc(page.title)}</h1>
<table class="facts">${facts}</table>
<h2>${esc(page.metric.label)} by parameters</h2>
${heatmaps(page)}
<h2>All combinations, best ${esc(page.metric.label)} first</h2>
${table(page)}
</body></html>
`;
}

function heatmaps(page: SweepPage): string {
  if (page.axes.length !== 2) {
    return `<p class="note">A heatmap is drawn for exactly two swept parameters; this sweep has ${page.axes.length}, so the table below is the whole result.</p>`;
  }
  const values = page.rows.flatMap((r) => r.results.map((s) => numericValue(s.scores?.[page.metric.name])));
  const scale = Math.max(0, ...values.map((v) => (v === null ? 0 : Math.abs(v))));
  const maps = page.sides.map((side, i) => `<figure><figcaption><strong>${esc(side.label)}</strong>${side.detail === '' ? '' : `<br><small>${esc(side.detail)}</small>`}</figcaption>${heatmap(page, i, scale)}</figure>`);
  return `<div class="maps">${maps.join('')}</div>`;
}

const CELL_W = 76;
const CELL_H = 26;

function heatmap(page: SweepPage, side: number, scale: number): string {
  const [yAxis, xAxis] = page.axes as [ParamAxis, ParamAxis];
  const ys = sortedAxisValues(yAxis);
  const xs = sortedAxisValues(xAxis);
  const byCell = new Map(page.rows.map((r) => [cellKey(r.values[0]!, r.values[1]!), r]));
  const left = 16 + 7 * Math.max(yAxis.key.length, ...ys.map((y) => String(y).length));
  const top = 40;
  const parts: string[] = [];
  parts.push(`<text x="${left + (xs.length * CELL_W) / 2}" y="12" text-anchor="middle" font-weight="bold">${esc(xAxis.key)}</text>`);
  parts.push(`<text x="4" y="${top - 8}" font-weight="bold">${esc(yAxis.key)}</text>`);
  xs.forEach((x, i) => parts.push(`<text x="${left + i * CELL_W + CELL_W / 2}" y="${top - 8}" text-anchor="middle">${esc(String(x))}</text>`));
  ys.forEach((y, j) => {
    const cy = top + j * CELL_H;
    parts.push(`<text x="${left - 6}" y="${cy + CELL_H / 2 + 4}" text-anchor="end">${esc(String(y))}</text>`);
    xs.forEach((x, i) => {
      const row = byCell.get(cellKey(y, x));
      const result = row?.results[side];
      const raw = result?.scores?.[page.metric.name] ?? null;
      const value = numericValue(raw);
      const t = value === null || scale === 0 ? 0 : ((page.metric.better === 'higher' ? 1 : -1) * value) / scale;
      const [fill, text] = row === undefined ? ['#f4f4f4', ''] : result?.scores == null ? ['#bbb', '×'] : value === null ? ['#ddd', 'n/a'] : [colour(t), shortValue(raw)];
      const tip = row === undefined ? 'not drawn' : `${yAxis.key}=${String(y)} ${xAxis.key}=${String(x)}: ${result?.error ?? `${page.metric.name} ${raw ?? 'n/a'}`}`;
      const cx = left + i * CELL_W;
      parts.push(
        `<g><title>${esc(tip)}</title><rect x="${cx}" y="${cy}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="${fill}"/>` +
          `<text x="${cx + CELL_W / 2 - 1}" y="${cy + CELL_H / 2 + 3}" text-anchor="middle" fill="${Math.abs(t) > 0.6 ? '#fff' : '#222'}">${esc(text)}</text></g>`,
      );
    });
  });
  const width = left + xs.length * CELL_W + 8;
  const height = top + ys.length * CELL_H + 8;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">${parts.join('')}</svg>`;
}

function table(page: SweepPage): string {
  const shown = [page.metric, ...TABLE_METRICS.filter((n) => n !== page.metric.name).map((n) => sweepMetricNamed(n)!)];
  const split = page.sides.length > 1;
  const head = [
    '<th>rank</th>',
    ...page.axes.map((a) => `<th>${esc(a.key)}</th>`),
    ...page.sides.flatMap((s) => shown.map((m) => `<th>${esc(`${split ? `${s.prefix.replace('_', '')} ` : ''}${m.label}`)}</th>`)),
    '<th>error</th>',
  ];
  const body = page.rows.map((row, i) => {
    // One error said once when every side has it (a refused combination), else each with its side.
    const same = row.results.every((r) => r.error === row.results[0]!.error);
    const errors = same ? [row.results[0]!.error ?? ''] : row.results.map((r, s) => (r.error === null ? '' : `${page.sides[s]!.prefix.replace('_', '')}: ${r.error}`));
    const cells = [
      `<td>${i + 1}</td>`,
      ...row.values.map((v) => `<td>${esc(String(v))}</td>`),
      ...row.results.flatMap((r) => shown.map((m) => `<td>${esc(String(r.scores?.[m.name] ?? ''))}</td>`)),
      `<td class="err">${esc(errors.filter((e) => e !== '').join('; '))}</td>`,
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table><thead><tr>${head.join('')}</tr></thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

function cellKey(y: unknown, x: unknown): string {
  return `${typeof y}:${String(y)}\u0000${typeof x}:${String(x)}`;
}

/** Green for t > 0, red for t < 0, white at 0 (t in [-1, 1]). */
function colour(t: number): string {
  const [r, g, b] = t >= 0 ? [26, 152, 80] : [215, 48, 39];
  const k = Math.min(1, Math.abs(t));
  const mix = (c: number) => Math.round(255 + (c - 255) * k);
  return `rgb(${mix(r)},${mix(g)},${mix(b)})`;
}

/** A figure short enough for a cell: four significant digits, money as given. */
function shortValue(value: MetricValue): string {
  if (typeof value !== 'number') return String(value);
  return String(Number(value.toPrecision(4)));
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
