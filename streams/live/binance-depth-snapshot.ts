/**
 * One request for a Binance REST depth snapshot (`GET /api/v3/depth` or `/fapi/v1/depth`), parsed
 * by the same Binance parser as the captures' snapshot line, so the record has exactly the shape a
 * replay produces (`depth_snapshot`, `ts` = `E` on USD-M or the receive time on spot). One attempt
 * only: retrying, backoff and `Retry-After` are the caller's (`binance-depth-sync.ts`), which knows
 * the clock and timers.
 */
import type { DepthSnapshot, MarketRecord } from '../../src/model/records.js';
import type { Clock } from '../../src/runtime/clock.js';
import { DECODED } from '../line-decoder.js';
import { BinanceMessageParser } from '../venues/binance/binance-message.js';
import type { BinanceMarket, FeedFetch } from './binance-feed-options.js';
import { depthSnapshotUrl } from './binance-stream-names.js';
import type { FeedTimers } from './feed-timers.js';
import { parseRetryAfter } from './retry-after.js';

/** What one request gave: the snapshot, or why not (HTTP status, 0 for no answer) and any `Retry-After`. */
export type SnapshotAttempt =
  | { readonly ok: true; readonly snapshot: DepthSnapshot }
  | { readonly ok: false; readonly status: number; readonly retryAfterUs: number | undefined; readonly reason: string };

/** Where and how to ask. */
export interface SnapshotRequest {
  readonly restUrl: string;
  readonly market: BinanceMarket;
  readonly symbol: string;
  readonly limit: number;
  readonly exchange: string;
  readonly fetch: FeedFetch;
  readonly clock: Clock;
  readonly timers: FeedTimers;
  readonly timeoutMs: number;
  /** Aborts the request when the feed closes. */
  readonly signal: AbortSignal;
}

/**
 * Requests one snapshot. Never rejects: a network error, a timeout (`timeoutMs`), an abort, a
 * non-200 status or a body that is not a snapshot of `symbol` is a failed attempt with its reason.
 * 429 and 418 carry `retryAfterUs` from the `Retry-After` header when the venue sent a readable one.
 */
export async function requestDepthSnapshot(request: SnapshotRequest): Promise<SnapshotAttempt> {
  const url = depthSnapshotUrl(request.restUrl, request.market, request.symbol, request.limit);
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  if (request.signal.aborted) return failed(0, 'feed closed');
  request.signal.addEventListener('abort', abort, { once: true });
  const timer = request.timers.setTimeout(abort, request.timeoutMs);
  try {
    const response = await request.fetch(url, { signal: controller.signal });
    const body = await response.text();
    if (response.status !== 200) {
      const retryAfter = response.status === 429 || response.status === 418 ? parseRetryAfter(response.headers.get('retry-after'), request.clock.now.bind(request.clock)) : undefined;
      return failed(response.status, `HTTP ${response.status} ${body.slice(0, 200)}`, retryAfter);
    }
    return parseSnapshot(body, request);
  } catch (error) {
    const why = request.signal.aborted ? 'feed closed' : controller.signal.aborted ? `no answer within ${request.timeoutMs} ms` : describe(error);
    return failed(0, `${url}: ${why}`);
  } finally {
    request.timers.clearTimeout(timer);
    request.signal.removeEventListener('abort', abort);
  }
}

function parseSnapshot(body: string, request: SnapshotRequest): SnapshotAttempt {
  const out: MarketRecord[] = [];
  const parser = new BinanceMessageParser({ exchange: request.exchange, symbol: request.symbol });
  const bytes = Buffer.from(body, 'utf8');
  const outcome = parser.parse(bytes, 0, bytes.length, request.clock.now(), out);
  const record = out[0];
  if (outcome !== DECODED || record === undefined || record.type !== 'depth_snapshot') {
    return failed(200, `not a depth snapshot: ${outcome === DECODED ? record?.type : parser.reason} (body starts ${JSON.stringify(body.slice(0, 60))})`);
  }
  return { ok: true, snapshot: record };
}

function failed(status: number, reason: string, retryAfterUs?: number): SnapshotAttempt {
  return { ok: false, status, retryAfterUs, reason };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ?? cause?.message ?? error.message;
  }
  return String(error);
}
