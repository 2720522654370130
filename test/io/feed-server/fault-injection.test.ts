/**
 * Each fault kind as a client sees it over loopback: skipped trades and depth diffs make exactly
 * the gaps asked for (per symbol, the server's own book untouched), garbage spoils the seeded
 * fraction of frames, drops close every connection on their period, and a stall silences the
 * replay at its time for its duration. The HTTP faults are in `rest-api.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPath } from '../../support/data.js';
import { readCapture, sleep, streamOf, tempDir, waitUntil, writeCapture, type CaptureLine, feedRig } from './feed-test-client.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const ethPath = dataPath('binance-spot/ethusdt_20240808.gz');
const haveData = spotPath !== undefined && ethPath !== undefined;

const { server, client } = feedRig();
const tmp = tempDir();
let btc: CaptureLine[] = [];
let btcFile = '';
let ethFile = '';

afterAll(() => tmp.remove());



/** Gaps in a sequence of trade ids: how many, and how many ids are missing. */
function tradeGaps(ids: readonly number[]): { gaps: number; missing: number } {
  let gaps = 0;
  let missing = 0;
  for (let i = 1; i < ids.length; i++) {
    if (ids[i] !== ids[i - 1]! + 1) {
      gaps++;
      missing += ids[i]! - ids[i - 1]! - 1;
    }
  }
  return { gaps, missing };
}

/** Breaks in a spot depth diff sequence (`U` not following the previous `u`). */
function depthGaps(diffs: readonly { U: number; u: number }[]): number {
  return diffs.filter((d, i) => i > 0 && d.U !== diffs[i - 1]!.u + 1).length;
}

describe.skipIf(!haveData)('fault injection (real captures)', () => {
  beforeAll(() => {
    btc = readCapture(spotPath!).slice(0, 4000);
    btcFile = writeCapture(tmp.path, 'btc.gz', btc);
    ethFile = writeCapture(tmp.path, 'eth.gz', readCapture(ethPath!).slice(0, 3000));
  });

  it('skips trades and depth diffs per symbol: the gaps a client counts equal the skips', async () => {
    const s = await server({ data: [btcFile, ethFile], speed: 'max', faults: 'skip-trades=3@2s,skip-trades=2@10s,skip-depth=1@3s' });
    const c = await client(`${s.url}/stream?streams=btcusdt@trade/ethusdt@trade/btcusdt@depth@100ms/ethusdt@depth@100ms`);
    s.resume();
    expect((await c.closedWithin()).code).toBe(1000);
    const frames = c.json();
    for (const symbol of ['btcusdt', 'ethusdt']) {
      const ids = frames.filter((f) => f['stream'] === `${symbol}@trade`).map((f) => f['data']['t'] as number);
      expect(tradeGaps(ids)).toEqual({ gaps: 2, missing: 5 });
      const diffs = frames.filter((f) => f['stream'] === `${symbol}@depth@100ms`).map((f) => f['data'] as { U: number; u: number });
      expect(depthGaps(diffs)).toBe(1);
    }
    expect(s.stats.faults).toMatchObject({ skippedTrades: 10, skippedDepth: 2, total: 12 });
    // The exchange's own book is whole: REST answers at the last diff of the capture.
    const lastDiff = JSON.parse(btc.filter((l) => streamOf(l) === 'btcusdt@depth@100ms').at(-1)!.json)['data'] as { u: number };
    const depth = (await (await fetch(`${s.restUrl}/api/v3/depth?symbol=BTCUSDT&limit=5`)).json()) as { lastUpdateId: number };
    expect(depth.lastUpdateId).toBe(lastDiff.u);
  });

  it('replaces the seeded fraction of frames with malformed ones, the same ones on every run', async () => {
    const run = async (): Promise<number[]> => {
      const s = await server({ data: [btcFile], speed: 'max', faults: 'garbage=0.05', seed: 3 });
      const c = await client(`${s.url}/stream?streams=btcusdt@trade/btcusdt@bookTicker/btcusdt@depth@100ms`);
      s.resume();
      await c.closedWithin();
      const expected = btc.filter((l) => streamOf(l) !== '').map((l) => l.json);
      expect(c.frames.length).toBe(expected.length);
      const spoiled: number[] = [];
      c.frames.forEach((frame, i) => {
        if (frame === expected[i]) return;
        // A spoiled frame is a cut of the real one: never valid JSON.
        expect(expected[i]!.startsWith(frame)).toBe(true);
        expect(() => JSON.parse(frame)).toThrow();
        spoiled.push(i);
      });
      expect(spoiled.length).toBe(s.stats.faults.garbage);
      expect(spoiled.length / expected.length).toBeGreaterThan(0.035);
      expect(spoiled.length / expected.length).toBeLessThan(0.065);
      return spoiled;
    };
    expect(await run()).toEqual(await run());
  });

  it('drops every connection on the drop-every period, without a close frame', async () => {
    const s = await server({ data: [btcFile], speed: 10, faults: 'drop-every=1s' });
    const c = await client(`${s.url}/ws/btcusdt@bookTicker`);
    const resumed = performance.now();
    s.resume();
    const closed = await c.closedWithin();
    expect(closed.code).toBe(1006);
    expect(closed.at - resumed).toBeGreaterThanOrEqual(80); // 1 s of replay at speed 10
    expect(closed.at - resumed).toBeLessThan(1000);
    expect(c.frames.length).toBeGreaterThan(0);
    // A new connection is dropped again at the next period.
    const again = await client(`${s.url}/ws/btcusdt@bookTicker`);
    expect((await again.closedWithin()).code).toBe(1006);
    expect(s.stats.faults.drops).toBeGreaterThanOrEqual(2);
  });

  it('stalls the replay at its time for its duration, then carries on where it stopped', async () => {
    const s = await server({ data: [btcFile], speed: 10, faults: 'stall=5s@1s' });
    const c = await client(`${s.url}/stream?streams=btcusdt@trade/btcusdt@bookTicker/btcusdt@depth@100ms`);
    s.resume();
    await waitUntil(() => s.stats.replay.stalled, 2000, 'the stall');
    await sleep(50); // frames sent just before the stall are still on their way
    const during = c.frames.length;
    await sleep(150);
    expect(c.frames.length).toBe(during); // silent, connection open
    expect(c.closed).toBeNull();
    await waitUntil(() => c.frames.length > during + 50, 2000, 'frames after the stall');
    const enveloped = btc.filter((l) => streamOf(l) !== '');
    expect(c.frames).toEqual(enveloped.slice(0, c.frames.length).map((l) => l.json)); // nothing lost or reordered
    // The silence falls between the last frame before replay time 1 s and the first at or after it,
    // and lasts the stall's 500 ms (5 s of replay at speed 10).
    const offset = (i: number) => Number((BigInt(enveloped[i]!.ns) - BigInt(btc[0]!.ns)) / 1000n);
    const at = enveloped.findIndex((_, i) => offset(i) >= 1_000_000);
    const silence = c.frameTimes[at]! - c.frameTimes[at - 1]!;
    expect(silence).toBeGreaterThanOrEqual(470);
    expect(silence).toBeLessThan(1500);
    expect(s.stats.faults.stalls).toBe(1);
  });
});
