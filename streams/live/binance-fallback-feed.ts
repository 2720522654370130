/**
 * `createBinanceFallbackFeed`: the issue's fallback chain for Binance as one call. The primary
 * socket feed's own options plus `fallbacks` give a `FallbackFeed` (`fallback-feed.ts`) over these
 * sources, in this priority order and under these names:
 *
 * 1. `primary`: a socket feed (`createBinanceFeed`) on `url` / `restUrl`;
 * 2. `secondary-1` … `secondary-n`: a socket feed on each of `fallbacks.urls`, in the order given;
 * 3. `rest-book-ticker`: the REST book ticker poller (`createBookTickerPoller`), last, when polling
 *    is on (see `BinancePollFallback`). It serves quotes only: with every socket down the strategy
 *    sees no trades, but books and marks stay fresh.
 *
 * Every socket source is the primary's options with its own endpoint, named
 * `<name>/<source>` (so `binance-spot/secondary-1` in its stats and issues), its connection losses
 * wired to the chain (`onIssue: link.onIssue`); the poller asks the chain before each request and
 * reports each (`permit: link.permit`, `onRequest: r => link.report(r.outcome)`). The fallback feed
 * itself takes the primary's `name`, and the primary's `onIssue` hears everything: the feed's
 * failovers and every source's issues.
 *
 * A raw tap (`rawTap`) is given to every socket source, and taps each while it is open: a capture
 * taken through a fallback feed may hold both sources' frames around a switch (a probe's and a
 * draining source's). Record from a single feed for a capture faithful to one connection.
 *
 * Everything is validated here, at creation (a bad secondary URL is a `CONFIG_INVALID` naming
 * `fallbacks.urls[i]`), and nothing is opened before the feed's first `next()`.
 */
import type { BackoffPolicy } from '../../src/runtime/backoff.js';
import { isTickflowError, TickflowError } from '../../src/runtime/errors.js';
import { createRandom } from '../../src/runtime/random.js';
import type { RecordSource } from '../record-source.js';
import { createBinanceFeed } from './binance-feed.js';
import { resolveBinanceFeedOptions, type BinanceFeedOptions } from './binance-feed-options.js';
import { createBookTickerPoller } from './book-ticker-poller.js';
import { resolveBookTickerPollerOptions, type BookTickerPollerOptions } from './book-ticker-poller-options.js';
import { breakerPolicy, exponentialRecovery, type BreakerPolicy } from './breaker-policy.js';
import type { SourceSwitch } from './fallback-chain.js';
import { createFallbackFeed, type FallbackFeed } from './fallback-feed.js';
import type { FallbackFeedSource } from './fallback-feed-source.js';
import { consecutiveFailures } from './trip-rule.js';

/**
 * A secondary socket endpoint: its WebSocket base URL alone (depth snapshots then still come from
 * the primary's `restUrl`), or with its own REST base URL (Binance's `wss://stream.binance.com:443`
 * with `https://api1.binance.com`, say), so a secondary does not depend on the primary's host.
 */
export type BinanceEndpoint = string | { readonly url: string; readonly restUrl?: string };

/** The last resort: polling the REST book ticker. Unset fields take the poller's defaults (every 1 s, 5 s timeout). */
export interface BinancePollFallback {
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  /** Default the primary's `restUrl`. */
  readonly restUrl?: string;
  /** Its breaker, counted in requests rather than connections (default `fallbacks.breaker`). */
  readonly breaker?: BreakerPolicy;
}

/** What backs the primary socket, and how the chain judges the sources. */
export interface BinanceFallbacks {
  /** Secondary socket endpoints, in priority order (default none). */
  readonly urls?: readonly BinanceEndpoint[];
  /**
   * REST polling of the book ticker, last in the chain. Absent: on, with the poller's defaults,
   * when the feed's channels include `bookTicker` (the one thing it serves), else off. `false`: off.
   */
  readonly poll?: BinancePollFallback | false;
  /** Every source's breaker (default `DEFAULT_BINANCE_FALLBACK_BREAKER`). */
  readonly breaker?: BreakerPolicy;
  /** Wait before a source is asked again after a failure (default the chain's: 100 ms doubling to 30 s). */
  readonly retry?: BackoffPolicy;
  /** Seed of the breakers' and retries' jitter (default the feed's `seed`, else 1). */
  readonly seed?: number;
  /** A socket attempt with no data for this long fails as a timeout (default the fallback feed's, 60 s). */
  readonly attemptTimeoutMs?: number;
  /** Told every change of active source (failover or failback), synchronously. */
  readonly onSwitch?: (event: SourceSwitch) => void;
}

/** Options of `createBinanceFallbackFeed`: the primary socket feed's, plus its fallbacks. */
export interface BinanceFallbackFeedOptions extends BinanceFeedOptions {
  readonly fallbacks: BinanceFallbacks;
}

/** Opens a socket source; `createBinanceFeed` but for tests (a port, as the timers are). */
export type SocketFeedFactory = (options: BinanceFeedOptions) => RecordSource;

/** Source names in the chain. */
export const PRIMARY_SOURCE = 'primary';
export const POLL_SOURCE = 'rest-book-ticker';
/** `secondary-1` for the first of `fallbacks.urls`. */
export function secondarySource(index: number): string {
  return `secondary-${index + 1}`;
}

/**
 * The default breaker of every source: open after 3 failures in a row (three refused or lost
 * connections of a socket, whose own backoff makes that well under a second; three failed
 * requests of the poller), or at once on `permanent` and `banned`; half-open after 10 s (up to
 * 20 % more, jittered so several feeds do not probe together), doubling per failed trial up to
 * 2 min; one trial at a time, one success closes. Fewer than the chain's 5 failures: a socket's
 * failures are whole reconnections, already spaced by its backoff.
 */
export const DEFAULT_BINANCE_FALLBACK_BREAKER: BreakerPolicy = breakerPolicy({
  trip: consecutiveFailures(3),
  recovery: exponentialRecovery(10_000_000, 120_000_000, { jitter: 0.2 }),
});

/**
 * Creates the fallback feed (see the file comment). Throws `TickflowError('CONFIG_INVALID')` for
 * bad options; opens nothing before the first `next()`.
 */
export function createBinanceFallbackFeed(options: BinanceFallbackFeedOptions, openSocket: SocketFeedFactory = createBinanceFeed): FallbackFeed {
  const sources = binanceFallbackSources(options, openSocket);
  const { fallbacks } = options;
  const resolved = resolveBinanceFeedOptions(options);
  return createFallbackFeed({
    symbols: resolved.symbols,
    sources,
    clock: options.clock,
    timers: options.timers,
    random: createRandom(fallbacks.seed ?? resolved.seed),
    ...(fallbacks.attemptTimeoutMs === undefined ? {} : { attemptTimeoutMs: fallbacks.attemptTimeoutMs }),
    name: resolved.name,
    maxIssues: resolved.maxIssues,
    ...(fallbacks.onSwitch === undefined ? {} : { onSwitch: fallbacks.onSwitch }),
    ...(options.onIssue === undefined ? {} : { onIssue: options.onIssue }),
  });
}

/**
 * The sources of the chain, in priority order, every option checked but the breaker and retry
 * policies (the chain checks those when the feed is created); nothing opened. Each `open` builds
 * a new socket feed or poller for the symbols its link names.
 */
export function binanceFallbackSources(options: BinanceFallbackFeedOptions, openSocket: SocketFeedFactory = createBinanceFeed): FallbackFeedSource[] {
  // The feed-wide `onIssue` is the fallback feed's (it passes every source's issues on): each socket's is its link.
  const { fallbacks, onIssue: _onIssue, ...feed } = options;
  if (typeof fallbacks !== 'object' || fallbacks === null) invalid('fallbacks', 'an object', fallbacks);
  const primary = resolveBinanceFeedOptions(feed);
  const breaker = fallbacks.breaker ?? DEFAULT_BINANCE_FALLBACK_BREAKER;
  const policies = { breaker, ...(fallbacks.retry === undefined ? {} : { retry: fallbacks.retry }) };

  const socket = (source: string, url: string, restUrl: string, option: string): FallbackFeedSource => {
    const own: BinanceFeedOptions = { ...feed, url, restUrl, name: `${primary.name}/${source}` };
    checked(option, () => resolveBinanceFeedOptions(own));
    return { name: source, kind: 'stream', ...policies, open: (link) => openSocket({ ...own, symbols: link.symbols, onIssue: (issue) => link.onIssue(issue) }) };
  };

  const sources = [socket(PRIMARY_SOURCE, feed.url, feed.restUrl, 'url')];
  const urls = fallbacks.urls ?? [];
  if (!Array.isArray(urls)) invalid('fallbacks.urls', 'an array of endpoints', urls);
  urls.forEach((endpoint: BinanceEndpoint, i) => {
    const option = `fallbacks.urls[${i}]`;
    if (typeof endpoint === 'string') return void sources.push(socket(secondarySource(i), endpoint, feed.restUrl, option));
    if (typeof endpoint !== 'object' || endpoint === null || typeof endpoint.url !== 'string') invalid(option, 'a ws(s) URL or { url, restUrl? }', endpoint);
    sources.push(socket(secondarySource(i), endpoint.url, endpoint.restUrl ?? feed.restUrl, option));
  });

  const poll = fallbacks.poll ?? (primary.channels.includes('bookTicker') ? {} : false);
  if (poll !== false) {
    if (typeof poll !== 'object' || poll === null) invalid('fallbacks.poll', 'false or { intervalMs?, timeoutMs?, restUrl?, breaker? }', poll);
    const own: BookTickerPollerOptions = {
      restUrl: poll.restUrl ?? feed.restUrl,
      market: primary.market,
      symbols: primary.symbols,
      clock: feed.clock,
      timers: feed.timers,
      ...(poll.intervalMs === undefined ? {} : { intervalMs: poll.intervalMs }),
      ...(poll.timeoutMs === undefined ? {} : { timeoutMs: poll.timeoutMs }),
      ...(feed.fetch === undefined ? {} : { fetch: feed.fetch }),
      exchange: primary.exchange,
      name: `${primary.name}/${POLL_SOURCE}`,
      maxIssues: primary.maxIssues,
    };
    checked('fallbacks.poll', () => resolveBookTickerPollerOptions(own));
    sources.push({
      name: POLL_SOURCE,
      kind: 'requests',
      ...policies,
      breaker: poll.breaker ?? breaker,
      open: (link) =>
        createBookTickerPoller({
          ...own,
          symbols: link.symbols,
          permit: () => link.permit(),
          onRequest: (r) => link.report(r.outcome),
          onIssue: (issue) => link.onIssue(issue),
        }),
    });
  }
  return sources;
}

/** Runs a validation, naming `option` in its `CONFIG_INVALID`. */
function checked(option: string, validate: () => unknown): void {
  try {
    validate();
  } catch (error) {
    if (!isTickflowError(error, 'CONFIG_INVALID')) throw error;
    throw new TickflowError('CONFIG_INVALID', `binance fallback option ${option}: ${error.message}`, { ...error.context, option }, { cause: error });
  }
}

function invalid(name: string, want: string, got: unknown): never {
  throw new TickflowError('CONFIG_INVALID', `binance fallback option ${name} must be ${want}, got ${JSON.stringify(got)}`, { option: name });
}
