/**
 * `report.html` in a real browser (Debian's chromium, driven by playwright-core), as a user meets
 * it: `tickflow backtest --simulated` (the default run, ema-cross on the built-in market, no data
 * files needed) writes it beside report.json; opened from disk with every network request refused,
 * it loads with no console error or page error, every chart draws its series (pixels of the
 * series' colours on each chart's canvases, not just a blank pane), the metrics table shows
 * report.json's values as text, and the fills and orders tables have the rows of fills.csv and
 * orders.csv.
 *
 * A full-page screenshot is kept in `test-artifacts/report-html.png` (ignored by git), pass or
 * fail. With `TICKFLOW_UPDATE_DOCS=1` the test also writes the README's picture,
 * `docs/report-html.png` (the top of the page, under 300 KB).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/app/cli.js';
import { chromiumPath, launchChromium, type TestBrowser } from '../dashboard/chromium.js';
import { flatMetrics } from '../../support/report-metrics.js';

const browserPath = chromiumPath();
const SCREENSHOT = resolve('test-artifacts/report-html.png');
const DOCS_PICTURE = resolve('docs/report-html.png');
const updateDocs = process.env.TICKFLOW_UPDATE_DOCS === '1';

/** The series' colours (`report-page-script.ts`), as RGB. */
const COLOURS = {
  up: [0x26, 0xa6, 0x9a],
  down: [0xef, 0x53, 0x50],
  buy: [0x29, 0x62, 0xff],
  sell: [0xff, 0x6d, 0x00],
  equity: [0x29, 0x62, 0xff],
} as const;

/** What each chart must show, by `data-chart`. */
const EXPECTED: Record<string, readonly (keyof typeof COLOURS)[]> = {
  price: ['up', 'down', 'buy', 'sell'],
  equity: ['equity'],
  drawdown: ['down'],
};

/** What a chart's canvases hold, read in the page. */
interface ChartPixels {
  readonly kind: string;
  readonly canvases: number;
  /** Distinct colours over the chart's canvases. */
  readonly distinct: number;
  /** Pixels within a small distance of each colour. */
  readonly hits: Record<string, number>;
}

const csvRows = (file: string): number => readFileSync(file, 'utf8').trimEnd().split('\n').length - 1;

describe.skipIf(browserPath === undefined)('report.html in chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-report-html-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens offline with no error, draws every chart, and shows report.json\'s metrics and every fill', async () => {
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'log: { level: silent }\n');
    const out = join(dir, 'out');
    const lines: string[] = [];
    const started = performance.now();
    const code = await main(['backtest', '--simulated', '--config', config, '--out', out], (l) => lines.push(l), (l) => lines.push(l));
    console.log(`backtest: ${Math.round(performance.now() - started)} ms`);
    expect(code, lines.join('\n')).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Record<string, any>;
    const fills = csvRows(join(out, 'fills.csv'));
    expect(fills).toBeGreaterThan(2);

    let browser: TestBrowser | undefined;
    let screenshot: (() => Promise<unknown>) | undefined;
    try {
      browser = await launchChromium(browserPath!);
      const errors: string[] = [];
      const requests: string[] = [];
      // The page is one file: anything else it asks for is refused, and is a failure.
      await browser.context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        requests.push(url);
        return route.abort();
      });
      const page = await browser.context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) requests.push(request.url());
      });
      screenshot = () => page.screenshot({ path: SCREENSHOT, fullPage: true });

      const opened = performance.now();
      await page.goto(pathToFileURL(join(out, 'report.html')).href);
      // `true` once drawn, `failed` when the chart library is missing; an exception leaves it unset.
      await page.locator('body[data-ready]').waitFor({ timeout: 15_000 }).catch(() => undefined);
      console.log(`page ready: ${Math.round(performance.now() - opened)} ms`);
      expect(errors).toEqual([]);
      expect(await page.getAttribute('body', 'data-ready')).toBe('true');
      expect(requests).toEqual([]);

      // Every chart: canvases of real size, more than one colour, and its series' colours.
      // Runs in the page; the elements are typed loosely, as this project compiles without the DOM's types.
      const charts: ChartPixels[] = await page.locator('[data-chart]').evaluateAll((boxes: any[], colours) => {
        const near = (d: Uint8ClampedArray, i: number, c: readonly number[]): boolean => Math.abs(d[i]! - c[0]!) + Math.abs(d[i + 1]! - c[1]!) + Math.abs(d[i + 2]! - c[2]!) <= 24 && d[i + 3]! > 200;
        return boxes.map((box) => {
          const seen = new Set<number>();
          const hits: Record<string, number> = {};
          for (const name of Object.keys(colours)) hits[name] = 0;
          const canvases: any[] = [...box.querySelectorAll('canvas')].filter((c: any) => c.width > 0 && c.height > 0);
          for (const canvas of canvases) {
            const d: Uint8ClampedArray = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 0; i < d.length; i += 4) {
              seen.add((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!);
              for (const [name, c] of Object.entries(colours)) if (near(d, i, c)) hits[name]!++;
            }
          }
          return { kind: String(box.dataset.chart), canvases: canvases.length, distinct: seen.size, hits };
        });
      }, COLOURS);
      expect(charts.map((c) => c.kind).sort()).toEqual(['drawdown', 'equity', 'price']);
      for (const chart of charts) {
        expect(chart.canvases, chart.kind).toBeGreaterThan(0);
        expect(chart.distinct, `${chart.kind}: distinct colours`).toBeGreaterThan(1);
        for (const colour of EXPECTED[chart.kind]!) expect(chart.hits[colour], `${chart.kind}: pixels of ${colour}`).toBeGreaterThan(20);
      }
      expect(Number(await page.getAttribute('[data-chart=price]', 'data-markers'))).toBeGreaterThan(0);

      // The metrics as displayed text equal report.json's values.
      const shown = await page.$$eval('[data-table=metrics] tbody tr', (rows) => rows.map((r) => [r.getAttribute('data-metric')!, r.querySelector('td.value')!.textContent!] as const));
      expect(new Map(shown)).toEqual(flatMetrics(report['metrics']));
      expect(shown.length).toBeGreaterThan(30);

      // One row per fill and per order, as in the CSVs.
      expect(await page.locator('[data-table=fills] tbody tr').count()).toBe(fills);
      expect(await page.locator('[data-table=orders] tbody tr').count()).toBe(csvRows(join(out, 'orders.csv')));
      expect(await page.locator('[data-table=round-trips] tbody tr').count()).toBe(report['metrics'].roundTrips.length);

      if (updateDocs) {
        // The README's picture: the top of the page (facts, price, equity, drawdown) at a modest size.
        await page.setViewportSize({ width: 1100, height: 1500 });
        // The charts resize on a later frame (autoSize observes their boxes): let two frames pass.
        await page.evaluate(() => new Promise((done) => (globalThis as any).requestAnimationFrame(() => (globalThis as any).requestAnimationFrame(done))));
        const drawdown = (await page.locator('[data-chart=drawdown]').boundingBox())!;
        mkdirSync(dirname(DOCS_PICTURE), { recursive: true });
        await page.screenshot({ path: DOCS_PICTURE, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(drawdown.y + drawdown.height + 16) } });
        const size = statSync(DOCS_PICTURE).size;
        console.log(`README picture: ${DOCS_PICTURE} (${size} bytes)`);
        expect(size).toBeLessThan(300_000);
      }
    } finally {
      // Kept pass or fail, for a person to look at.
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await screenshot?.().catch(() => undefined);
      console.log(`screenshot: ${SCREENSHOT}`);
      await browser?.close();
    }
  }, 60_000);
});
