/**
 * The feed server's streams against the real captures over loopback: exactly the capture's frames,
 * in order, for the streams subscribed (combined and raw, USD-M's `@depth` alias), several files
 * merged on one timeline, one replay instant for every client, the end of the data (1000) and
 * `loop`, and the bounds on what the server buffers for a client that does not read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../../support/data.js';
import { dataOf, readCapture, sleep, streamOf, tempDir, waitUntil, writeCapture, type CaptureLine, feedRig } from './feed-test-client.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const spot09Path = dataPath('binance-spot/btcusdt_20240809.gz');
const ethPath = dataPath('binance-spot/ethusdt_20240808.gz');
const usdmPath = dataPath('binance-usdm/btcusdt_20240808.gz');
const haveData = spotPath !== undefined && spot09Path !== undefined && ethPath !== undefined && usdmPath !== undefined;

const { server, client } = feedRig();
const tmp = tempDir();
let spot: CaptureLine[] = [];

afterAll(() => tmp.remove());



const ALL_SPOT = 'btcusdt@trade/btcusdt@bookTicker/btcusdt@depth@100ms';

describe.skipIf(!haveData)('feed server streams (real captures)', () => {
  beforeAll(() => {
    spot = readCapture(spotPath!);
  });

  it('sends exactly the capture frames, in order, to combined and raw subscribers, then closes with 1000', async () => {
    const s = await server({ data: [spotPath!], speed: 'max' });
    const combined = await client(`${s.url}/stream?streams=${ALL_SPOT}`);
    const raw = await client(`${s.url}/ws/btcusdt@trade`);
    s.resume();
    const [a, b] = await Promise.all([combined.closedWithin(), raw.closedWithin()]);
    expect(a.code).toBe(1000);
    expect(b.code).toBe(1000);
    const enveloped = spot.filter((l) => streamOf(l) !== '');
    expect(enveloped.length).toBe(spot.length - 1); // all but the REST snapshot line
    expect(combined.frames.length).toBe(enveloped.length);
    expect(combined.frames).toEqual(enveloped.map((l) => l.json));
    expect(raw.frames).toEqual(spot.filter((l) => streamOf(l) === 'btcusdt@trade').map(dataOf));
    expect(s.stats.closes.endOfData).toBe(2);
    // A connection made after the end is told so at once.
    const late = await client(`${s.url}/ws/btcusdt@trade`);
    expect((await late.closedWithin()).code).toBe(1000);
  });

  it('serves USD-M depth diffs under @depth@0ms and the @depth alias, with pu', async () => {
    const usdm = readCapture(usdmPath!).slice(0, 3000);
    const s = await server({ data: [writeCapture(tmp.path, 'usdm.gz', usdm)], speed: 'max' });
    expect(s.market).toBe('usdm');
    const c = await client(`${s.url}/stream?streams=btcusdt@depth/btcusdt@depth@0ms`);
    s.resume();
    await c.closedWithin();
    const depth = usdm.filter((l) => streamOf(l) === 'btcusdt@depth@0ms');
    const frames = c.json();
    expect(frames.length).toBe(2 * depth.length);
    // Each diff goes out once per name, in subscription order, each envelope naming the stream asked for.
    expect(frames.filter((f) => f['stream'] === 'btcusdt@depth').map((f) => JSON.stringify(f['data']))).toEqual(depth.map((l) => JSON.stringify(JSON.parse(dataOf(l)))));
    expect(c.frames.filter((f) => f.startsWith('{"stream":"btcusdt@depth@0ms"'))).toEqual(depth.map((l) => l.json));
    expect(frames.every((f) => typeof f['data']['pu'] === 'number')).toBe(true);
  });

  it('merges several captures by receive time, and a day boundary continues one sequence', async () => {
    const eth = readCapture(ethPath!).slice(0, 2000);
    const btc = spot.slice(0, 2000);
    const s = await server({ data: [writeCapture(tmp.path, 'btc.gz', btc), writeCapture(tmp.path, 'eth.gz', eth)], speed: 'max' });
    const c = await client(`${s.url}/stream?streams=btcusdt@trade/ethusdt@trade/ethusdt@bookTicker`);
    s.resume();
    await c.closedWithin();
    const wanted = new Set(['btcusdt@trade', 'ethusdt@trade', 'ethusdt@bookTicker']);
    const lines = [...btc.map((l, i) => ({ l, i, f: 0 })), ...eth.map((l, i) => ({ l, i, f: 1 }))]
      .filter(({ l }) => wanted.has(streamOf(l)))
      .sort((x, y) => (BigInt(x.l.ns) < BigInt(y.l.ns) ? -1 : BigInt(x.l.ns) > BigInt(y.l.ns) ? 1 : x.f - y.f || x.i - y.i));
    expect(c.frames).toEqual(lines.map(({ l }) => l.json));

    // The last minutes of the 8th and the first of the 9th: ids run on without a gap.
    const tail = spot.slice(-1500);
    const head = readCapture(spot09Path!).slice(0, 1500);
    const days = await server({ data: [writeCapture(tmp.path, '08.gz', tail), writeCapture(tmp.path, '09.gz', head)], speed: 'max' });
    const d = await client(`${days.url}/stream?streams=btcusdt@trade/btcusdt@depth@100ms`);
    days.resume();
    await d.closedWithin();
    const trades = d.json().filter((f) => f['stream'] === 'btcusdt@trade').map((f) => f['data']['t'] as number);
    const diffs = d.json().filter((f) => f['stream'] === 'btcusdt@depth@100ms').map((f) => f['data'] as { U: number; u: number });
    expect(trades.every((t, i) => i === 0 || t === trades[i - 1]! + 1)).toBe(true);
    expect(diffs.every((x, i) => i === 0 || x.U === diffs[i - 1]!.u + 1)).toBe(true);
    expect(trades.length).toBe(tail.concat(head).filter((l) => streamOf(l) === 'btcusdt@trade').length);
  });

  it('shows every client the same replay instant', async () => {
    const s = await server({ data: [writeCapture(tmp.path, 'instant.gz', spot.slice(0, 6000))], speed: 20, paused: false });
    const first = await client(`${s.url}/ws/btcusdt@bookTicker`);
    await waitUntil(() => first.frames.length >= 50, 3000, '50 quotes');
    const second = await client(`${s.url}/ws/btcusdt@bookTicker`);
    await waitUntil(() => second.frames.length >= 50, 3000, '50 quotes on the second client');
    s.pause();
    // Frames already sent land on both clients; then both end at the same frame.
    await waitUntil(() => first.frames.at(-1) === second.frames.at(-1), 2000, 'both clients at the same frame');
    // The later client joins the same stream where it stands, not from the start of the recording.
    const joinedAt = first.frames.indexOf(second.frames[0]!);
    expect(joinedAt).toBeGreaterThan(0);
    expect(second.frames).toEqual(first.frames.slice(joinedAt));
    expect(second.frames.at(-1)).toBe(first.frames.at(-1));
  });

  it('starts over at the end of the data with loop, connections staying open', async () => {
    const cut = spot.slice(0, 800);
    const s = await server({ data: [writeCapture(tmp.path, 'loop.gz', cut)], speed: 'max', loop: true });
    const c = await client(`${s.url}/ws/btcusdt@trade`);
    s.resume();
    const trades = cut.filter((l) => streamOf(l) === 'btcusdt@trade').map(dataOf);
    await waitUntil(() => c.frames.length >= 2 * trades.length + 5, 5000, 'two passes');
    expect(c.frames.slice(0, 2 * trades.length)).toEqual([...trades, ...trades]);
    expect(c.closed).toBeNull();
    expect(s.stats.replay.passes).toBeGreaterThanOrEqual(3);
    expect(s.stats.closes.endOfData).toBe(0);
  });

  it('with speed max, waits for a client that does not read, buffering no more than its bound, and loses nothing', async () => {
    const bound = 64 * 1024;
    const s = await server({ data: [spotPath!], speed: 'max', maxSpeedBufferBytes: bound });
    const c = await client(`${s.url}/stream?streams=${ALL_SPOT}`);
    c.ws.pause(); // reads nothing: the kernel's buffers fill, then the server's
    s.resume();
    await waitUntil(() => s.stats.peakBufferedBytes > bound, 5000, 'the server buffer to reach its bound');
    await sleep(200);
    const stalledAt = s.stats.replay.events;
    await sleep(200);
    expect(s.stats.replay.events).toBe(stalledAt); // the replay waits for the reader
    expect(s.stats.replay.ended).toBe(false);
    const largest = Math.max(...spot.map((l) => l.json.length));
    expect(s.stats.peakBufferedBytes).toBeLessThanOrEqual(bound + largest);
    c.ws.resume();
    expect((await c.closedWithin()).code).toBe(1000);
    expect(c.frames.length).toBe(spot.length - 1);
  });

  it('with a speed factor, closes a client that falls too far behind with 1008', async () => {
    const bound = 64 * 1024;
    const s = await server({ data: [spotPath!], speed: 300, maxBufferedBytes: bound });
    const c = await client(`${s.url}/stream?streams=${ALL_SPOT}`);
    const reader = await client(`${s.url}/ws/btcusdt@trade`);
    c.ws.pause();
    s.resume();
    await waitUntil(() => s.stats.closes.slowConsumer > 0, 5000, 'the slow consumer to be closed');
    const largest = Math.max(...spot.map((l) => l.json.length));
    expect(s.stats.peakBufferedBytes).toBeLessThanOrEqual(bound + largest);
    c.ws.resume();
    const closed = await c.closedWithin();
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain('slow consumer');
    // What it got before the close is the capture's start, in order; the rest never left the server.
    const enveloped = spot.filter((l) => streamOf(l) !== '').map((l) => l.json);
    expect(c.frames.length).toBeLessThan(enveloped.length);
    expect(c.frames).toEqual(enveloped.slice(0, c.frames.length));
    // The replay went on for the clients that keep up.
    expect((await reader.closedWithin()).code).toBe(1000);
  });
});

describe('feed server streams (simulated market)', () => {
  it('serves the simulated market as Binance spot frames whose depth diffs chain', async () => {
    const s = await server({ simulated: { records: 3000, seed: 7 }, speed: 'max' });
    expect(s.market).toBe('spot');
    const c = await client(`${s.url}/stream?streams=simusdt@trade/simusdt@bookTicker/simusdt@depth@100ms`);
    s.resume();
    expect((await c.closedWithin()).code).toBe(1000);
    const frames = c.json();
    const diffs = frames.filter((f) => f['stream'] === 'simusdt@depth@100ms').map((f) => f['data'] as { U: number; u: number });
    const tickers = frames.filter((f) => f['stream'] === 'simusdt@bookTicker');
    const trades = frames.filter((f) => f['stream'] === 'simusdt@trade');
    expect(diffs.length).toBe(tickers.length);
    expect(diffs.length + trades.length).toBe(3000);
    expect(diffs.every((d, i) => d.U === i + 1 && d.u === i + 1)).toBe(true);
    expect(trades.every((t) => t['data']['e'] === 'trade' && /^\d+\.\d{8}$/.test(t['data']['p']))).toBe(true);
  });
});
