/**
 * Binance's book procedure in the feed, with a scripted REST client and a hand-driven timer port:
 * held diffs older than the snapshot are dropped, the first kept must straddle it (spot and USD-M
 * rules), a snapshot older than the stream is asked for again, a 429 waits for its Retry-After,
 * and nothing is emitted after close.
 */
import { describe, expect, it } from 'vitest';
import type { BookChange, DepthSnapshot, MarketRecord } from '../../../src/model/records.js';
import { createRandom } from '../../../src/runtime/random.js';
import { BinanceDepthSync } from '../../../streams/live/binance-depth-sync.js';
import type { FeedFetch } from '../../../streams/live/binance-feed-options.js';
import { MutableFeedStats } from '../../../streams/live/feed-stats.js';
import type { FeedTimers } from '../../../streams/live/feed-timers.js';

function diff(U: number, u: number, pu = -1): BookChange {
  return { type: 'book_change', exchange: 'binance', symbol: 'BTCUSDT', ts: 0, tsRecv: 0, isSnapshot: false, firstUpdateId: U, lastUpdateId: u, prevUpdateId: pu, bids: [], asks: [] };
}

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly retryAfter?: string;
}

const snapshotBody = (lastUpdateId: number) => `{"lastUpdateId":${lastUpdateId},"bids":[["100.5","1.0"]],"asks":[["101.0","2.0"]]}`;

function syncRig(market: 'spot' | 'usdm' = 'spot', maxHeld = 100) {
  const urls: string[] = [];
  const answers: Answer[] = [];
  const fetch: FeedFetch = async (url) => {
    urls.push(url);
    const a = answers.shift() ?? { status: 503, body: '{"code":-1001}' };
    return { status: a.status, headers: { get: (name) => (name.toLowerCase() === 'retry-after' ? (a.retryAfter ?? null) : null) }, text: async () => a.body };
  };
  const armed: { fn: () => void; ms: number }[] = [];
  const timers: FeedTimers = {
    setTimeout: (fn, ms) => {
      const t = { fn, ms };
      armed.push(t);
      return t;
    },
    clearTimeout: (h) => {
      const i = armed.indexOf(h as never);
      if (i >= 0) armed.splice(i, 1);
    },
  };
  const out: MarketRecord[] = [];
  const stats = new MutableFeedStats('test', [], 20, null);
  const sync = new BinanceDepthSync(
    {
      market,
      restUrl: 'http://venue',
      limit: 1000,
      exchange: 'binance',
      fetch,
      clock: { kind: 'live', now: () => 1_000_000 },
      timers,
      timeoutMs: 5000,
      backoff: { minUs: 10_000, maxUs: 1_000_000, factor: 2, jitter: 0, resetAfterUs: 0 },
      random: createRandom(1),
      maxHeld,
    },
    stats,
    { emit: (r) => out.push(r) },
  );
  const settle = () => new Promise((r) => setTimeout(r, 0));
  /** Fires the retry timers (not the request deadlines, which are 5000 ms). */
  const fireRetries = () => {
    for (const t of armed.filter((x) => x.ms !== 5000)) {
      armed.splice(armed.indexOf(t), 1);
      t.fn();
    }
  };
  return { sync, out, stats, urls, answers, armed, settle, fireRetries };
}

const ids = (out: readonly MarketRecord[]) => out.map((r) => (r.type === 'depth_snapshot' ? `S${r.lastUpdateId}` : r.type === 'book_change' ? `${r.firstUpdateId}-${r.lastUpdateId}` : r.type));

describe('BinanceDepthSync', () => {
  it('emits the snapshot, then the held diffs from the one straddling it (spot)', async () => {
    const { sync, out, stats, urls, answers, settle } = syncRig();
    answers.push({ status: 200, body: snapshotBody(12) });
    expect(sync.start('BTCUSDT', 'connect')).toBe(true);
    for (const d of [diff(1, 10), diff(11, 15), diff(16, 20)]) sync.accept(d);
    expect(out).toEqual([]);
    await settle();
    expect(urls).toEqual(['http://venue/api/v3/depth?symbol=BTCUSDT&limit=1000']);
    expect(ids(out)).toEqual(['S12', '11-15', '16-20']);
    expect((out[0] as DepthSnapshot).bids).toEqual([{ price: 100.5, amount: 1 }]);
    expect(stats.staleDiffs).toBe(1);
    expect(stats.snapshots).toBe(1);
    sync.accept(diff(21, 22));
    expect(ids(out).at(-1)).toBe('21-22');
  });

  it('checks the first diff after a snapshot that came before any diff', async () => {
    const { sync, out, answers, settle, urls } = syncRig();
    answers.push({ status: 200, body: snapshotBody(50) }, { status: 200, body: snapshotBody(70) });
    sync.start('BTCUSDT', 'connect');
    await settle();
    sync.accept(diff(40, 50)); // covered by the snapshot
    sync.accept(diff(51, 55)); // straddles 51
    expect(ids(out)).toEqual(['S50', '51-55']);
    // Once live, a later gap in the stream is the sequencer's to report; a new start resyncs.
    sync.start('BTCUSDT', 'gap');
    sync.accept(diff(60, 80));
    await settle();
    expect(urls.length).toBe(2);
    expect(ids(out)).toEqual(['S50', '51-55', 'S70', '60-80']);
  });

  it('asks again when the snapshot is older than the diffs held', async () => {
    const { sync, out, answers, urls, settle, stats } = syncRig();
    answers.push({ status: 200, body: snapshotBody(5) }, { status: 200, body: snapshotBody(13) });
    sync.start('BTCUSDT', 'connect');
    sync.accept(diff(11, 15));
    await settle();
    await settle();
    expect(urls.length).toBe(2);
    expect(ids(out)).toEqual(['S13', '11-15']);
    expect(stats.issues[0]!.message).toMatch(/snapshot lastUpdateId 5 is older than the held diffs/);
  });

  it('uses the USD-M straddle rule U <= lastUpdateId <= u and /fapi/v1/depth', async () => {
    const { sync, out, answers, urls, settle } = syncRig('usdm');
    answers.push({ status: 200, body: snapshotBody(100) });
    sync.start('BTCUSDT', 'connect');
    for (const d of [diff(80, 99, 70), diff(95, 100, 99), diff(101, 120, 100)]) sync.accept(d);
    await settle();
    expect(urls[0]).toBe('http://venue/fapi/v1/depth?symbol=BTCUSDT&limit=1000');
    expect(ids(out)).toEqual(['S100', '95-100', '101-120']);
  });

  it('waits for Retry-After on a 429, longer than its backoff, and counts it', async () => {
    const { sync, out, answers, urls, armed, settle, fireRetries, stats } = syncRig();
    answers.push({ status: 429, body: '{"code":-1003}', retryAfter: '3' }, { status: 200, body: snapshotBody(1) });
    sync.start('BTCUSDT', 'gap');
    await settle();
    expect(urls.length).toBe(1);
    expect(armed.map((t) => t.ms)).toEqual([3000]);
    expect(stats.restRateLimited).toBe(1);
    expect(stats.snapshotFailures).toBe(1);
    expect(stats.issues[0]!.code).toBe('IO_UNAVAILABLE');
    fireRetries();
    await settle();
    expect(urls.length).toBe(2);
    expect(ids(out)).toEqual(['S1']);
  });

  it('backs off exponentially on errors without Retry-After', async () => {
    const { sync, answers, armed, settle, fireRetries } = syncRig();
    answers.push({ status: 500, body: '' }, { status: 500, body: '' }, { status: 200, body: 'not json' });
    sync.start('BTCUSDT', 'connect');
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      await settle();
      delays.push(...armed.map((t) => t.ms));
      fireRetries();
    }
    expect(delays).toEqual([10, 20, 40]); // 10 ms, doubling, no jitter; the body that is no snapshot counts too
  });

  it('keeps at most maxHeld diffs, the newest', async () => {
    const { sync, out, answers, settle, stats } = syncRig('spot', 3);
    answers.push({ status: 200, body: snapshotBody(16) });
    sync.start('BTCUSDT', 'connect');
    for (let u = 10; u < 20; u++) sync.accept(diff(u, u));
    await settle();
    expect(ids(out)).toEqual(['S16', '17-17', '18-18', '19-19']);
    expect(stats.staleDiffs).toBe(7); // 10 to 16 evicted while held
  });

  it('emits nothing after close', async () => {
    const { sync, out, answers, settle } = syncRig();
    answers.push({ status: 200, body: snapshotBody(12) });
    sync.start('BTCUSDT', 'connect');
    sync.close();
    await settle();
    expect(out).toEqual([]);
    expect(sync.start('BTCUSDT', 'gap')).toBe(false);
  });
});
