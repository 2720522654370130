import { Agent, request, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ReadinessCheck } from '../../../src/io/http/health-report.js';
import { createHttpServer, type HttpServer } from '../../../src/io/http/http-server.js';
import type { HttpRoutes, HttpServerOptions } from '../../../src/io/http/http-server-options.js';
import { isTickflowError } from '../../../src/runtime/errors.js';

const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const METRICS_BODY = '# HELP tickflow_up Up.\n# TYPE tickflow_up gauge\ntickflow_up 1\n';

const open: HttpServer[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function routes(overrides: Partial<HttpRoutes> = {}): HttpRoutes {
  return {
    health: () => ({ status: 'ok' }),
    ready: () => ({ checks: [{ name: 'feeds', ok: true, detail: 'connected' }] }),
    metrics: async () => ({ contentType: METRICS_TYPE, body: METRICS_BODY }),
    ...overrides,
  };
}

async function start(options: Partial<HttpServerOptions> = {}): Promise<HttpServer> {
  const server = await createHttpServer({ port: 0, routes: routes(), ...options });
  open.push(server);
  return server;
}

/** Sends raw bytes and collects everything until the server closes the connection. */
function raw(server: HttpServer, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => socket.write(text));
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('createHttpServer', () => {
  it('answers liveness with {"status":"ok"}, uncached, on loopback by default', async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('{"status":"ok"}');
    expect((await fetch(`${server.url}/healthz?probe=1`)).status).toBe(200);
  });

  it('answers readiness 503 with every check until they all pass, then 200', async () => {
    const checks: ReadinessCheck[] = [
      { name: 'feeds', ok: true, detail: 'binance connected' },
      { name: 'store', ok: false, detail: 'restoring positions' },
    ];
    const server = await start({ routes: routes({ ready: async () => ({ checks: [...checks] }) }) });
    const before = await fetch(`${server.url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ status: 'not_ready', checks });
    checks[1] = { name: 'store', ok: true, detail: 'restored 3 positions' };
    const after = await fetch(`${server.url}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({ status: 'ready', checks });
  });

  it('serves the metrics text with its own content type', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(METRICS_TYPE);
    expect(await res.text()).toBe(METRICS_BODY);
  });

  it('answers HEAD like GET without a body', async () => {
    const server = await start({ routes: routes({ ready: () => ({ checks: [{ name: 'x', ok: false, detail: 'no' }] }) }) });
    const head = await fetch(`${server.url}/metrics`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(METRICS_BODY)));
    expect(await head.text()).toBe('');
    expect((await fetch(`${server.url}/readyz`, { method: 'HEAD' })).status).toBe(503);
  });

  it('answers unknown paths 404 and other methods 405 with Allow', async () => {
    const server = await start();
    const missing = await fetch(`${server.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    for (const [method, path] of [['POST', '/healthz'], ['DELETE', '/nope'], ['PUT', '/metrics']] as const) {
      const res = await fetch(`${server.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect(await res.json()).toMatchObject({ error: 'method_not_allowed' });
    }
  });

  it('gives a throwing or rejecting route a 500 with its message and keeps serving', async () => {
    const errors: string[] = [];
    const server = await start({
      routes: routes({
        ready: () => {
          throw new Error('check crashed');
        },
        metrics: () => Promise.reject(new Error('registry broke')),
      }),
      onError: (error, path) => errors.push(`${path}: ${(error as Error).message}`),
    });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(500);
    expect(await ready.json()).toEqual({ error: 'internal', message: 'check crashed' });
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(500);
    expect(await metrics.json()).toMatchObject({ message: 'registry broke' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(errors).toEqual(['/readyz: check crashed', '/metrics: registry broke']);
  });

  it('hands other GETs to the dashboard, 404 when it declines, 500 when it throws', async () => {
    const server = await start({
      dashboard: (req, res) => {
        if (req.url === '/boom') throw new Error('template missing');
        if (req.url !== '/') return false;
        res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>tickflow</h1>');
        return true;
      },
    });
    expect(await (await fetch(`${server.url}/`)).text()).toBe('<h1>tickflow</h1>');
    expect((await fetch(`${server.url}/app.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/boom`)).status).toBe(500);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('passes GET /ws upgrades to the upgrade hook', async () => {
    const wss = new WebSocketServer({ noServer: true });
    const server = await start({ upgrade: (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.send('hello')) });
    const client = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    const message = await new Promise<string>((resolve, reject) => {
      client.on('message', (data: Buffer) => resolve(data.toString()));
      client.on('error', reject);
    });
    expect(message).toBe('hello');
    client.close();
    wss.close();
  });

  it('answers upgrades on other paths, or without a hook, 404 and destroys the socket', async () => {
    let called = 0;
    const server = await start({ upgrade: () => called++ });
    const upgrade = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    const answer = await raw(server, upgrade('/stream'));
    expect(answer).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(answer).toContain('"error":"not_found"');
    expect(called).toBe(0);
    const status = await new Promise<number>((resolve) => {
      new WebSocket(`ws://127.0.0.1:${server.port}/other`).on('unexpected-response', (_req, res: IncomingMessage) => resolve(res.statusCode ?? 0)).on('error', () => undefined);
    });
    expect(status).toBe(404);
    const bare = await start();
    expect(await raw(bare, upgrade('/ws'))).toMatch(/^HTTP\/1\.1 404 /);
  });

  it('rejects with IO_UNAVAILABLE naming host:port when the port is taken', async () => {
    const first = await start();
    const error: unknown = await createHttpServer({ port: first.port, routes: routes() }).then(
      () => 'bound',
      (e: unknown) => e,
    );
    expect(isTickflowError(error, 'IO_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain(`127.0.0.1:${first.port}`);
    expect((error as Error).message).toContain('EADDRINUSE');
  });

  it('rejects invalid options with CONFIG_INVALID', async () => {
    for (const options of [{ port: -1 }, { port: 0, requestTimeoutMs: 1_000, headersTimeoutMs: 2_000 }, { port: 0, keepAliveTimeoutMs: 0 }]) {
      const error = await createHttpServer({ routes: routes(), ...options }).catch((e: unknown) => e);
      expect(isTickflowError(error, 'CONFIG_INVALID'), JSON.stringify(options)).toBe(true);
    }
  });

  it('closes promptly with an idle keep-alive connection open', async () => {
    // Long keep-alive and grace: only closing idle connections at once can make close() prompt.
    const server = await createHttpServer({ port: 0, routes: routes(), keepAliveTimeoutMs: 30_000, closeGraceMs: 30_000 });
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      request(`${server.url}/healthz`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    await server.close(); // idempotent
    agent.destroy();
  });

  it('cuts a request still in flight, and an upgraded socket left open, after the grace', async () => {
    const wss = new WebSocketServer({ noServer: true });
    const server = await createHttpServer({
      port: 0,
      routes: routes({ ready: () => new Promise(() => undefined) }),
      upgrade: (req, socket, head) => wss.handleUpgrade(req, socket, head, () => undefined),
      closeGraceMs: 100,
    });
    const client = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
    await new Promise((resolve, reject) => client.on('open', resolve).on('error', reject));
    const clientClosed = new Promise((resolve) => client.on('close', resolve));
    const hanging = fetch(`${server.url}/readyz`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(await hanging).toBe('cut');
    await clientClosed;
    wss.close();
  });

  it('ends a client that never finishes its headers with a 408 after headersTimeoutMs', async () => {
    const server = await start({ requestTimeoutMs: 300, headersTimeoutMs: 200 });
    const started = performance.now();
    const answer = await raw(server, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});
