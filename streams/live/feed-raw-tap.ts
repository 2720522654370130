/**
 * The raw tap of the live Binance feed (`FeedRawTap`, for `tickflow record --raw`): operators that
 * hand each frame and REST depth snapshot the feed used to the tap, with the `tsRecv` its record
 * carries. `createBinanceFeed` wires them in only when a tap is given, so without one its pipeline
 * is untouched.
 */
import { tap, type MonoTypeOperatorFunction, type Observable, type OperatorFunction } from 'rxjs';
import type { MarketRecord } from '../../src/model/records.js';
import type { FeedFetch, FeedRawTap } from './binance-feed-options.js';

/** One connection's lane with its frames tapped as their records leave the arbiter. */
export function tapFrames(frames$: Observable<Buffer>, decode: OperatorFunction<Buffer, MarketRecord>, arbitrate: MonoTypeOperatorFunction<MarketRecord>, raw: FeedRawTap): Observable<MarketRecord> {
  // Decoding is synchronous, one record at most per frame: the frame last seen made the record.
  const frameOf = new WeakMap<MarketRecord, Buffer>();
  let last: Buffer | null = null;
  return frames$.pipe(
    tap((frame) => (last = frame)),
    decode,
    tap((record) => void frameOf.set(record, last!)),
    arbitrate,
    tap((record) => {
      const frame = frameOf.get(record);
      if (frame !== undefined) raw.frame(frame, record.tsRecv, record.symbol);
    }),
  );
}

/** Taps each REST snapshot the depth sync emits, with the body `keepBodies` kept for its symbol (used once). */
export function tapSnapshots(raw: FeedRawTap, bodies: Map<string, string>): MonoTypeOperatorFunction<MarketRecord> {
  return tap((record) => {
    if (record.type !== 'depth_snapshot') return;
    const body = bodies.get(record.symbol);
    if (body === undefined) return;
    bodies.delete(record.symbol);
    raw.snapshot(record.symbol, body, record.tsRecv);
  });
}

/** `fetch` keeping each 200 body by the symbol asked for; requests never overlap per symbol, so the last is the one parsed. */
export function keepBodies(fetch: FeedFetch, bodies: Map<string, string>): FeedFetch {
  return async (url, init) => {
    const response = await fetch(url, init);
    const symbol = new URL(url).searchParams.get('symbol') ?? '';
    const text = async (): Promise<string> => {
      const body = await response.text();
      if (response.status === 200) bodies.set(symbol, body);
      return body;
    };
    return { status: response.status, headers: response.headers, text };
  };
}
