/**
 * The dashboard in a real browser (Debian's chromium, driven by playwright-core): a daemon on a
 * local `serve-feed` replaying a cut of the Binance capture at 20× with manual approval; the page
 * opened with the operator token loads with no console error, draws the bars, lists the order the
 * strategy asks for, and an Approve click there sends it to the paper venue, as the daemon's own
 * books confirm. A screenshot is kept in `test-artifacts/dashboard.png` (ignored by git).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExecutionSnapshot } from '../../../actors/execution/orders/execution-actor.js';
import { parseConfig } from '../../../src/app/config.js';
import { startDaemon, type Daemon } from '../../../src/app/daemon.js';
import { createFeedServer, type FeedServer } from '../../../src/io/feed-server/feed-server.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { dataPath } from '../../support/data.js';
import { readCapture, writeCapture } from '../feed-server/feed-test-client.js';
import { chromiumPath, launchChromium, type TestBrowser } from './chromium.js';

const capture = dataPath('binance-spot/btcusdt_20240808.gz');
const browserPath = chromiumPath();
const OPERATOR = 'operator-token-0123456789';
const SCREENSHOT = resolve('test-artifacts/dashboard.png');

describe.skipIf(capture === undefined || browserPath === undefined)('the dashboard in chromium', () => {
  it('loads with no console error, draws the bars, and sends an order approved in the page to the venue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickflow-dashboard-'));
    let feed: FeedServer | undefined;
    let daemon: Daemon | undefined;
    let browser: TestBrowser | undefined;
    let screenshot: (() => Promise<unknown>) | undefined;
    try {
      // About 250 s of market at 20×: it keeps trading well past the approval.
      const cut = writeCapture(dir, 'btcusdt_cut.gz', readCapture(capture!).slice(0, 28_000));
      feed = await createFeedServer({ data: [cut], port: 0, speed: 20 });
      daemon = await startDaemon(
        parseConfig(
          {
            feeds: [{ venue: 'binance', url: feed.url, rest: feed.restUrl, symbols: ['BTCUSDT'], channels: ['trade', 'bookTicker'], connectTimeout: '2s' }],
            bars: { spec: '1s' },
            strategy: { name: 'ema-cross', params: { fast: 2, slow: 4, size: 0.01 } },
            instruments: [{ exchange: 'binance', symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' }],
            // Borrowing on: the strategy's first order may be a sell, which a plain cash account refuses.
            execution: { approval: 'manual', venue: { type: 'paper', accounts: { binance: { type: 'cash', borrowing: true } } } },
            http: { host: '127.0.0.1', port: 0 },
            gateway: { tokens: { operator: OPERATOR } },
            log: { level: 'silent' },
            persistence: { dir: join(dir, 'data'), fsync: 'never' },
          },
          'dashboard browser test',
        ),
        silentLogger,
      );
      browser = await launchChromium(browserPath!);
      const page = await browser.context.newPage();
      screenshot = () => page.screenshot({ path: SCREENSHOT, fullPage: true });
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
      page.on('requestfailed', (request) => errors.push(`request: ${request.url()} ${request.failure()?.errorText ?? ''}`));

      await page.goto(`${daemon.url}/?token=${OPERATOR}`);
      const body = page.locator('body');
      await expect.poll(() => body.getAttribute('data-ws'), { timeout: 5_000 }).toBe('open');
      await expect.poll(() => body.getAttribute('data-status'), { timeout: 5_000 }).toBe('ok');

      // The chart draws: bars counted by the page, and a canvas of real size inside its container.
      await expect.poll(async () => Number(await body.getAttribute('data-bars')), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
      const canvas = await page.locator('[data-testid=chart] canvas').first().boundingBox();
      expect(canvas?.width).toBeGreaterThan(200);
      expect(canvas?.height).toBeGreaterThan(200);

      // The strategy's order waits for approval; approving it in the page sends it to the venue,
      // which fills it: the blotter shows it, the chart marks the fill, the daemon's books agree.
      const pending = page.locator('[data-testid=approvals] tr[data-order-id]').first();
      await pending.waitFor({ timeout: 15_000 });
      const id = (await pending.getAttribute('data-order-id'))!;
      await pending.locator('button[data-action=approve]').click();
      const row = page.locator(`[data-testid=blotter] tr[data-order-id="${id}"]`);
      await expect.poll(() => row.getAttribute('data-status', { timeout: 1_000 }), { timeout: 5_000 }).toBe('FILLED');
      await expect.poll(() => page.locator(`[data-testid=approvals] tr[data-order-id="${id}"]`).count()).toBe(0);
      await expect.poll(async () => Number(await body.getAttribute('data-fills'))).toBeGreaterThanOrEqual(1);
      const books = await daemon.trading.pipeline.execution.ask<ExecutionSnapshot>({ type: 'exec_snapshot' }, { timeout: 2_000_000 });
      expect(books.orders.find((o) => o.clientOrderId === id)?.status).toBe('FILLED');
      expect(books.fillCount).toBeGreaterThanOrEqual(1);

      // The panels fed by /api/status: the position the fill opened, the actor tree, feed health.
      await expect.poll(() => page.locator('[data-testid=positions] tbody tr').count(), { timeout: 5_000 }).toBe(1);
      expect(await page.locator('[data-testid=positions] tbody tr td').first().textContent()).toBe('binance:BTCUSDT');
      expect(await page.locator('[data-testid=actors] tr[data-actor="pipeline/trading/risk"]').count()).toBe(1);
      expect(await page.locator('[data-testid=checks]').textContent()).toContain('feed: connected');
      // The operator's controls are there and live.
      expect(await page.locator('[data-testid=kill-switch]').isEnabled()).toBe(true);
      expect(await page.locator('[data-testid=trading-state]').textContent()).toBe('ACTIVE');
      expect(errors).toEqual([]);
    } finally {
      // Kept pass or fail, for a person to look at.
      mkdirSync(dirname(SCREENSHOT), { recursive: true });
      await screenshot?.().catch(() => undefined);
      await browser?.close();
      await daemon?.stop('test over');
      await feed?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
