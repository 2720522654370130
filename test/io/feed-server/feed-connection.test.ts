/**
 * One connection's protocol, against the simulated market over loopback: requests and their
 * error codes, the incoming message limit, pings and the pong timeout, the maximum connection age
 * with its `serverShutdown` notice, and the stream URL routes. Every timeout is shrunk to
 * milliseconds through the server's options.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createFeedServer, type FeedServer } from '../../../src/io/feed-server/feed-server.js';
import type { FeedServerOptions } from '../../../src/io/feed-server/feed-server-options.js';
import { sleep, TestClient, waitUntil } from './feed-test-client.js';

const servers: FeedServer[] = [];
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: FeedServerOptions = {}): Promise<FeedServer> {
  const s = await createFeedServer({ simulated: { records: 20_000 }, port: 0, speed: 50, paused: true, rateLimit: { messages: 100, windowMs: 1000 }, ...options });
  servers.push(s);
  return s;
}

async function client(url: string, options = {}): Promise<TestClient> {
  const c = await TestClient.open(url, options);
  clients.push(c);
  return c;
}

describe('stream requests', () => {
  it('subscribes, lists, switches to combined envelopes and unsubscribes as Binance answers', async () => {
    const s = await server();
    const c = await client(`${s.url}/ws`);
    expect(await c.request({ method: 'LIST_SUBSCRIPTIONS', id: 1 })).toEqual({ result: [], id: 1 });
    expect(await c.request({ method: 'SUBSCRIBE', params: ['simusdt@trade'], id: 2 })).toEqual({ result: null, id: 2 });
    expect(await c.request({ method: 'LIST_SUBSCRIPTIONS', id: 'list-3' })).toEqual({ result: ['simusdt@trade'], id: 'list-3' });
    expect(await c.request({ method: 'GET_PROPERTY', params: ['combined'], id: 4 })).toEqual({ result: false, id: 4 });
    s.resume();
    await waitUntil(() => c.frames.length >= 20, 3000, '20 trades');
    expect(c.json().every((m) => m['e'] === 'trade' && m['s'] === 'SIMUSDT')).toBe(true);

    expect(await c.request({ method: 'SET_PROPERTY', params: ['combined', true], id: 5 })).toEqual({ result: null, id: 5 });
    expect(await c.request({ method: 'GET_PROPERTY', params: ['combined'], id: 6 })).toEqual({ result: true, id: 6 });
    const from = c.frames.length;
    await waitUntil(() => c.frames.length >= from + 5, 3000, 'enveloped trades');
    const enveloped = c.json().slice(from); // all after the SET_PROPERTY reply
    expect(enveloped.every((m) => m['stream'] === 'simusdt@trade' && m['data']['e'] === 'trade')).toBe(true);

    expect(await c.request({ method: 'UNSUBSCRIBE', params: ['simusdt@trade'], id: 7 })).toEqual({ result: null, id: 7 });
    const after = c.frames.length;
    await sleep(150);
    expect(c.frames.length).toBe(after); // nothing sent after the reply
    expect(await c.request({ method: 'LIST_SUBSCRIPTIONS', id: null })).toEqual({ result: [], id: null });
  });

  it.each([
    ['not JSON', '{"method": "SUBSCRIBE",', 3, 'Invalid JSON: expected value at line 1 column'],
    ['no method', { params: [], id: 1 }, 2, 'missing field `method`'],
    ['an unknown method', { method: 'SUBSCRIBEE', params: [], id: 1 }, 2, 'unknown variant `SUBSCRIBEE`, expected one of `SUBSCRIBE`'],
    ['a fractional id', { method: 'LIST_SUBSCRIPTIONS', id: 1.5 }, 2, 'request ID must be an unsigned integer'],
    ['no id', { method: 'LIST_SUBSCRIPTIONS' }, 2, 'request ID must be an unsigned integer'],
    ['parameters to LIST_SUBSCRIPTIONS', { method: 'LIST_SUBSCRIPTIONS', params: ['x'], id: 1 }, 2, 'too many parameters'],
    ['an invalid stream name', { method: 'SUBSCRIBE', params: ['SIMUSDT trade'], id: 1 }, 2, 'invalid stream name'],
    ['a property name that is not a string', { method: 'SET_PROPERTY', params: [1, true], id: 1 }, 2, 'property name must be a string'],
    ['an unknown property', { method: 'GET_PROPERTY', params: ['compressed'], id: 1 }, 0, 'Unknown property'],
    ['a property value that is not a boolean', { method: 'SET_PROPERTY', params: ['combined', 'yes'], id: 1 }, 1, 'Invalid value type: expected Boolean'],
  ])('answers %s with Binance error code %i', async (_what, message, code, msg) => {
    const s = await server();
    const c = await client(`${s.url}/ws`);
    const reply = await c.request(message as Record<string, unknown> | string);
    expect(reply['error']).toMatchObject({ code });
    expect((reply['error'] as { msg: string }).msg).toContain(msg);
    expect(c.closed).toBeNull(); // a bad request does not close the connection
  });

  it('starts a speed-max replay when the first client subscribes by request, and sends it everything', async () => {
    const s = await server({ simulated: { records: 2000 }, speed: 'max', paused: false });
    const c = await client(`${s.url}/ws`);
    await sleep(50);
    expect(s.stats.replay.events).toBe(0); // no subscription, no reader to pace the replay
    expect(await c.request({ method: 'SUBSCRIBE', params: ['simusdt@trade', 'simusdt@bookTicker'], id: 1 })).toEqual({ result: null, id: 1 });
    expect((await c.closedWithin()).code).toBe(1000);
    expect(c.frames.length).toBe(2000);
  });

  it('refuses more streams than a connection may hold', async () => {
    const s = await server({ maxStreamsPerConnection: 2 });
    const c = await client(`${s.url}/stream?streams=simusdt@trade`);
    const reply = await c.request({ method: 'SUBSCRIBE', params: ['simusdt@bookTicker', 'simusdt@depth@100ms'], id: 9 });
    expect(reply).toEqual({ error: { code: 2, msg: 'Invalid request: too many streams (at most 2 per connection)' }, id: 9 });
  });
});

describe('incoming message limit', () => {
  it('closes a connection that sends more than 5 messages a second, and not one that keeps to 5', async () => {
    const s = await server({ rateLimit: undefined, pingIntervalMs: 60_000 }); // Binance spot: 5 a second
    const greedy = await client(`${s.url}/ws`);
    const polite = await client(`${s.url}/ws`);
    for (let id = 1; id <= 6; id++) greedy.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
    for (let id = 1; id <= 5; id++) polite.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
    const closed = await greedy.closedWithin();
    expect(closed.code).toBe(1008);
    expect(greedy.replies.length).toBe(5);
    await waitUntil(() => polite.replies.length === 5, 2000, 'five replies');
    await sleep(100);
    expect(polite.closed).toBeNull();
    expect(s.stats.closes.rateLimited).toBe(1);
  });

  it('counts within a sliding window, so the same burst after the window has passed is allowed', async () => {
    const s = await server({ rateLimit: { messages: 5, windowMs: 150 } });
    const c = await client(`${s.url}/ws`);
    for (let id = 1; id <= 5; id++) c.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
    await waitUntil(() => c.replies.length === 5, 2000, 'five replies');
    await sleep(200);
    for (let id = 6; id <= 10; id++) c.ws.send(JSON.stringify({ method: 'LIST_SUBSCRIPTIONS', id }));
    await waitUntil(() => c.replies.length === 10, 2000, 'ten replies');
    expect(c.closed).toBeNull();
  });
});

describe('heartbeat and connection age', () => {
  it('pings on its interval and terminates a connection whose pings go unanswered', async () => {
    const s = await server({ pingIntervalMs: 40, pongTimeoutMs: 100 });
    const alive = await client(`${s.url}/ws`);
    const silent = await client(`${s.url}/ws`, { autoPong: false });
    const unsolicited = await client(`${s.url}/ws`, { autoPong: false });
    const timer = setInterval(() => unsolicited.ws.pong('not-an-echo'), 20);
    try {
      const opened = performance.now();
      const closed = await silent.closedWithin();
      expect(closed.code).toBe(1006); // dropped, no close frame
      expect(closed.at - opened).toBeGreaterThanOrEqual(120);
      expect(closed.at - opened).toBeLessThan(1000);
      // On spot only a pong echoing a ping counts: unsolicited pongs do not keep a connection.
      await unsolicited.closedWithin();
      await sleep(150);
      expect(alive.closed).toBeNull();
      expect(alive.pings.length).toBeGreaterThanOrEqual(3);
      expect(s.stats.closes.pongTimeout).toBe(2);
    } finally {
      clearInterval(timer);
    }
  });

  it('accepts unsolicited pongs on USD-M, which documents them as allowed', async () => {
    const s = await server({ pingIntervalMs: 40, pongTimeoutMs: 100, pongMustEcho: false });
    const c = await client(`${s.url}/ws`, { autoPong: false });
    const timer = setInterval(() => c.ws.pong(), 20);
    await sleep(300);
    clearInterval(timer);
    expect(c.closed).toBeNull();
  });

  it('sends serverShutdown before closing a connection at its maximum age', async () => {
    const s = await server({ maxConnectionAgeMs: 300, shutdownNoticeMs: 150 });
    const opened = performance.now();
    const c = await client(`${s.url}/stream?streams=simusdt@trade`);
    const closed = await c.closedWithin();
    expect(closed.code).toBe(1001);
    expect(closed.at - opened).toBeGreaterThanOrEqual(280);
    expect(c.events).toHaveLength(1);
    const { event, at } = c.events[0]!;
    expect(event['e']).toBe('serverShutdown');
    expect(typeof event['E']).toBe('number');
    expect(at - opened).toBeGreaterThanOrEqual(130);
    expect(closed.at - at).toBeGreaterThanOrEqual(100);
    expect(s.stats.closes.maxAge).toBe(1);
  });

  it('sends serverShutdown and 1001 to every connection when the server closes', async () => {
    const s = await server();
    const c = await client(`${s.url}/ws/simusdt@trade`);
    await s.close();
    const closed = await c.closedWithin();
    expect(closed.code).toBe(1001);
    expect(c.events.map((e) => e.event['e'])).toEqual(['serverShutdown']);
  });
});

describe('stream routes', () => {
  it('refuses an unknown path with 404 and a malformed stream name with 400', async () => {
    const s = await server();
    await expect(TestClient.open(`${s.url}/socket`)).rejects.toThrow('HTTP 404');
    await expect(TestClient.open(`${s.url}/stream?streams=SIMUSDT@trade`)).rejects.toThrow('HTTP 400');
    await expect(TestClient.open(`${s.url}/ws/simusdt`)).rejects.toThrow('HTTP 400');
  });

  it('serves a raw stream named in the path', async () => {
    const s = await server({ paused: false });
    const c = await client(`${s.url}/ws/simusdt@bookTicker`);
    await waitUntil(() => c.frames.length >= 10, 3000, 'ten quotes');
    expect(c.json().every((m) => typeof m['u'] === 'number' && m['s'] === 'SIMUSDT' && 'b' in m && 'A' in m)).toBe(true);
    expect(await c.request({ method: 'LIST_SUBSCRIPTIONS', id: 1 })).toEqual({ result: ['simusdt@bookTicker'], id: 1 });
  });
});
