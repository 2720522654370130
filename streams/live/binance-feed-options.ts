/**
 * Options of the live Binance feed (`createBinanceFeed`), their defaults, and their one validation
 * (`resolveBinanceFeedOptions`): a bad value is a `TickflowError('CONFIG_INVALID')` naming the
 * option. Every timeout is an option, so tests run the whole protocol in milliseconds. Policies
 * (backoff, water marks) are data.
 */
import type { BackoffPolicy } from '../../src/runtime/backoff.js';
import type { Clock } from '../../src/runtime/clock.js';
import { TickflowError } from '../../src/runtime/errors.js';
import type { SourceIssue } from '../record-source.js';
import { BINANCE_FUTURES, BINANCE_SPOT } from '../venues/binance/binance-message.js';
import type { FeedTimers } from './feed-timers.js';

/** Which Binance market: spot (`/api/v3`, `U`/`u` chains) or USD-M futures (`/fapi/v1`, `pu` chains). */
export type BinanceMarket = 'spot' | 'usdm';

/** The streams a feed can subscribe to per symbol. */
export type FeedChannel = 'trade' | 'bookTicker' | 'depth';

/** Every channel, in subscription order. */
export const FEED_CHANNELS: readonly FeedChannel[] = ['trade', 'bookTicker', 'depth'];

/** The part of `fetch` the feed uses for REST depth snapshots (injectable for tests). */
export type FeedFetch = (url: string, init: { readonly signal: AbortSignal }) => Promise<{
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/** Options of `createBinanceFeed`. Durations are wall-clock milliseconds unless named `Us`. */
export interface BinanceFeedOptions {
  /** WebSocket base URL: `wss://stream.binance.com:9443`, or a local `serve-feed` (`ws://127.0.0.1:9443`). */
  readonly url: string;
  /** REST base URL for depth snapshots: `https://api.binance.com`, `https://fapi.binance.com`, or the local server. */
  readonly restUrl: string;
  readonly market?: BinanceMarket;
  /** Symbols, any case (`BTCUSDT`); at least one. */
  readonly symbols: readonly string[];
  /** Default: all of `FEED_CHANNELS`. */
  readonly channels?: readonly FeedChannel[];
  /** Depth channel name (default `depth@100ms` on spot, `depth` on USD-M). */
  readonly depthStream?: string;
  /** Report trade-id gaps (default true: ids are contiguous per symbol on spot and on USD-M `@trade`). */
  readonly checkTradeIds?: boolean;
  /** Engine time (µs); stamps `tsRecv` and measures silences and reconnect times. */
  readonly clock: Clock;
  /** The timer port (see `feed-timers.ts`). */
  readonly timers: FeedTimers;
  /** Seed of the backoff jitter (default 1): the same seed gives the same delays. */
  readonly seed?: number;
  /** Reconnect and REST-retry backoff (default 100 ms doubling to 30 s, 20 % jitter, reset after 60 s up). */
  readonly backoff?: BackoffPolicy;
  /** A connection with no data frame for this long is replaced (default 30 s). Not counted while paused by us. */
  readonly staleTimeoutMs?: number;
  /** Opening handshake deadline (default 10 s). */
  readonly connectTimeoutMs?: number;
  /** Age at which the venue closes a connection (Binance: 24 h). */
  readonly maxConnectionAgeMs?: number;
  /** The replacement connection is opened this long before `maxConnectionAgeMs` (default 5 min). */
  readonly rolloverLeadMs?: number;
  /** Longest overlap of two connections during a rollover before switching anyway (default 10 s). */
  readonly rolloverTimeoutMs?: number;
  /** Buffered records at which the sockets are paused (default 8192). */
  readonly highWaterMark?: number;
  /** Buffered records at which they are resumed (default a quarter of the high-water mark). */
  readonly lowWaterMark?: number;
  /** Records per `next()` chunk at most (default 1024). */
  readonly chunkSize?: number;
  /** Levels asked of the REST depth snapshot (default 1000). */
  readonly restLimit?: number;
  /** REST request deadline (default 10 s). */
  readonly restTimeoutMs?: number;
  /** Depth diffs held per symbol while its snapshot is fetched (default 1000; the oldest go first). */
  readonly maxHeldDiffs?: number;
  /** Largest frame accepted, bytes (default 1 MiB; a larger one closes the socket with 1009). */
  readonly maxPayload?: number;
  /** Exchange name of the records (default `binance` / `binance-futures`). */
  readonly exchange?: string;
  /** Source name for stats and issues (default `binance-<market>`). */
  readonly name?: string;
  /** Issues kept in `stats.issues` (default 100; the counters go on past it). */
  readonly maxIssues?: number;
  /** REST client (default the global `fetch`). */
  readonly fetch?: FeedFetch;
  /** Called for every issue as it happens (malformed frames, gaps, resyncs, connection failures), whether or not kept. */
  readonly onIssue?: (issue: SourceIssue) => void;
  /** What the feed received, as received, for a recorder (see `FeedRawTap`); absent, it costs nothing. */
  readonly rawTap?: FeedRawTap;
}

/**
 * A recorder's view of the wire (`tickflow record --raw`): what the feed used, before any
 * processing, with the receive time the decoder stamped on its record (the same µs, not a second
 * clock read), so a capture written from it (`<tsRecvUs>000 <json>` a line) replays to the same
 * records. (The feed's buffer later restamps a record released late, a diff held for a snapshot or
 * a rollover candidate's held record, with the later time: `stats.restamped`. The tap keeps the
 * time it arrived.)
 *
 * - `frame`: each WebSocket frame that decoded to a record the rollover arbiter passed on, called
 *   as that record leaves the arbiter: the primary connection's frames; during a rollover, the
 *   candidate's only from the switch on (those it held past the overlap included, at the switch,
 *   after the old connection's last ones; the duplicates dropped not), never a retired one's. So
 *   frames come in arrival order except at a switch. Tapped before de-duplication and the depth
 *   sync: a diff held for a snapshot is tapped when it arrived, and one the sync drops as older
 *   than the snapshot is tapped too. Frames with no record (subscription replies, malformed
 *   frames) are not. `symbol` is the record's.
 * - `snapshot`: each REST depth snapshot the depth sync used, its body as received, as it is
 *   emitted (right after it arrived); a snapshot fetched again as too old is not tapped.
 *
 * Both are called synchronously on the feed's path: keep them cheap and never throw.
 */
export interface FeedRawTap {
  frame(frame: Buffer, tsRecvUs: number, symbol: string): void;
  snapshot(symbol: string, body: string, tsRecvUs: number): void;
}

/** Options with every default filled in and checked. */
export interface ResolvedBinanceFeedOptions {
  readonly url: string;
  readonly restUrl: string;
  readonly market: BinanceMarket;
  /** Upper case, distinct, in the order given. */
  readonly symbols: readonly string[];
  readonly channels: readonly FeedChannel[];
  readonly depthStream: string;
  readonly checkTradeIds: boolean;
  readonly clock: Clock;
  readonly timers: FeedTimers;
  readonly seed: number;
  readonly backoff: BackoffPolicy;
  readonly staleTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly maxConnectionAgeMs: number;
  readonly rolloverLeadMs: number;
  readonly rolloverTimeoutMs: number;
  readonly highWaterMark: number;
  readonly lowWaterMark: number;
  readonly chunkSize: number;
  readonly restLimit: number;
  readonly restTimeoutMs: number;
  readonly maxHeldDiffs: number;
  readonly maxPayload: number;
  readonly exchange: string;
  readonly name: string;
  readonly maxIssues: number;
  readonly fetch: FeedFetch;
  readonly onIssue: ((issue: SourceIssue) => void) | null;
  readonly rawTap: FeedRawTap | null;
}

/** The default reconnect backoff: 100 ms, doubling, at most 30 s, 20 % jitter, reset after a minute up. */
export const DEFAULT_FEED_BACKOFF: BackoffPolicy = { minUs: 100_000, maxUs: 30_000_000, factor: 2, jitter: 0.2, resetAfterUs: 60_000_000 };

const SYMBOL = /^[A-Za-z0-9]{1,20}$/;
const MAX_TIMER_MS = 2_147_483_647;

/** Fills in defaults and checks every value; throws `CONFIG_INVALID` naming the first bad option. */
export function resolveBinanceFeedOptions(options: BinanceFeedOptions): ResolvedBinanceFeedOptions {
  const market = options.market ?? 'spot';
  if (market !== 'spot' && market !== 'usdm') invalid('market', '"spot" or "usdm"', market);
  const url = baseUrl('url', options.url, ['ws:', 'wss:']);
  const restUrl = baseUrl('restUrl', options.restUrl, ['http:', 'https:']);
  if (!Array.isArray(options.symbols) || options.symbols.length === 0) invalid('symbols', 'at least one symbol', options.symbols);
  for (const s of options.symbols) if (typeof s !== 'string' || !SYMBOL.test(s)) invalid('symbols', 'symbols of 1 to 20 letters and digits', s);
  const symbols = [...new Set(options.symbols.map((s) => s.toUpperCase()))];
  const channels = options.channels ?? FEED_CHANNELS;
  if (channels.length === 0) invalid('channels', `at least one of ${FEED_CHANNELS.join(', ')}`, channels);
  for (const c of channels) if (!FEED_CHANNELS.includes(c)) invalid('channels', `channels among ${FEED_CHANNELS.join(', ')}`, c);
  const highWaterMark = count('highWaterMark', options.highWaterMark ?? 8192);
  const lowWaterMark = options.lowWaterMark ?? Math.floor(highWaterMark / 4);
  if (!Number.isInteger(lowWaterMark) || lowWaterMark < 0 || lowWaterMark >= highWaterMark) invalid('lowWaterMark', `an integer from 0 to below highWaterMark (${highWaterMark})`, lowWaterMark);
  const maxConnectionAgeMs = ms('maxConnectionAgeMs', options.maxConnectionAgeMs ?? 24 * 3_600_000);
  const rolloverLeadMs = ms('rolloverLeadMs', options.rolloverLeadMs ?? Math.min(300_000, Math.floor(maxConnectionAgeMs / 10)), true);
  if (rolloverLeadMs >= maxConnectionAgeMs) invalid('rolloverLeadMs', `less than maxConnectionAgeMs (${maxConnectionAgeMs})`, rolloverLeadMs);
  const backoff = options.backoff ?? DEFAULT_FEED_BACKOFF;
  if (!(backoff.minUs >= 0 && backoff.maxUs >= backoff.minUs && backoff.factor >= 1 && backoff.jitter >= 0 && backoff.jitter <= 1 && backoff.resetAfterUs >= 0)) {
    invalid('backoff', 'minUs >= 0, maxUs >= minUs, factor >= 1, jitter in [0, 1], resetAfterUs >= 0', backoff);
  }
  const fetcher = options.fetch ?? (globalThis.fetch as unknown as FeedFetch | undefined);
  if (typeof fetcher !== 'function') invalid('fetch', 'a fetch function (this Node has no global fetch)', typeof fetcher);
  return {
    url,
    restUrl,
    market,
    symbols,
    channels: FEED_CHANNELS.filter((c) => channels.includes(c)),
    depthStream: options.depthStream ?? (market === 'spot' ? 'depth@100ms' : 'depth'),
    checkTradeIds: options.checkTradeIds ?? true,
    clock: options.clock,
    timers: options.timers,
    seed: options.seed ?? 1,
    backoff,
    staleTimeoutMs: ms('staleTimeoutMs', options.staleTimeoutMs ?? 30_000),
    connectTimeoutMs: ms('connectTimeoutMs', options.connectTimeoutMs ?? 10_000),
    maxConnectionAgeMs,
    rolloverLeadMs,
    rolloverTimeoutMs: ms('rolloverTimeoutMs', options.rolloverTimeoutMs ?? 10_000),
    highWaterMark,
    lowWaterMark,
    chunkSize: count('chunkSize', options.chunkSize ?? 1024),
    restLimit: count('restLimit', options.restLimit ?? 1000),
    restTimeoutMs: ms('restTimeoutMs', options.restTimeoutMs ?? 10_000),
    maxHeldDiffs: count('maxHeldDiffs', options.maxHeldDiffs ?? 1000),
    maxPayload: count('maxPayload', options.maxPayload ?? 1024 * 1024),
    exchange: options.exchange ?? (market === 'spot' ? BINANCE_SPOT : BINANCE_FUTURES),
    name: options.name ?? `binance-${market}`,
    maxIssues: count('maxIssues', options.maxIssues ?? 100),
    fetch: fetcher,
    onIssue: options.onIssue ?? null,
    rawTap: options.rawTap ?? null,
  };
}

function baseUrl(name: string, text: string, protocols: readonly string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return invalid(name, `a URL (${protocols.join(' or ')})`, text);
  }
  if (!protocols.includes(parsed.protocol)) invalid(name, `a ${protocols.join(' or ')} URL`, text);
  return text.replace(/\/+$/, '');
}

function ms(name: string, value: number, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > MAX_TIMER_MS) invalid(name, `an integer number of ms from ${allowZero ? 0 : 1} to ${MAX_TIMER_MS}`, value);
  return value;
}

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) invalid(name, 'a positive integer', value);
  return value;
}

function invalid(name: string, want: string, got: unknown): never {
  throw new TickflowError('CONFIG_INVALID', `binance feed option ${name} must be ${want}, got ${JSON.stringify(got)}`, { option: name });
}
