import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createTcpProxy, type TcpProxy } from '../../../src/io/net/tcp-proxy.js';
import type { RedisSink } from '../../../src/io/redis/redis-sink.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import type { WalEntry } from '../../../src/model/wal-entry.js';
import { redisUrl } from '../../support/services.js';
import { redisRig, TEST_TIMEOUT_MS } from './redis-rig.js';
import { mixed } from './wal-fixtures.js';

const url = await redisUrl();
const TIMEOUT_MS = TEST_TIMEOUT_MS;
// Scheduling slack on top of a timeout: a loaded CI machine, never a second timeout.
const SLACK_MS = 400;

/** `url` pointed at `host:port`, keeping credentials and database. */
function via(host: string, port: number): string {
  const u = new URL(url!);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}

/**
 * A proxy that forwards everything until a client sends `EXEC`, then swallows every reply on that
 * connection: the transaction reaches Redis and commits, its answer never comes back (the
 * ambiguous failure a command timeout leaves).
 */
// The RESP frame of the EXEC command (ioredis sends command names in lower case).
const EXEC_FRAME = /\$4\r\nexec\r\n/i;

async function replyEatingProxy(target: URL): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    let eating = false;
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (EXEC_FRAME.test(chunk.toString('latin1'))) eating = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!eating) client.write(chunk);
    });
    upstream.connect(Number(target.port || 6379), target.hostname);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: via('127.0.0.1', port),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(url === undefined)('createRedisSink through an outage', () => {
  const rig = redisRig(url!);
  const sink = (target: string, prefix: string): RedisSink => rig.sink({ url: target, prefix });

  async function proxy(): Promise<TcpProxy> {
    const target = new URL(url!);
    const p = await createTcpProxy({ target: { host: target.hostname, port: Number(target.port || 6379) } });
    rig.defer(() => p.close());
    return p;
  }

  /** Every key under `prefix` with its value, the prefix cut off. */
  async function dump(prefix: string): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const key of (await rig.admin.keys(`${prefix}*`)).sort()) {
      out[key.slice(prefix.length)] = (await rig.admin.type(key)) === 'hash' ? await rig.admin.hgetall(key) : await rig.admin.get(key);
    }
    return out;
  }

  /** The keys `entries` give when applied in one go, on a prefix of their own. */
  async function reference(entries: WalEntry[]): Promise<Record<string, unknown>> {
    const p = rig.prefix();
    const s = sink(url!, p);
    await s.open();
    await s.apply(entries);
    return dump(p);
  }

  async function timed(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
    const t0 = performance.now();
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, ms: performance.now() - t0 };
  }

  it('rejects fast while cut, and after restore catches up from the cursor with nothing lost', async () => {
    const prefix = rig.prefix();
    const entries = mixed(1, 30);
    const p = await proxy();
    const s = sink(via(p.host, p.port), prefix);
    expect(await s.open()).toBe(0);
    await s.apply(entries.slice(0, 10));

    p.cut();
    const applying = await timed(s.apply(entries.slice(10, 20)));
    expect(isTickflowError(applying.error, 'IO_UNAVAILABLE')).toBe(true);
    expect(applying.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    const opening = await timed(s.open());
    expect(isTickflowError(opening.error, 'IO_UNAVAILABLE')).toBe(true);
    expect(opening.ms).toBeLessThan(2 * TIMEOUT_MS + SLACK_MS);
    expect(await rig.admin.get(`${prefix}cursor`)).toBe('10');
    // A failed open leaves the sink closed: nothing is sent until the next open succeeds.
    expect(isTickflowError(await timed(s.apply(entries.slice(10, 20))).then((r) => r.error), 'IO_UNAVAILABLE')).toBe(true);

    p.restore();
    // What the projection writer does: reopen, read from the cursor, apply the rest.
    const cursor = await s.open();
    expect(cursor).toBe(10);
    await s.apply(entries.slice(cursor, 20));
    await s.apply(entries.slice(20));
    expect(await dump(prefix)).toEqual(await reference(entries));
    expect(await rig.admin.get(`${prefix}cursor`)).toBe('30');
  });

  it('rejects within the command timeout when the EXEC reply is lost, and the reopened cursor tells the truth', async () => {
    const prefix = rig.prefix();
    const entries = mixed(1, 12);
    const eating = await replyEatingProxy(new URL(url!));
    rig.defer(() => eating.close());
    const s = sink(eating.url, prefix);
    await s.open();

    const applying = await timed(s.apply(entries.slice(0, 8)));
    expect(isTickflowError(applying.error, 'IO_UNAVAILABLE')).toBe(true);
    expect(applying.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(applying.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);

    // The transaction did commit: state and cursor together, so the writer resumes after it.
    expect(await s.open()).toBe(8);
    const direct = sink(url!, prefix);
    const cursor = await direct.open();
    expect(cursor).toBe(8);
    await direct.apply(entries.slice(cursor));
    expect(await dump(prefix)).toEqual(await reference(entries));
  });

  it('rejects open within its deadline when the server accepts and never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    rig.defer(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    // Sockets the silent server holds would keep close() waiting: drop them with it.
    silent.on('connection', (socket) => rig.defer(async () => void socket.destroy()));
    const s = sink(via('127.0.0.1', (silent.address() as AddressInfo).port), rig.prefix());

    const opening = await timed(s.open());
    expect(isTickflowError(opening.error, 'IO_UNAVAILABLE')).toBe(true);
    expect(opening.ms).toBeLessThan(2 * TIMEOUT_MS + SLACK_MS);
  });
});
