/**
 * The dashboard's HTTP side behind a real `createHttpServer`: the page and its assets with their
 * content types and security headers, lightweight-charts from node_modules, nothing outside the
 * fixed list (no traversal, whatever the spelling), and `/api/status` only with a gateway token.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDashboard, DASHBOARD_CSP } from '../../../src/io/dashboard/dashboard.js';
import { STATUS_ORDERS, type DashboardStatusInput } from '../../../src/io/dashboard/dashboard-status.js';
import { createHttpServer, type HttpServer } from '../../../src/io/http/http-server.js';
import type { OrderView } from '../../../src/model/order.js';
import type { ActorSnapshot } from '../../../src/runtime/inspection.js';

const VIEWER = 'viewer-token-0123456789';
const OPERATOR = 'operator-token-0123456789';
const CHART_FILE = join(dirname(createRequire(import.meta.url).resolve('lightweight-charts/package.json')), 'dist/lightweight-charts.standalone.production.js');

const open: HttpServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function order(n: number, status: OrderView['status']): OrderView {
  return { clientOrderId: `o-${n}`, exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', type: 'market', status, quantity: '0.01000', limitPrice: undefined, filledQuantity: '0.00000', avgFillPrice: undefined, createdTs: n, updatedTs: n, reason: undefined };
}

const actor: ActorSnapshot = {
  path: 'pipeline/trading/risk',
  status: 'running',
  mailboxDepth: 3,
  capacity: 4096,
  overflow: 'backpressure',
  stashed: 0,
  counters: { received: 12, processed: 9, dropped: 1, conflated: 0, failed: 0, deadLettered: 0, restarts: 2, startFailures: 0 },
  latencyNs: { samples: 9, p50: 1000, p99: 2000, max: 3000 },
};

function statusInput(): DashboardStatusInput {
  // One old order still waiting, then more filled orders than the answer lists.
  const orders = [order(0, 'PENDING_APPROVAL'), ...Array.from({ length: STATUS_ORDERS + 50 }, (_, i) => order(i + 1, 'FILLED'))];
  return {
    actors: [actor],
    checks: [{ name: 'feed', ok: true, detail: 'connected' }],
    feed: { name: 'binance', status: 'reading', records: 10n },
    execution: { ordersByStatus: { FILLED: STATUS_ORDERS + 50, PENDING_APPROVAL: 1 }, orders, fillCount: 250, portfolio: { equity: '100000.00' }, maxDrawdown: '0.00' },
    risk: { state: 'ACTIVE', approved: 251, denials: { MAX_POSITION: 1 }, stateEvents: [] },
  };
}

async function start(status: () => DashboardStatusInput = statusInput): Promise<HttpServer> {
  const server = await createHttpServer({
    port: 0,
    routes: { health: () => ({ status: 'ok' }), ready: () => ({ checks: [] }), metrics: async () => ({ contentType: 'text/plain', body: '' }) },
    dashboard: createDashboard({ tokens: { viewer: VIEWER, operator: OPERATOR }, status }),
  });
  open.push(server);
  return server;
}

/** A GET with the path sent exactly as written (fetch would normalize `..` away). */
function rawGet(server: HttpServer, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createDashboard', () => {
  it('serves the page and its assets with their content types and a strict CSP', async () => {
    const server = await start();
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("default-src 'self'");
    expect(DASHBOARD_CSP).toContain("connect-src 'self' ws: wss:");
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain('<script src="/assets/lightweight-charts.js" defer></script>');
    expect(html).not.toMatch(/https?:\/\/[^"]*\.js/); // no script from elsewhere
    expect((await fetch(`${server.url}/index.html?token=x`)).headers.get('content-type')).toBe('text/html; charset=utf-8');

    for (const [path, type] of [
      ['/assets/app.js', 'text/javascript; charset=utf-8'],
      ['/assets/dom.js', 'text/javascript; charset=utf-8'],
      ['/assets/gateway-client.js', 'text/javascript; charset=utf-8'],
      ['/assets/panels.js', 'text/javascript; charset=utf-8'],
      ['/assets/price-chart.js', 'text/javascript; charset=utf-8'],
      ['/assets/style.css', 'text/css; charset=utf-8'],
      ['/assets/favicon.svg', 'image/svg+xml'],
      ['/assets/lightweight-charts.js', 'text/javascript; charset=utf-8'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(res.headers.get('content-security-policy'), path).toBe(DASHBOARD_CSP);
    }
  });

  it('serves lightweight-charts byte for byte from node_modules', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/assets/lightweight-charts.js`);
    expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(CHART_FILE))).toBe(true);
  });

  it('answers 304 to a matching If-None-Match and HEAD without a body', async () => {
    const server = await start();
    const first = await fetch(`${server.url}/assets/app.js`);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${server.url}/assets/app.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const head = await rawGet(server, '/', 'HEAD');
    expect(head.status).toBe(200);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(100);
    expect(head.body).toBe('');
  });

  it('serves nothing outside its fixed list, however the path is spelled', async () => {
    const server = await start();
    for (const path of [
      '/assets/../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/assets/',
      '/assets/app.js/',
      '/assets/APP.JS',
      '/dashboard.ts',
      '/page/index.html',
      '/src/io/dashboard/page/index.html',
      '/node_modules/lightweight-charts/package.json',
      '/api/status/',
      '//etc/passwd',
    ]) {
      const res = await rawGet(server, path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain('"name": "tickflow"');
    }
    expect((await rawGet(server, '/', 'POST')).status).toBe(405);
  });

  it('answers /api/status 401 without a valid token', async () => {
    const server = await start();
    const none = await fetch(`${server.url}/api/status`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tickflow"');
    expect(await none.json()).toMatchObject({ error: 'unauthorized' });
    expect((await fetch(`${server.url}/api/status?token=wrong`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/status`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/status?token=`)).status).toBe(401);
  });

  it('answers /api/status with either token, saying which role it grants', async () => {
    const server = await start();
    const viewer = await fetch(`${server.url}/api/status?token=${VIEWER}`);
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('cache-control')).toBe('no-store');
    expect(viewer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(((await viewer.json()) as { role: string }).role).toBe('viewer');
    const operator = await fetch(`${server.url}/api/status`, { headers: { authorization: `Bearer ${OPERATOR}` } });
    const body = (await operator.json()) as {
      role: string;
      actors: unknown[];
      feed: { records: string };
      execution: { orders: OrderView[]; pending: OrderView[] };
      risk: { state: string };
    };
    expect(body.role).toBe('operator');
    expect(body.actors).toEqual([{ path: 'pipeline/trading/risk', status: 'running', mailboxDepth: 3, capacity: 4096, overflow: 'backpressure', processed: 9, dropped: 1, conflated: 0, failed: 0, deadLettered: 0, restarts: 2 }]);
    expect(body.feed.records).toBe('10'); // a bigint, as the gateway writes them
    expect(body.execution.orders).toHaveLength(STATUS_ORDERS);
    expect(body.execution.orders.at(-1)!.clientOrderId).toBe(`o-${STATUS_ORDERS + 50}`);
    // The old pending order is past the newest-orders cut, and still listed as waiting.
    expect(body.execution.pending.map((o) => o.clientOrderId)).toEqual(['o-0']);
    expect(body.risk.state).toBe('ACTIVE');
  });

  it('answers null books before the engine has answered', async () => {
    const server = await start(() => ({ actors: [], checks: [], feed: undefined, execution: undefined, risk: undefined }));
    const body = (await (await fetch(`${server.url}/api/status?token=${OPERATOR}`)).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ role: 'operator', actors: [], feed: null, execution: null, risk: null });
  });

  it('refuses to start without its page, naming the folder', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tickflow-dashboard-'));
    try {
      expect(() => createDashboard({ tokens: { operator: OPERATOR }, status: statusInput, pageDir: empty })).toThrow(
        expect.objectContaining({ code: 'IO_UNAVAILABLE', message: expect.stringContaining(join(empty, 'index.html')) }),
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
