/**
 * Gap detection and the depth resync against the local exchange: the gaps the feed counts per
 * stream equal the frames the server skipped (`skip-trades`, `skip-depth`), each depth gap costs
 * exactly one REST snapshot, and the records the feed delivers build a valid book equal to the one
 * the capture itself builds at the same update id (spot `U`/`u` chains and USD-M `pu` chains). A
 * 429 during a resync is waited out as its `Retry-After` says.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrderBook } from '../../../src/model/order-book.js';
import type { MarketRecord } from '../../../src/model/records.js';
import { dataPath } from '../../support/data.js';
import { buildBook, Collected, decodeCapture, drainUntil, readCapture, Rig, tempDir, tradeIds, waitUntil, writeCapture, type CaptureLine } from './live-feed-rig.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const usdmPath = dataPath('binance-usdm/btcusdt_20240808.gz');
const rig = new Rig();
const tmp = tempDir();
afterEach(() => rig.close());
afterAll(() => tmp.remove());

/** The book the capture builds (its snapshot line, then its diffs) up to update id `u`. */
function captureBookAt(capture: readonly MarketRecord[], u: number): OrderBook {
  const snapshotAt = capture.findIndex((r) => r.type === 'depth_snapshot');
  let upTo = capture.length;
  for (let i = snapshotAt + 1; i < capture.length; i++) {
    const r = capture[i]!;
    if (r.type === 'book_change' && r.lastUpdateId > u) {
      upTo = i;
      break;
    }
  }
  return buildBook(capture.slice(0, upTo));
}

/** Both books' best 100 levels a side (REST snapshots carry 1000; a capture's book may hold more further out). */
function top(book: OrderBook): unknown {
  return book.topN(100);
}

/** The `u` of the last diff in `records` (-1 when there is none). */
function lastDiffU(records: readonly MarketRecord[]): number {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.type === 'book_change') return r.lastUpdateId;
  }
  return -1;
}

async function checkGapsAndBook(lines: readonly CaptureLine[], file: string, faults: string, market: 'spot' | 'usdm', skippedTrades: number): Promise<void> {
  const capture = decodeCapture(lines);
  const want = tradeIds(capture);
  const server = await rig.server({ data: [file], speed: 'max', faults });
  const feed = rig.feed(server, { market });
  const got = new Collected();
  const lastU = lastDiffU(capture);
  await drainUntil(feed, got, () => got.tradeIds.at(-1) === want.at(-1) && lastDiffU(got.records) === lastU, 15_000, 'the end of the capture');

  // The gaps counted are the skips injected, per stream, and nothing else.
  const depthStream = market === 'spot' ? 'btcusdt@depth@100ms' : 'btcusdt@depth';
  expect(server.stats.faults).toMatchObject({ skippedTrades, skippedDepth: 1 });
  expect(feed.stats.streams['btcusdt@trade']).toEqual({ gaps: 1, missing: skippedTrades, duplicates: 0, resyncs: 0 });
  expect(feed.stats.streams[depthStream]).toMatchObject({ gaps: 1, duplicates: 0, resyncs: 1 });
  expect(feed.stats.streams[depthStream]!.missing).toBeGreaterThan(0);
  expect(feed.stats.gaps).toBe(2);
  expect(got.tradeIds.length).toBe(want.length - skippedTrades);
  // One REST snapshot at connect, exactly one for the depth gap.
  expect(feed.stats.reconnects).toBe(0);
  expect(server.stats.restRequests).toBe(2);
  expect(feed.stats.snapshots).toBe(2);
  expect(feed.stats.resyncs).toBe(1);
  // Each gap and the resync are data issues, in the order they happened.
  const issues = feed.stats.issues.map((i) => i.message);
  expect(issues.some((m) => m.startsWith('btcusdt@trade: trade id gap') && m.includes(`(${skippedTrades} missing)`))).toBe(true);
  expect(issues.some((m) => m.startsWith(`${depthStream}: depth update gap`))).toBe(true);
  expect(issues.some((m) => m.startsWith(`${depthStream}: resyncing the book`))).toBe(true);
  expect(feed.stats.issues.every((i) => i.file === `binance-${market}`)).toBe(true);

  // The book from the feed's records is valid, needed no buffering of its own, and equals the
  // capture's book right after the resync and at the end.
  const snapshotAt = got.records.findLastIndex((r) => r.type === 'depth_snapshot');
  const firstDiffAfter = got.records.findIndex((r, i) => i > snapshotAt && r.type === 'book_change');
  const atResync = buildBook(got.records.slice(0, firstDiffAfter + 1));
  expect(atResync.valid).toBe(true);
  expect(atResync.snapshots).toBe(2);
  expect(top(atResync)).toEqual(top(captureBookAt(capture, atResync.lastUpdateId)));
  const book = buildBook(got.records);
  expect(book.valid).toBe(true);
  expect(book.gaps).toBe(0);
  expect(book.unsynced).toBe(0);
  expect(book.lastUpdateId).toBe(lastU);
  expect(top(book)).toEqual(top(captureBookAt(capture, lastU)));
}

describe.skipIf(!spotPath || !usdmPath)('live feed gaps and resync (real captures)', () => {
  let spot: CaptureLine[] = [];
  let usdm: CaptureLine[] = [];
  let usdmFile = '';
  beforeAll(() => {
    spot = readCapture(spotPath!);
    usdm = readCapture(usdmPath!).slice(0, 20_000);
    usdmFile = writeCapture(tmp.path, 'usdm.gz', usdm);
  });

  it('counts spot gaps equal to the skips, and one REST resync rebuilds the book the capture builds', async () => {
    await checkGapsAndBook(spot, spotPath!, 'skip-trades=3@60s,skip-depth=1@120s', 'spot', 3);
  });

  it('follows USD-M pu chains: one gap, one resync from /fapi/v1/depth, the same book', async () => {
    await checkGapsAndBook(usdm, usdmFile, 'skip-trades=2@20s,skip-depth=1@40s', 'usdm', 2);
  });

  it('waits out a 429 during a resync for its Retry-After, then resyncs', async () => {
    // At speed 10 the 429 window (replay 2.9 s to 4.9 s) covers the resync's first request.
    const lines = spot.slice(0, 3000);
    const capture = decodeCapture(lines);
    const server = await rig.server({ data: [writeCapture(tmp.path, 'spot429.gz', lines)], speed: 10, faults: 'skip-depth=1@3s,http429=2s@2s900ms' });
    const feed = rig.feed(server);
    const got = new Collected();
    await drainUntil(feed, got, () => feed.stats.snapshots === 2, 5000, 'the resync after the 429');
    expect(server.stats.faults.http429).toBe(1);
    expect(feed.stats.restRateLimited).toBe(1);
    expect(feed.stats.snapshotFailures).toBe(1);
    // The Retry-After (whole seconds, at least 1) outweighs the 5 ms backoff.
    const failure = feed.stats.issues.find((i) => i.message.includes('HTTP 429'));
    expect(failure?.code).toBe('IO_UNAVAILABLE');
    expect(Number(/retrying in (\d+) ms/.exec(failure!.message)![1])).toBeGreaterThanOrEqual(1000);
    expect(feed.stats.resyncs).toBe(1);
    const resyncAt = got.records.length;
    await drainUntil(feed, got, () => got.records.slice(resyncAt).some((r) => r.type === 'book_change'), 5000, 'a diff after the resync');
    const book = buildBook(got.records);
    expect(book.valid).toBe(true);
    expect(book.gaps).toBe(0);
    expect(top(book)).toEqual(top(captureBookAt(capture, book.lastUpdateId)));
  });
});
