import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sweepCsv } from '../../../src/app/sweep/sweep-csv.js';
import type { ParamAxis } from '../../../src/app/sweep/sweep-grid.js';
import { sweepHtml } from '../../../src/app/sweep/sweep-html.js';
import { SWEEP_METRICS, sweepMetricNamed, type SweepScores } from '../../../src/app/sweep/sweep-metrics.js';
import { WHOLE_INPUT, type SweepSide } from '../../../src/app/sweep/sweep-plan.js';
import { sortRows, type SweepRow } from '../../../src/app/sweep/sweep-results.js';

const sharpe = sweepMetricNamed('sharpe')!;
const drawdown = sweepMetricNamed('max_drawdown')!;
const axes: ParamAxis[] = [
  { key: 'fast', values: [13, 5, 8] },
  { key: 'slow', values: [21, 34] },
];

function scores(values: Partial<Record<string, number | string | null>>): SweepScores {
  return Object.fromEntries(SWEEP_METRICS.map((m) => [m.name, values[m.name] ?? null]));
}

function row(index: number, fast: number, slow: number, s: number | null, extra: Partial<Record<string, number | null>> = {}): SweepRow {
  return { index, values: [fast, slow], results: [{ scores: scores({ sharpe: s, ...extra }), error: null }] };
}

describe('sortRows', () => {
  it('puts the best first, nulls and failed runs last, ties by the parameters in ascending order', () => {
    const failed: SweepRow = { index: 6, values: [5, 21], results: [{ scores: null, error: 'ACTOR_FAILED' }] };
    const rows = [row(0, 13, 21, 0.5), row(1, 13, 34, null), row(2, 5, 34, 1.5), row(3, 8, 21, 0.5), failed, row(4, 8, 34, null), row(5, 5, 21, -2)];
    const sorted = sortRows(rows, sharpe).map((r) => `${r.values.join('/')}`);
    expect(sorted).toEqual(['5/34', '8/21', '13/21', '5/21', '5/21', '8/34', '13/34']);
    // Among the nulls, the parameters decide; between two equal parameter sets, the combination's number.
    expect(sortRows(rows, sharpe).slice(4).map((r) => r.index)).toEqual([6, 4, 1]);
  });

  it('puts the smallest first for a metric where lower is better', () => {
    const rows = [row(0, 5, 21, null, { max_drawdown: 0.2 }), row(1, 8, 21, null, { max_drawdown: 0.05 }), row(2, 13, 21, null, { max_drawdown: null })];
    expect(sortRows(rows, drawdown).map((r) => r.index)).toEqual([1, 0, 2]);
  });

  it('gives one order whatever the order rows come in', () => {
    const value = fc.option(fc.integer({ min: -3, max: 3 }), { nil: null });
    const rowsArb = fc.uniqueArray(fc.record({ fast: fc.integer({ min: 1, max: 4 }), slow: fc.integer({ min: 5, max: 8 }), s: value }), { selector: (r) => `${r.fast}/${r.slow}` });
    fc.assert(
      fc.property(rowsArb, fc.integer(), (specs, seed) => {
        const rows = specs.map((r, i) => row(i, r.fast, r.slow, r.s));
        const shuffled = [...rows].sort((a, b) => ((a.index * 7919 + seed) % 13) - ((b.index * 7919 + seed) % 13));
        expect(sortRows(shuffled, sharpe)).toEqual(sortRows(rows, sharpe));
      }),
    );
  });
});

describe('sweepCsv', () => {
  it('writes rank, parameters, every metric per side and the errors last, quoting what needs it', () => {
    const sides: SweepSide[] = [
      { prefix: 'is_', label: 'in-sample', detail: '' },
      { prefix: 'oos_', label: 'out-of-sample', detail: '' },
    ];
    const rows: SweepRow[] = [
      { index: 0, values: [5, 21], results: [{ scores: scores({ sharpe: 1.5, fees: '1.20' }), error: null }, { scores: scores({ sharpe: -0.5 }), error: 'input ended early: "x", y' }] },
    ];
    const [header, line, end] = sweepCsv(axes, sides, rows).split('\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 4)).toEqual(['rank', 'fast', 'slow', 'is_total_return']);
    expect(columns.slice(-2)).toEqual(['is_error', 'oos_error']);
    expect(columns.length).toBe(3 + 2 * SWEEP_METRICS.length + 2);
    const cells = line!.split(',');
    expect(cells[columns.indexOf('is_sharpe')]).toBe('1.5');
    expect(cells[columns.indexOf('oos_sharpe')]).toBe('-0.5');
    expect(cells[columns.indexOf('is_fees')]).toBe('1.20');
    expect(cells[columns.indexOf('is_cagr')]).toBe('');
    expect(line!.endsWith(',"input ended early: ""x"", y"')).toBe(true);
    expect(end).toBe('');
  });
});

describe('sweepHtml', () => {
  const rows = sortRows([row(0, 5, 21, 1.5), row(1, 5, 34, null), { index: 2, values: [8, 21], results: [{ scores: null, error: 'fast <b>' }] }], sharpe);
  const page = (a: ParamAxis[]) => sweepHtml({ title: 'ema-cross sweep', facts: [['data', 'x.csv']], axes: a, sides: WHOLE_INPUT, metric: sharpe, rows });

  it('is self-contained: no script, stylesheet or image fetched from anywhere', () => {
    const html = page(axes);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)=/i);
  });

  it('draws a heatmap cell per pair of values, the ones not drawn blank, and escapes text', () => {
    const html = page(axes);
    expect(html.match(/<rect /g)).toHaveLength(3 * 2);
    expect(html).toContain('>n/a<');
    expect(html).toContain('>×<');
    expect(html).toContain('not drawn');
    expect(html).toContain('fast &#60;b&#62;');
    expect(html).not.toContain('fast <b>');
  });

  it('says why there is no heatmap with other than two parameters', () => {
    const one = page([axes[0]!]);
    expect(one).not.toContain('<svg');
    expect(one).toContain('A heatmap is drawn for exactly two swept parameters; this sweep has 1');
  });
});
