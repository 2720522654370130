/**
 * Rollover against the local exchange: before the maximum connection age (the feed's own plan, or
 * the venue's `serverShutdown` notice) a new connection is opened first and the old one closed
 * once they line up. Across several rollovers the feed delivers exactly the capture: every trade,
 * every quote and every depth diff once, in order, with no gap and no resync.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/model/records.js';
import type { BinanceFeed } from '../../../streams/live/binance-feed.js';
import { dataPath } from '../../support/data.js';
import { Collected, decodeCapture, drainUntil, readCapture, Rig, tradeIds } from './live-feed-rig.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const rig = new Rig();
afterEach(() => rig.close());

/** Quotes as comparable text. */
function quotes(records: readonly MarketRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) if (r.type === 'book_ticker') out.push(`${r.bidPrice} ${r.bidAmount} ${r.askPrice} ${r.askAmount}`);
  return out;
}

/** Depth diffs as `U-u`. */
function diffs(records: readonly MarketRecord[]): string[] {
  const out: string[] = [];
  for (const r of records) if (r.type === 'book_change') out.push(`${r.firstUpdateId}-${r.lastUpdateId}`);
  return out;
}

describe.skipIf(!spotPath)('live feed rollover (real capture)', () => {
  let capture: MarketRecord[] = [];
  beforeAll(() => {
    capture = decodeCapture(readCapture(spotPath!));
  });

  /** Drains the whole capture and checks it came exactly once, in order, over several connections. */
  async function expectWholeCapture(feed: BinanceFeed): Promise<Collected> {
    const want = tradeIds(capture);
    const got = new Collected();
    await drainUntil(feed, got, () => got.tradeIds.at(-1) === want.at(-1), 15_000, 'the last trade');
    expect(got.tradeIds).toEqual(want);
    // Quotes carry no id: the positional overlap places them exactly too.
    expect(quotes(got.records)).toEqual(quotes(capture).slice(0, quotes(got.records).length));
    expect(quotes(got.records).length).toBeGreaterThan(quotes(capture).length - 50);
    // Diffs: from the first one after the REST snapshot on, the capture's chain unbroken.
    const d = diffs(got.records);
    const all = diffs(capture);
    expect(d).toEqual(all.slice(all.indexOf(d[0]!), all.indexOf(d[0]!) + d.length));
    expect(feed.stats.gaps).toBe(0);
    expect(feed.stats.reconnects).toBe(0);
    expect(feed.stats.snapshots).toBe(1); // no resync at a rollover
    expect(feed.stats.rolloversUnmatched).toBe(0);
    expect(feed.stats.duplicates).toBeGreaterThan(0); // the connections did overlap
    return got;
  }

  it('rolls over before the maximum connection age with no gap and no duplicate', async () => {
    const server = await rig.server({ data: [spotPath!], speed: 'max' });
    const feed = rig.feed(server, { maxConnectionAgeMs: 250, rolloverLeadMs: 100 });
    await expectWholeCapture(feed);
    expect(feed.stats.rollovers).toBeGreaterThanOrEqual(3);
    expect(server.stats.connectionsTotal).toBe(feed.stats.rollovers + 1);
    expect(server.stats.closes.maxAge).toBe(0);
  });

  it('rolls over on the venue serverShutdown notice, before the venue closes the old connection', async () => {
    const server = await rig.server({ data: [spotPath!], speed: 'max', maxConnectionAgeMs: 400, shutdownNoticeMs: 250 });
    const feed = rig.feed(server);
    await expectWholeCapture(feed);
    expect(feed.stats.serverShutdowns).toBeGreaterThanOrEqual(2);
    // Each notice starts one rollover (the last may still be under way when the capture ends).
    expect(feed.stats.rollovers).toBeGreaterThanOrEqual(feed.stats.serverShutdowns - 1);
    expect(feed.stats.rollovers).toBeLessThanOrEqual(feed.stats.serverShutdowns);
    expect(server.stats.closes.maxAge).toBe(0); // each old connection was closed by the feed first
  });
});
