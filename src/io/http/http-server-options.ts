/**
 * Options of the daemon's HTTP server (`/healthz`, `/readyz`, `/metrics`, the dashboard and the
 * gateway's `/ws` upgrade), and their validation: checked once here, at the edge, so the server
 * itself trusts them.
 *
 * The timeouts default short. Every client of this port is a probe, a scraper or a browser on the
 * operator's machine; none needs minutes to send its headers, and a slow or idle client must not
 * hold a socket (or a shutdown) for Node's defaults of five minutes per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { TickflowError } from '../../runtime/errors.js';
import type { HealthReport, ReadinessReport } from './health-report.js';

/** The exposition the `/metrics` route serves, with its content type. */
export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

/** The three fixed routes. Each may throw or reject: the request gets a 500, the server goes on. */
export interface HttpRoutes {
  /** Liveness: no dependency checks (see `health-report.ts`). */
  readonly health: () => HealthReport;
  readonly ready: () => ReadinessReport | Promise<ReadinessReport>;
  readonly metrics: () => Promise<MetricsExposition>;
}

/** Options of `createHttpServer`. */
export interface HttpServerOptions {
  /** Interface to bind. Default `127.0.0.1`: exposing the port is a decision, not a default. */
  readonly host?: string;
  /** Port to bind; 0 picks a free one (read it back from `HttpServer.port`). */
  readonly port: number;
  readonly routes: HttpRoutes;
  /**
   * Serves `/` and static assets for GET and HEAD requests the fixed routes do not match; returns
   * true when it handled the request (it then owns the response), false to let it become a 404.
   */
  readonly dashboard?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /**
   * Takes `GET /ws` upgrades (the WebSocket gateway). The socket is then its own; other upgrade
   * paths, or any path when this is absent, get a 404 and the socket is destroyed.
   */
  readonly upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Called with every error a route or hook threw (after its 500 is sent), for the log. */
  readonly onError?: (error: unknown, path: string) => void;
  /** Longest a whole request may take to arrive. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Longest the headers may take to arrive; at most `requestTimeoutMs`. Default 5 s. */
  readonly headersTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept. Default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  /** How long `close()` lets requests in flight finish before cutting every connection. Default 1 s. */
  readonly closeGraceMs?: number;
}

/** Options with every default filled in. */
export interface ResolvedHttpServerOptions extends HttpServerOptions {
  readonly host: string;
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly closeGraceMs: number;
}

export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 5_000;
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
export const DEFAULT_CLOSE_GRACE_MS = 1_000;

/**
 * Fills in defaults and checks the values. Throws `CONFIG_INVALID` naming every bad option: a port
 * outside 0..65535, a timeout that is not a positive integer of milliseconds, or headers allowed
 * longer than the whole request (Node refuses that combination too, less clearly).
 */
export function resolveHttpServerOptions(options: HttpServerOptions): ResolvedHttpServerOptions {
  const resolved: ResolvedHttpServerOptions = {
    ...options,
    host: options.host ?? DEFAULT_HTTP_HOST,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: options.headersTimeoutMs ?? Math.min(DEFAULT_HEADERS_TIMEOUT_MS, options.requestTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS),
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
    closeGraceMs: options.closeGraceMs ?? DEFAULT_CLOSE_GRACE_MS,
  };
  const problems: string[] = [];
  if (!Number.isInteger(resolved.port) || resolved.port < 0 || resolved.port > 65_535) problems.push(`port must be an integer in 0..65535, got ${String(resolved.port)}`);
  if (resolved.host.length === 0) problems.push('host must not be empty');
  for (const key of ['requestTimeoutMs', 'headersTimeoutMs', 'keepAliveTimeoutMs'] as const) {
    const value = resolved[key];
    if (!Number.isInteger(value) || value <= 0) problems.push(`${key} must be a positive integer, got ${String(value)}`);
  }
  if (!Number.isInteger(resolved.closeGraceMs) || resolved.closeGraceMs < 0) problems.push(`closeGraceMs must be an integer >= 0, got ${String(resolved.closeGraceMs)}`);
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) problems.push(`headersTimeoutMs (${resolved.headersTimeoutMs}) must not exceed requestTimeoutMs (${resolved.requestTimeoutMs})`);
  if (problems.length > 0) throw new TickflowError('CONFIG_INVALID', `invalid HTTP server options: ${problems.join('; ')}`, { problems });
  return resolved;
}
