/**
 * `createHttpServer`: the daemon's one HTTP port, on `node:http`. It serves liveness (`/healthz`),
 * readiness (`/readyz`) and the Prometheus exposition (`/metrics`), hands `/` and static assets to
 * the dashboard hook and `GET /ws` upgrades to the WebSocket gateway. It knows nothing of the
 * engine: every answer comes from a function the composition root passes in, so this file is
 * tested with plain closures and the engine never imports it.
 *
 * - Read-only: any method but GET and HEAD gets a 405 (with `Allow`), whatever the path. HEAD is
 *   answered as GET without the body (Node drops it and keeps `Content-Length`).
 * - A route that throws or rejects gets its request a 500 with the error's message, the error
 *   passed to `onError`, and the server goes on serving: a bug in a readiness check must not take
 *   down the port that reports it.
 * - `close()` never hangs: it stops listening, closes idle keep-alive connections at once, lets
 *   requests in flight finish for `closeGraceMs`, then cuts whatever is left, including sockets
 *   handed to `upgrade` that their owner has not closed (stop the gateway first so its clients get
 *   a proper close frame).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { isTickflowError, TickflowError } from '../../runtime/errors.js';
import { isReady } from './health-report.js';
import { resolveHttpServerOptions, type HttpServerOptions, type ResolvedHttpServerOptions } from './http-server-options.js';

/** A listening HTTP server. */
export interface HttpServer {
  /** Base URL (`http://127.0.0.1:9464`). */
  readonly url: string;
  /** The port bound (the one picked when 0 was asked). */
  readonly port: number;
  /** Stops listening and ends every connection (see the file comment for the order). Idempotent. */
  close(): Promise<void>;
}

/** The paths served whatever the dashboard does. */
export const HTTP_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics', upgrade: '/ws' } as const;

/**
 * Binds `host:port` and starts serving. Rejects with `CONFIG_INVALID` for bad options and with
 * `IO_UNAVAILABLE` naming `host:port` when the port cannot be bound (taken, no permission, no such
 * interface).
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server = new HttpServerImpl(resolveHttpServerOptions(options));
  await server.listen();
  return server;
}

class HttpServerImpl implements HttpServer {
  readonly options: ResolvedHttpServerOptions;
  readonly http: Server;
  /** Sockets given to `upgrade` and still open: `server.close()` waits for them too. */
  readonly upgraded: Set<Duplex>;
  port: number;
  url: string;
  closing: Promise<void> | null;

  constructor(options: ResolvedHttpServerOptions) {
    this.options = options;
    this.http = createServer({
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.headersTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default), which would make them
      // up to 30 s late; once a second costs nothing on a port with a handful of clients.
      connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
    });
    this.upgraded = new Set();
    this.port = options.port;
    this.url = '';
    this.closing = null;
    this.http.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res));
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  listen(): Promise<void> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.http.off('listening', onListening);
        this.http.close(() => undefined);
        reject(new TickflowError('IO_UNAVAILABLE', `HTTP server cannot listen on ${hostPart(host)}:${port}: ${error.code ?? error.message}`, { host, port }, { cause: error }));
      };
      const onListening = (): void => {
        this.http.off('error', onError);
        // After binding, a server error (accept failing for lack of file descriptors) is reported,
        // not thrown: an unhandled 'error' event would end the process.
        this.http.on('error', (error) => this.report(error, '(server)'));
        this.port = (this.http.address() as AddressInfo).port;
        this.url = `http://${hostPart(host)}:${this.port}`;
        resolve();
      };
      this.http.once('error', onError);
      this.http.once('listening', onListening);
      this.http.listen(port, host);
    });
  }

  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = new Promise((resolve) => {
      const cut = setTimeout(() => {
        this.http.closeAllConnections();
        for (const socket of this.upgraded) socket.destroy();
      }, this.options.closeGraceMs);
      this.http.close(() => {
        clearTimeout(cut);
        resolve();
      });
      // Node 19+ also does this inside close(); said here so the behaviour does not rest on it.
      this.http.closeIdleConnections();
    });
    return this.closing;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const path = pathOf(req.url);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      sendJson(res, 405, { error: 'method_not_allowed', message: `${String(req.method)} is not allowed on ${path}; use GET or HEAD` });
      return;
    }
    this.route(path, req, res).catch((error: unknown) => this.failed(error, path, res));
  }

  /** Answers one GET or HEAD. Async so that a synchronous throw and a rejection end the same way. */
  private async route(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const routes = this.options.routes;
    switch (path) {
      case HTTP_PATHS.health:
        sendJson(res, 200, routes.health());
        return;
      case HTTP_PATHS.ready: {
        const report = await routes.ready();
        const ready = isReady(report);
        sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks: report.checks });
        return;
      }
      case HTTP_PATHS.metrics: {
        const exposition = await routes.metrics();
        send(res, 200, exposition.contentType, exposition.body);
        return;
      }
    }
    if (this.options.dashboard?.(req, res) === true) return;
    sendJson(res, 404, { error: 'not_found', message: `no route for ${path}` });
  }

  /** A route failed: a 500 if nothing was sent yet, else the response is cut (its length would lie). */
  private failed(error: unknown, path: string, res: ServerResponse): void {
    this.report(error, path);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    sendJson(res, 500, { error: 'internal', message, ...(isTickflowError(error) ? { code: error.code } : {}) });
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = pathOf(req.url);
    const upgrade = this.options.upgrade;
    if (path !== HTTP_PATHS.upgrade || upgrade === undefined || req.method !== 'GET') {
      refuseUpgrade(socket, 404, 'Not Found', { error: 'not_found', message: `no upgrade on ${path}` });
      return;
    }
    if (this.closing !== null) {
      refuseUpgrade(socket, 503, 'Service Unavailable', { error: 'closing', message: 'server shutting down' });
      return;
    }
    this.upgraded.add(socket);
    socket.once('close', () => this.upgraded.delete(socket));
    try {
      upgrade(req, socket, head);
    } catch (error) {
      this.report(error, path);
      socket.destroy();
    }
  }

  private report(error: unknown, path: string): void {
    try {
      this.options.onError?.(error, path);
    } catch {
      // The logger's own failure must not turn a 500 into a crash.
    }
  }
}

/** The path of a request target, without its query string. */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/** Sends a whole response with its length; health answers are never cached by a proxy. */
function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(body);
}

/** Answers an upgrade with a plain HTTP error, then destroys the socket once the answer is written. */
function refuseUpgrade(socket: Duplex, status: number, reason: string, body: unknown): void {
  const text = JSON.stringify(body);
  // A client that resets first would otherwise raise an unhandled 'error' on a socket nobody owns.
  socket.on('error', () => undefined);
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

function hostPart(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
