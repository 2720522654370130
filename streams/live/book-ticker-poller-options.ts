/**
 * Options of the book ticker poller (`createBookTickerPoller`), their defaults, and their one
 * validation (`resolveBookTickerPollerOptions`): a bad value is a `TickflowError('CONFIG_INVALID')`
 * naming the option. Every duration is an option, so tests poll in milliseconds.
 */
import type { Clock } from '../../src/runtime/clock.js';
import { TickflowError } from '../../src/runtime/errors.js';
import type { SourceIssue } from '../record-source.js';
import { BINANCE_FUTURES, BINANCE_SPOT } from '../venues/binance/binance-message.js';
import type { BinanceMarket, FeedFetch } from './binance-feed-options.js';
import type { FeedTimers } from './feed-timers.js';
import type { Permit } from './permit.js';
import type { RequestOutcome } from './request-outcome.js';
import type { WallClock } from './retry-after.js';

/** One request and how it ended, as given to `onRequest`. */
export interface PollRequest {
  readonly symbol: string;
  /** HTTP status, 0 when no answer came (network error, timeout). */
  readonly status: number;
  /** Engine time from sending to the end of the answer (or the failure), µs. */
  readonly latencyUs: number;
  readonly outcome: RequestOutcome;
}

/** Options of `createBookTickerPoller`. Durations are wall-clock ms, through the timer port. */
export interface BookTickerPollerOptions {
  /** REST base URL: `https://api.binance.com`, `https://fapi.binance.com`, or a local `serve-feed`. */
  readonly restUrl: string;
  readonly market?: BinanceMarket;
  /** Symbols, any case; at least one. */
  readonly symbols: readonly string[];
  /** Engine time: stamps `tsRecv`, measures latency. */
  readonly clock: Clock;
  readonly timers: FeedTimers;
  /** Between two requests of one symbol (default 1000). */
  readonly intervalMs?: number;
  /** A request with no complete answer by then is aborted and counts as a `timeout` (default 5000). */
  readonly timeoutMs?: number;
  /** Default the global `fetch`. */
  readonly fetch?: FeedFetch;
  /** Wall clock for `Retry-After` dates, µs (default the engine clock). */
  readonly wallClock?: WallClock;
  /** Quotes buffered at which polling stops until `next()` takes some (default 1024). */
  readonly highWaterMark?: number;
  /** Records per `next()` chunk at most (default 1024). */
  readonly chunkSize?: number;
  /** Exchange of the records (default `binance` / `binance-futures`). */
  readonly exchange?: string;
  /** Default `binance-<market>-rest-book-ticker`. */
  readonly name?: string;
  /** Issues kept in `stats.issues` (default 100). */
  readonly maxIssues?: number;
  /** Asked before every request; a refusal skips it until `retryAt` (Infinity: one interval). Default: always granted. */
  readonly permit?: (symbol: string) => Permit;
  /** Told every request's outcome (a throwing listener is ignored). */
  readonly onRequest?: (request: PollRequest) => void;
  /** Told every issue (failed requests, malformed answers). */
  readonly onIssue?: (issue: SourceIssue) => void;
}

/** Options with every default filled in and checked. */
export interface ResolvedBookTickerPollerOptions {
  /** Without a trailing slash. */
  readonly restUrl: string;
  readonly market: BinanceMarket;
  /** Upper case, distinct, in the order given. */
  readonly symbols: readonly string[];
  readonly clock: Clock;
  readonly timers: FeedTimers;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly fetch: FeedFetch;
  readonly wallClock: WallClock;
  readonly highWaterMark: number;
  readonly chunkSize: number;
  readonly exchange: string;
  readonly name: string;
  readonly maxIssues: number;
  readonly permit: ((symbol: string) => Permit) | null;
  readonly onRequest: ((request: PollRequest) => void) | null;
  readonly onIssue: ((issue: SourceIssue) => void) | null;
}

const SYMBOL = /^[A-Za-z0-9]{1,20}$/;
const MAX_TIMER_MS = 2_147_483_647;

/** Fills in defaults and checks every value; throws `CONFIG_INVALID` naming the first bad option. */
export function resolveBookTickerPollerOptions(o: BookTickerPollerOptions): ResolvedBookTickerPollerOptions {
  const market = o.market ?? 'spot';
  if (market !== 'spot' && market !== 'usdm') invalid('market', '"spot" or "usdm"', market);
  if (!Array.isArray(o.symbols) || o.symbols.length === 0) invalid('symbols', 'at least one symbol', o.symbols);
  for (const s of o.symbols) if (typeof s !== 'string' || !SYMBOL.test(s)) invalid('symbols', 'symbols of 1 to 20 letters and digits', s);
  let protocol = '';
  try {
    protocol = new URL(o.restUrl).protocol;
  } catch {
    // judged below
  }
  if (protocol !== 'http:' && protocol !== 'https:') invalid('restUrl', 'an http or https URL', o.restUrl);
  const fetcher = o.fetch ?? (globalThis.fetch as unknown as FeedFetch | undefined);
  if (typeof fetcher !== 'function') invalid('fetch', 'a fetch function (this Node has no global fetch)', typeof fetcher);
  const clock = o.clock;
  return {
    restUrl: o.restUrl.replace(/\/+$/, ''),
    market,
    symbols: [...new Set(o.symbols.map((s) => s.toUpperCase()))],
    clock,
    timers: o.timers,
    intervalMs: ms('intervalMs', o.intervalMs ?? 1000),
    timeoutMs: ms('timeoutMs', o.timeoutMs ?? 5000),
    fetch: fetcher,
    wallClock: o.wallClock ?? (() => clock.now()),
    highWaterMark: count('highWaterMark', o.highWaterMark ?? 1024),
    chunkSize: count('chunkSize', o.chunkSize ?? 1024),
    exchange: o.exchange ?? (market === 'spot' ? BINANCE_SPOT : BINANCE_FUTURES),
    name: o.name ?? `binance-${market}-rest-book-ticker`,
    maxIssues: count('maxIssues', o.maxIssues ?? 100),
    permit: o.permit ?? null,
    onRequest: o.onRequest ?? null,
    onIssue: o.onIssue ?? null,
  };
}

function ms(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS) invalid(name, `an integer number of ms from 1 to ${MAX_TIMER_MS}`, value);
  return value;
}

function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) invalid(name, 'a whole number ≥ 1', value);
  return value;
}

function invalid(name: string, want: string, got: unknown): never {
  throw new TickflowError('CONFIG_INVALID', `book ticker poller option ${name} must be ${want}, got ${JSON.stringify(got)}`, { option: name });
}
