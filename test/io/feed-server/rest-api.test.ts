/**
 * The feed server's REST side: the depth snapshot at a frozen replay instant equals a book rebuilt
 * here independently from the raw capture lines up to that instant (JSON.parse and string-keyed
 * maps, Binance's documented procedure written out again), for spot and USD-M; the book ticker;
 * Binance's errors; and the 429 / 418 faults with `Retry-After`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedServer } from '../../../src/io/feed-server/feed-server.js';
import { dataPath } from '../../support/data.js';
import { readCapture, sleep, tempDir, writeCapture, type CaptureLine, feedRig } from './feed-test-client.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const usdmPath = dataPath('binance-usdm/btcusdt_20240808.gz');
const haveData = spotPath !== undefined && usdmPath !== undefined;

const { server } = feedRig();
const tmp = tempDir();
let spot: CaptureLine[] = [];
let usdm: CaptureLine[] = [];

afterAll(() => tmp.remove());


async function get(s: FeedServer, path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${s.restUrl}${path}`, init);
  return { status: res.status, body: await res.json(), headers: res.headers };
}

type Levels = [string, string][];

/** Binance's book procedure over the raw lines, keyed by the venue's price text. */
function referenceBook(lines: readonly CaptureLine[]): { lastUpdateId: number; bids: Levels; asks: Levels } {
  const bids = new Map<string, string>();
  const asks = new Map<string, string>();
  let id = -1;
  let synced = false;
  const pending: Record<string, any>[] = [];
  const apply = (d: Record<string, any>): void => {
    if (d['pu'] === undefined) {
      if (d['u'] <= id) return;
      if (synced ? d['U'] !== id + 1 : d['U'] > id + 1) throw new Error(`spot gap at ${d['U']}`);
    } else {
      if (synced ? d['u'] <= id : d['u'] < id) return;
      if (synced ? d['pu'] !== id : d['U'] > id) throw new Error(`usdm gap at ${d['U']}`);
    }
    for (const [p, q] of d['b'] as Levels) Number(q) === 0 ? bids.delete(p) : bids.set(p, q);
    for (const [p, q] of d['a'] as Levels) Number(q) === 0 ? asks.delete(p) : asks.set(p, q);
    id = d['u'];
    synced = true;
  };
  for (const line of lines) {
    const outer = JSON.parse(line.json) as Record<string, any>;
    const m = (outer['data'] ?? outer) as Record<string, any>;
    if (typeof m['lastUpdateId'] === 'number') {
      for (const [p, q] of m['bids'] as Levels) bids.set(p, q);
      for (const [p, q] of m['asks'] as Levels) asks.set(p, q);
      id = m['lastUpdateId'];
      for (const d of pending.splice(0)) apply(d);
    } else if (m['e'] === 'depthUpdate') {
      if (id < 0) pending.push(m);
      else apply(m);
    }
  }
  const sorted = (map: Map<string, string>, descending: boolean): Levels => [...map].sort((x, y) => (descending ? Number(y[0]) - Number(x[0]) : Number(x[0]) - Number(y[0])));
  return { lastUpdateId: id, bids: sorted(bids, true), asks: sorted(asks, false) };
}

/** The latest bookTicker message among the lines. */
function latestTicker(lines: readonly CaptureLine[]): Record<string, any> {
  const line = lines.filter((l) => l.json.startsWith('{"stream":"btcusdt@bookTicker"')).at(-1)!;
  return JSON.parse(line.json)['data'] as Record<string, any>;
}

describe.skipIf(!haveData)('REST depth and book ticker (real captures)', () => {
  beforeAll(() => {
    spot = readCapture(spotPath!).slice(0, 8000);
    usdm = readCapture(usdmPath!).slice(0, 8000);
  });

  it('answers spot depth as of the frozen replay instant, equal to the book rebuilt from the raw lines', async () => {
    const s = await server({ data: [writeCapture(tmp.path, 'spot.gz', spot)], speed: 20 });
    // Before the replay starts: the capture's own snapshot (it lies 200 ms in), as Binance's procedure expects.
    const start = await get(s, '/api/v3/depth?symbol=BTCUSDT&limit=1000');
    const snapshot = JSON.parse(spot.find((l) => l.json.startsWith('{"lastUpdateId"'))!.json) as { lastUpdateId: number; bids: Levels; asks: Levels };
    expect(start.body).toEqual(snapshot);

    s.resume();
    await sleep(400);
    s.pause();
    const events = s.stats.replay.events;
    expect(events).toBeGreaterThan(500);
    const depth = await get(s, '/api/v3/depth?symbol=BTCUSDT&limit=5000');
    expect(depth.status).toBe(200);
    expect(depth.headers.get('content-type')).toContain('application/json');
    const reference = referenceBook(spot.slice(0, events));
    expect(depth.body.lastUpdateId).toBe(reference.lastUpdateId);
    expect(depth.body.bids).toEqual(reference.bids.slice(0, 5000));
    expect(depth.body.asks).toEqual(reference.asks.slice(0, 5000));
    expect(Object.keys(depth.body)).toEqual(['lastUpdateId', 'bids', 'asks']);
    const top = await get(s, '/api/v3/depth?symbol=BTCUSDT&limit=5');
    expect(top.body.bids).toEqual(reference.bids.slice(0, 5));
    expect((await get(s, '/api/v3/depth?symbol=BTCUSDT')).body.asks).toHaveLength(100); // the default limit

    const ticker = latestTicker(spot.slice(0, events));
    expect((await get(s, '/api/v3/ticker/bookTicker?symbol=BTCUSDT')).body).toEqual({ symbol: 'BTCUSDT', bidPrice: ticker['b'], bidQty: ticker['B'], askPrice: ticker['a'], askQty: ticker['A'] });
    expect((await get(s, '/api/v3/ticker/bookTicker')).body).toEqual([{ symbol: 'BTCUSDT', bidPrice: ticker['b'], bidQty: ticker['B'], askPrice: ticker['a'], askQty: ticker['A'] }]);
  });

  it('answers USD-M depth on /fapi/v1 with E and T, equal to the book rebuilt with pu chaining', async () => {
    const s = await server({ data: [writeCapture(tmp.path, 'usdm.gz', usdm)], speed: 20 });
    s.resume();
    await sleep(400);
    s.pause();
    const events = s.stats.replay.events;
    const depth = await get(s, '/fapi/v1/depth?symbol=BTCUSDT&limit=1000');
    const reference = referenceBook(usdm.slice(0, events));
    expect(Object.keys(depth.body)).toEqual(['lastUpdateId', 'E', 'T', 'bids', 'asks']);
    expect(depth.body.lastUpdateId).toBe(reference.lastUpdateId);
    expect(depth.body.bids).toEqual(reference.bids.slice(0, 1000));
    expect(depth.body.asks).toEqual(reference.asks.slice(0, 1000));
    expect(depth.body.E).toBeGreaterThanOrEqual(depth.body.T);
    expect((await get(s, '/fapi/v1/depth?symbol=BTCUSDT&limit=7')).body).toEqual({ code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
    expect((await get(s, '/api/v3/depth?symbol=BTCUSDT')).status).toBe(404); // a futures server has no spot paths

    const ticker = latestTicker(usdm.slice(0, events));
    expect((await get(s, '/fapi/v1/ticker/bookTicker?symbol=BTCUSDT')).body).toEqual({
      symbol: 'BTCUSDT',
      bidPrice: ticker['b'],
      bidQty: ticker['B'],
      askPrice: ticker['a'],
      askQty: ticker['A'],
      time: ticker['T'],
      lastUpdateId: ticker['u'],
    });
  });
});

describe('REST errors and faults', () => {
  const simulated = { simulated: { records: 2000 } } as const;

  it.each([
    ['/api/v3/depth', 400, { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." }],
    ['/api/v3/depth?symbol=simusdt', 400, { code: -1100, msg: "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'." }],
    ['/api/v3/depth?symbol=ETHUSDT', 400, { code: -1121, msg: 'Invalid symbol.' }],
    ['/api/v3/ticker/bookTicker?symbol=ETHUSDT', 400, { code: -1121, msg: 'Invalid symbol.' }],
    ['/api/v3/depth?symbol=SIMUSDT&limit=ten', 400, { code: -1100, msg: "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'." }],
    ['/api/v3/depth?symbol=SIMUSDT&limit=0', 400, { code: -1130, msg: "Data sent for parameter 'limit' is not valid." }],
    ['/api/v3/klines?symbol=SIMUSDT', 404, { code: -1000 }],
    ['/fapi/v1/depth?symbol=SIMUSDT', 404, { code: -1000 }],
  ])('answers %s with %i and Binance JSON', async (path, status, body) => {
    const s = await server(simulated);
    const answer = await get(s, path);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject(body);
  });

  it('answers other methods with 405, and ping and time', async () => {
    const s = await server(simulated);
    expect((await get(s, '/api/v3/depth?symbol=SIMUSDT', { method: 'POST' })).status).toBe(405);
    expect((await get(s, '/api/v3/ping')).body).toEqual({});
    // The replay clock: paused at the first record, a fraction of a second after the simulated start.
    const time = (await get(s, '/api/v3/time')).body.serverTime as number;
    expect(time - Date.UTC(2024, 0, 1)).toBeGreaterThan(0);
    expect(time - Date.UTC(2024, 0, 1)).toBeLessThan(300);
    await sleep(20);
    expect((await get(s, '/api/v3/time')).body.serverTime).toBe(time);
  });

  it('answers 429 with Retry-After during an http429 fault, and 200 outside it', async () => {
    const s = await server({ ...simulated, faults: 'http429=5s@0s', speed: 1 });
    const limited = await get(s, '/api/v3/depth?symbol=SIMUSDT&limit=5');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(limited.body.code).toBe(-1003);
    expect((await get(s, '/api/v3/ticker/bookTicker?symbol=SIMUSDT')).status).toBe(429);
    expect(s.stats.faults.http429).toBe(2);

    const later = await server({ ...simulated, faults: 'http429=10s@1m' });
    expect((await get(later, '/api/v3/depth?symbol=SIMUSDT&limit=5')).status).toBe(200);
    expect(later.stats.faults.total).toBe(0);
  });

  it('answers 418 with Retry-After in wall time (the replay time over the speed), until the window ends', async () => {
    const s = await server({ ...simulated, faults: 'http418=4s@0s', speed: 20 });
    const banned = await get(s, '/api/v3/depth?symbol=SIMUSDT');
    expect(banned.status).toBe(418);
    expect(banned.headers.get('retry-after')).toBe('1'); // 4 s of replay at speed 20: 0.2 s, rounded up
    expect(banned.body.msg).toContain('IP banned until');
    s.resume();
    await sleep(300);
    expect((await get(s, '/api/v3/depth?symbol=SIMUSDT')).status).toBe(200);
    expect(s.stats.faults.http418).toBe(1);
  });
});
