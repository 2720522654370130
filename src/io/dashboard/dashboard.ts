/**
 * `createDashboard`: the HTTP side of the operator's dashboard, as the `dashboard` hook of the
 * daemon's HTTP server. It serves the page (`/`), its scripts and styles, the chart library, and
 * `GET /api/status` (see `dashboard-status.ts`). Everything live reaches the page through the
 * WebSocket gateway (`/ws`), which the page opens with the same token.
 *
 * ```
 * GET /                          index.html      (no token needed: the page holds no data)
 * GET /assets/app.js, its modules (dom, gateway-client, panels, price-chart), style.css, favicon.svg
 * GET /assets/lightweight-charts.js              (from node_modules, never a CDN)
 * GET /api/status                JSON, token required (?token= or Authorization: Bearer) → 401
 * anything else                  not handled → the server's 404
 * ```
 *
 * - Files come from a fixed list held in memory (`dashboard-assets.ts`): no request path is ever
 *   joined to a folder, so there is no traversal to defend against.
 * - Tokens are the gateway's own (`TokenCheck`): a viewer token reads, an operator token also lets
 *   the page send commands (the gateway enforces that; the page only greys the buttons).
 * - Every answer carries a strict Content-Security-Policy (scripts and styles from this origin
 *   only, connections to this origin and its WebSocket), `nosniff`, no framing, and no referrer
 *   (the page's URL carries the token). Static files are revalidated by ETag; the status is never
 *   cached.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TokenCheck, type GatewayTokens } from '../gateway/token-check.js';
import { loadDashboardAssets } from './dashboard-assets.js';
import { dashboardStatus, type DashboardStatusInput } from './dashboard-status.js';

/** The status endpoint's path. */
export const DASHBOARD_STATUS_PATH = '/api/status';

/** The policy every dashboard answer carries. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Options of `createDashboard`. */
export interface DashboardOptions {
  /** The gateway's tokens: `/api/status` needs one of them. */
  readonly tokens: GatewayTokens;
  /** The engine's state on each status request (synchronous: plain data the daemon holds). */
  readonly status: () => DashboardStatusInput;
  /** The page folder; default the one beside this module (see `dashboard-assets.ts`). */
  readonly pageDir?: string;
}

/** The HTTP server's `dashboard` hook: true when it answered the request. */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Reads the page's files and returns the hook. Throws `IO_UNAVAILABLE` when a file or
 * lightweight-charts is missing (at start, not on the first request).
 */
export function createDashboard(options: DashboardOptions): DashboardHandler {
  const assets = loadDashboardAssets(options.pageDir);
  const tokens = new TokenCheck(options.tokens);
  return (req, res) => {
    const path = pathOf(req.url);
    if (path === DASHBOARD_STATUS_PATH) {
      const role = tokens.authenticate(req);
      if (role === undefined) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="tickflow"');
        sendJson(res, 401, { error: 'unauthorized', message: 'a gateway token is required: ?token=<token> or Authorization: Bearer <token>' });
        return true;
      }
      // Bigints, should any reach here, as decimal strings: the gateway's rule for the same data.
      sendJson(res, 200, dashboardStatus(options.status(), role));
      return true;
    }
    const asset = assets.get(path);
    if (asset === undefined) return false;
    const headers: Record<string, string | number> = { ...SECURITY_HEADERS, 'Cache-Control': 'no-cache', ETag: asset.etag };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, 'Content-Type': asset.contentType, 'Content-Length': asset.body.length });
    res.end(asset.body);
    return true;
  };
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, bigintAsString);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
