/**
 * Test rig for `startRecording`: a local exchange over the real Binance spot capture at full speed,
 * recordings with the live clock and Node's timers (closed after each test), the files read back
 * (journal segments with the validating journal decoder, raw files with the capture reader), and
 * the check that a raw file replays to the journal's records.
 */
import { readFileSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { afterAll, afterEach, expect } from 'vitest';
import { createFeedServer, type FeedServer } from '../../../src/io/feed-server/feed-server.js';
import { startRecording, type Recording, type RecordingOptions, type RecordSummary } from '../../../src/io/journal/recording.js';
import { decodeRecord } from '../../../src/model/journal-codec.js';
import type { MarketRecord } from '../../../src/model/records.js';
import { LiveClock } from '../../../src/runtime/clock.js';
import type { BinanceFeedOptions } from '../../../streams/live/binance-feed-options.js';
import { liveFeedTimers } from '../../../streams/live/feed-timers.js';
import { openSource } from '../../../streams/open-source.js';
import { dataPath } from '../../support/data.js';
import { tempDir } from '../live-feed/live-feed-rig.js';

export { decodeCapture, readCapture, summary, tradeIds, waitUntil } from '../live-feed/live-feed-rig.js';

/** The capture served (undefined when the data folder is absent: the tests skip). */
export const capturePath = dataPath('binance-spot/btcusdt_20240808.gz');

/** A temporary folder for this test file, removed after it; servers and recordings closed after each test. */
export function recordingRig(): {
  readonly tmp: string;
  server(paused?: boolean): Promise<FeedServer>;
  record(s: FeedServer, out: string, options?: Partial<Omit<RecordingOptions, 'feed' | 'out'>> & Partial<BinanceFeedOptions>): Recording;
} {
  const tmp = tempDir();
  const servers: FeedServer[] = [];
  const recordings: Recording[] = [];
  afterEach(async () => {
    await Promise.all(recordings.splice(0).map((r) => r.stop().catch(() => undefined)));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(() => tmp.remove());
  const timers = liveFeedTimers({ setTimeout, clearTimeout });
  return {
    tmp: tmp.path,
    async server(paused = false) {
      const s = await createFeedServer({ data: [capturePath!], port: 0, speed: 'max', paused });
      servers.push(s);
      return s;
    },
    record(s, out, { segmentBytes, segmentAgeUs, flushEveryUs, onRecords, raw, ...feed } = {}) {
      const r = startRecording({
        feed: { url: s.url, restUrl: s.restUrl, symbols: ['BTCUSDT'], clock: new LiveClock(), timers, ...feed },
        out,
        raw: raw ?? true,
        segmentBytes,
        segmentAgeUs,
        flushEveryUs,
        onRecords,
      });
      recordings.push(r);
      return r;
    },
  };
}

/** A gzip file's lines; `partial`: a `.part` file, read up to its last flush. */
export function gunzipLines(file: string, partial = false): string[] {
  const text = gunzipSync(readFileSync(file), partial ? { finishFlush: constants.Z_SYNC_FLUSH } : {}).toString('utf8');
  return text.split('\n').filter((l) => l !== '');
}

/** The journal segments read back with the validating journal decoder. */
export function readJournal(result: RecordSummary): MarketRecord[] {
  return result.journalFiles.flatMap((file) => gunzipLines(file)).map((line) => decodeRecord(line));
}

/** Every record of a raw file through the capture reader (`openSource`, format detected). */
export async function readRaw(path: string, symbol: string): Promise<MarketRecord[]> {
  const source = await openSource(path, { symbol });
  const out: MarketRecord[] = [];
  try {
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) out.push(...chunk);
  } finally {
    await source.close();
  }
  expect(source.stats.format).toBe('binance');
  expect(source.stats.malformed).toBe(0);
  return out;
}

/** The records of one type. */
export function ofType<T extends MarketRecord['type']>(records: readonly MarketRecord[], type: T): Extract<MarketRecord, { type: T }>[] {
  return records.filter((r): r is Extract<MarketRecord, { type: T }> => r.type === type);
}

/**
 * The raw file replays through the capture reader to the journal's records, type by type, receive
 * times included, except where the feed did something between the wire and the journal:
 * - diffs the depth sync dropped as older than the snapshot (`staleDiffs`) are in the capture only;
 * - records released late (diffs held behind the snapshot, a rollover candidate's held records)
 *   carry in the journal the time they were released (counted in `restamped`), in the capture the
 *   time they arrived; at a rollover switch those frames follow the old connection's last ones, so the
 *   capture's times step back once per switch at most.
 */
export async function expectRawReplaysToJournal(result: RecordSummary, journal: readonly MarketRecord[]): Promise<void> {
  const feed = result.feed;
  expect(result.rawFiles).toHaveLength(1);
  expect(result.rawFiles[0]).toMatch(/btcusdt_\d{8}\.gz$/);
  const raw = await readRaw(result.rawFiles[0]!, 'BTCUSDT');
  expect(raw.length).toBe(result.frames + result.snapshots);
  expect(ofType(journal, 'depth_snapshot')).toHaveLength(1);
  let restamped = 0;
  for (const type of ['trade', 'book_ticker', 'depth_snapshot', 'book_change'] as const) {
    // The raw file holds every frame received before the stop, the journal every record delivered
    // before it (recording.ts): frames still in the feed's buffer at the stop are raw only (seen under
    // load at max speed, a few hundred trades). So the journal is the raw file's records up to its
    // own length, in order, nothing lost or doubled before it.
    const fromJournal = ofType(journal, type);
    const fromRaw = ofType(raw, type).slice(type === 'book_change' ? feed.staleDiffs : 0).slice(0, fromJournal.length);
    expect(fromRaw.map((r) => ({ ...r, tsRecv: 0 })), type).toEqual(fromJournal.map((r) => ({ ...r, tsRecv: 0 })));
    for (let i = 0; i < fromJournal.length; i++) {
      expect(fromJournal[i]!.tsRecv).toBeGreaterThanOrEqual(fromRaw[i]!.tsRecv);
      if (fromJournal[i]!.tsRecv !== fromRaw[i]!.tsRecv) restamped++;
    }
  }
  // The feed's count also holds records restamped after the stop's cut (delivered, not written).
  expect(restamped).toBeLessThanOrEqual(feed.restamped);
  if (result.notWritten === 0) expect(restamped).toBe(feed.restamped);
  let stepsBack = 0;
  for (let i = 1; i < raw.length; i++) if (raw[i]!.tsRecv < raw[i - 1]!.tsRecv) stepsBack++;
  expect(stepsBack).toBeLessThanOrEqual(feed.rollovers);
}
