/**
 * The order book against the real Binance captures: the book is rebuilt here independently, from
 * the raw lines (`JSON.parse`, a plain Map per side keyed by the venue's price text, the venue's
 * documented procedure written out again), and compared with `OrderBook` fed by the engine's own
 * decoder, every 4th diff (best levels, the depth at the touched prices), in full every 100th
 * and at the end.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../src/model/order-book.js';
import type { MarketRecord } from '../../src/model/records.js';
import { createMergedSource } from '../../streams/merge-sources.js';
import { openSource } from '../../streams/open-source.js';
import type { RecordSource } from '../../streams/record-source.js';
import { dataPath } from '../support/data.js';

type RawLevels = [string, string][];
interface Entry {
  readonly price: number;
  readonly amount: string;
}
interface RawDepth {
  readonly snapshot: boolean;
  readonly U: number;
  readonly u: number;
  readonly pu: number | undefined;
  readonly bids: RawLevels;
  readonly asks: RawLevels;
}

/** The depth messages of a capture, in line order. */
function rawDepth(path: string): RawDepth[] {
  const out: RawDepth[] = [];
  for (const line of gunzipSync(readFileSync(path)).toString('utf8').split('\n')) {
    const space = line.indexOf(' ');
    if (space < 0) continue;
    const outer = JSON.parse(line.slice(space + 1)) as Record<string, unknown>;
    const m = (outer['data'] ?? outer) as Record<string, unknown>;
    if (typeof m['lastUpdateId'] === 'number') {
      out.push({ snapshot: true, U: 0, u: m['lastUpdateId'], pu: undefined, bids: m['bids'] as RawLevels, asks: m['asks'] as RawLevels });
    } else if (m['e'] === 'depthUpdate') {
      out.push({ snapshot: false, U: m['U'] as number, u: m['u'] as number, pu: m['pu'] as number | undefined, bids: m['b'] as RawLevels, asks: m['a'] as RawLevels });
    }
  }
  return out;
}

/**
 * Binance's procedure, written out from its documentation, over string-keyed maps: buffer the
 * stream while there is no (valid) snapshot, then run the buffer and what follows through the rules.
 */
class ReferenceBook {
  // Keyed by the venue's price text; the value keeps the amount text and the parsed price.
  readonly bids = new Map<string, Entry>();
  readonly asks = new Map<string, Entry>();
  valid = false;
  id = -1;
  started = false;
  pending: RawDepth[] = [];
  counts = { applied: 0, dropped: 0, gaps: 0 };

  feed(m: RawDepth): void {
    if (m.snapshot) {
      this.bids.clear();
      this.asks.clear();
      this.set(m);
      this.valid = true;
      this.id = m.u;
      this.started = false;
      const buffered = this.pending;
      this.pending = [];
      for (const d of buffered) this.feed(d);
      return;
    }
    if (!this.valid) return void this.pending.push(m);
    let ok: boolean;
    if (m.pu === undefined) {
      // Spot: drop u <= lastUpdateId; first: U <= lastUpdateId+1 <= u; then U == previous u + 1.
      if (m.u <= this.id) return void this.counts.dropped++;
      ok = this.started ? m.U === this.id + 1 : m.U <= this.id + 1 && this.id + 1 <= m.u;
    } else {
      // USD-M: drop u < lastUpdateId; first: U <= lastUpdateId <= u; then pu == previous u.
      if (!this.started && m.u < this.id) return void this.counts.dropped++;
      if (this.started && m.u <= this.id) return void this.counts.dropped++;
      ok = this.started ? m.pu === this.id : m.U <= this.id && this.id <= m.u;
    }
    if (!ok) {
      this.valid = false;
      this.counts.gaps++;
      this.pending.push(m);
      return;
    }
    this.set(m);
    this.id = m.u;
    this.started = true;
    this.counts.applied++;
  }

  /** Best price of a side (`sign` 1 for bids, -1 for asks), by a scan: no sort per diff. */
  best(side: Map<string, Entry>, sign: number): number {
    let best = NaN;
    for (const { price } of side.values()) if (!(sign * price <= sign * best)) best = price;
    return best;
  }

  amount(price: string): number {
    return Number((this.bids.get(price) ?? this.asks.get(price))?.amount ?? 0);
  }

  top(n: number): { bids: { price: number; amount: number }[]; asks: { price: number; amount: number }[] } {
    const side = (map: Map<string, Entry>, desc: boolean) =>
      [...map.values()]
        .map(({ price, amount }) => ({ price, amount: Number(amount) }))
        .sort((a, b) => (desc ? b.price - a.price : a.price - b.price))
        .slice(0, n);
    return { bids: side(this.bids, true), asks: side(this.asks, false) };
  }

  private set(m: RawDepth): void {
    for (const [p, q] of m.bids) (Number(q) === 0 ? this.bids.delete(p) : this.bids.set(p, { price: Number(p), amount: q }));
    for (const [p, q] of m.asks) (Number(q) === 0 ? this.asks.delete(p) : this.asks.set(p, { price: Number(p), amount: q }));
  }
}

type Sides = { bids: { price: number; amount: number }[]; asks: { price: number; amount: number }[] };

/** Where two whole books differ (a plain loop: `toEqual` on thousands of levels is slow). */
function firstDifference(a: Sides, b: Sides): string | undefined {
  for (const side of ['bids', 'asks'] as const) {
    const x = a[side];
    const y = b[side];
    if (x.length !== y.length) return `${side}: ${x.length} levels, expected ${y.length}`;
    for (let i = 0; i < x.length; i++) {
      if (x[i]!.price !== y[i]!.price || x[i]!.amount !== y[i]!.amount) return `${side}[${i}]: ${JSON.stringify(x[i])}, expected ${JSON.stringify(y[i])}`;
    }
  }
  return undefined;
}

async function depthRecords(source: RecordSource): Promise<MarketRecord[]> {
  const out: MarketRecord[] = [];
  for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
    for (const r of chunk) if (r.type === 'book_change' || r.type === 'depth_snapshot') out.push(r);
  }
  await source.close();
  return out;
}

/** Feeds both books message by message and compares them; returns the engine's book. */
function compareAlong(raw: readonly RawDepth[], records: readonly MarketRecord[]): { book: OrderBook; ref: ReferenceBook; compared: number } {
  expect(records.length).toBe(raw.length);
  const book = new OrderBook(records[0]!.exchange, records[0]!.symbol);
  const ref = new ReferenceBook();
  let compared = 0;
  for (let i = 0; i < raw.length; i++) {
    const r = records[i]!;
    const m = raw[i]!;
    ref.feed(m);
    if (r.type === 'depth_snapshot') {
      expect(r.lastUpdateId).toBe(m.u);
      book.applySnapshot(r);
    } else if (r.type === 'book_change') {
      expect([r.firstUpdateId, r.lastUpdateId, r.prevUpdateId]).toEqual([m.U, m.u, m.pu ?? -1]);
      book.applyChange(r);
    }
    expect(book.valid).toBe(ref.valid);
    if (!ref.valid || i % 4 !== 0) continue; // the reference's best-level scan is slow: every 4th diff
    expect(book.bestBid()).toBe(ref.best(ref.bids, 1));
    expect(book.bestAsk()).toBe(ref.best(ref.asks, -1));
    // A price leaves one side and may rest on the other later: depth reads either.
    for (const [p] of [...m.bids.slice(0, 5), ...m.asks.slice(0, 5)]) expect(book.depthAt(Number(p))).toBe(ref.amount(p));
    if (i % 100 === 0) {
      expect(firstDifference(book.topN(100_000), ref.top(100_000))).toBeUndefined();
      const t = ref.top(20);
      const bid = t.bids.slice(0, 10).reduce((s, l) => s + l.amount, 0);
      const ask = t.asks.slice(0, 10).reduce((s, l) => s + l.amount, 0);
      expect(book.imbalance(10)).toBeCloseTo((bid - ask) / (bid + ask), 12);
      compared++;
    }
  }
  expect(firstDifference(book.topN(100_000), ref.top(100_000))).toBeUndefined();
  expect({ applied: book.applied, dropped: book.dropped, gaps: book.gaps, unsynced: book.unsynced }).toEqual({ ...ref.counts, unsynced: ref.pending.length });
  return { book, ref, compared };
}

const spot08 = dataPath('binance-spot/btcusdt_20240808.gz');
const spot09 = dataPath('binance-spot/btcusdt_20240809.gz');
const eth08 = dataPath('binance-spot/ethusdt_20240808.gz');
const usdm08 = dataPath('binance-usdm/btcusdt_20240808.gz');

describe('OrderBook on the Binance captures', () => {
  it.skipIf(!spot08)('rebuilds the spot BTCUSDT book as the reference does, with no gap', async () => {
    const { book, compared } = compareAlong(rawDepth(spot08!), await depthRecords(await openSource(spot08!)));
    expect(book.valid).toBe(true);
    expect(book.gaps).toBe(0);
    expect(book.applied).toBeGreaterThan(3000);
    expect(compared).toBeGreaterThan(30);
  });

  it.skipIf(!eth08)('rebuilds the spot ETHUSDT book as the reference does', async () => {
    const { book } = compareAlong(rawDepth(eth08!), await depthRecords(await openSource(eth08!)));
    expect([book.valid, book.gaps]).toEqual([true, 0]);
  });

  it.skipIf(!usdm08)('rebuilds the USD-M BTCUSDT book, chaining pu, as the reference does', async () => {
    const { book } = compareAlong(rawDepth(usdm08!), await depthRecords(await openSource(usdm08!)));
    expect([book.valid, book.gaps]).toEqual([true, 0]);
    expect(book.dropped).toBeGreaterThan(0); // diffs received before the snapshot and already in it
    expect(book.applied).toBeGreaterThan(6000);
  });

  it.skipIf(!spot08 || !spot09)('continues the _08 book through _09 when the files are merged, and leaves _09 alone invalid', async () => {
    const merged = createMergedSource([await openSource(spot08!), await openSource(spot09!)]);
    const { book } = compareAlong([...rawDepth(spot08!), ...rawDepth(spot09!)], await depthRecords(merged));
    expect([book.valid, book.gaps, book.snapshots]).toEqual([true, 0, 1]);

    const alone = new OrderBook('binance', 'BTCUSDT');
    const records = await depthRecords(await openSource(spot09!));
    for (const r of records) if (r.type === 'book_change') alone.applyChange(r);
    expect([alone.valid, alone.applied, alone.gaps]).toEqual([false, 0, 0]);
    expect(alone.unsynced).toBe(records.length);
  });
});
