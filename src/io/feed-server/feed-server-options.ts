/**
 * Options of the feed server, with Binance's documented figures as defaults per market, so a
 * client tested against it meets the limits it will meet in production; tests shrink every
 * timeout to milliseconds. Validation happens once, here (`resolveFeedServerOptions`): a bad value
 * is a `TickflowError('CONFIG_INVALID')` naming the option.
 */
import { TickflowError } from '../../runtime/errors.js';
import type { FeedMarket } from './feed-event.js';
import { NO_FAULTS, parseFaultSpec, type FaultPlan } from './fault-spec.js';
import type { SimulatedFeedOptions } from './simulated-feed.js';

/** Incoming messages allowed per connection within a sliding window; one more closes it. */
export interface RateLimit {
  readonly messages: number;
  readonly windowMs: number;
}

/** Options of `createFeedServer`. Timeouts and intervals are wall-clock milliseconds. */
export interface FeedServerOptions {
  /** Raw Binance captures to replay, merged by receive time. Give these or `simulated`. */
  readonly data?: readonly string[];
  /** Serve the built-in simulated market instead (encoded as Binance spot messages). */
  readonly simulated?: boolean | SimulatedFeedOptions;
  /** The market imitated; default detected from the data (simulated: spot). Mixing markets is refused. */
  readonly market?: FeedMarket;
  /** Interface to bind (default 127.0.0.1: loopback unless told otherwise). */
  readonly host?: string;
  /** Port to bind (default 9443, Binance's; 0 picks a free one). */
  readonly port?: number;
  /** Replay speed: a factor of the recording's pace (default 1), or `max` (as fast as clients read). */
  readonly speed?: number | 'max';
  /** Start over at the end of the data instead of closing connections with 1000. */
  readonly loop?: boolean;
  /** Faults to inject: a parsed plan or the `--fault` text (see `fault-spec.ts`). */
  readonly faults?: FaultPlan | string;
  /** Seed of the garbage draw (default 1). */
  readonly seed?: number;
  /** Start with the replay paused at its first record; `resume()` starts it (tests line clients up). */
  readonly paused?: boolean;
  /** Server ping period (Binance: 20 s spot, 3 min USD-M). */
  readonly pingIntervalMs?: number;
  /** A ping unanswered this long closes the connection (Binance: 1 min spot, 10 min USD-M). */
  readonly pongTimeoutMs?: number;
  /** Only a pong echoing a ping's payload counts (spot: true; USD-M accepts unsolicited pongs). */
  readonly pongMustEcho?: boolean;
  /** Age at which a connection is closed (Binance: 24 h). */
  readonly maxConnectionAgeMs?: number;
  /** How long before a planned close the `serverShutdown` event is sent (default 10 min). */
  readonly shutdownNoticeMs?: number;
  /** Incoming message limit (Binance: 5 per second spot, 10 USD-M; pings and pongs count). */
  readonly rateLimit?: RateLimit;
  /** Streams one connection may hold (Binance: 1024 spot, 200 USD-M). */
  readonly maxStreamsPerConnection?: number;
  /**
   * With a speed factor: a connection whose unsent bytes exceed this is closed with 1008 (it
   * cannot keep up with the replay; default 4 MiB).
   */
  readonly maxBufferedBytes?: number;
  /** With `speed: 'max'`: the replay waits while any subscriber has more unsent bytes than this (default 256 KiB). */
  readonly maxSpeedBufferBytes?: number;
  /** On `close()`, how long connections get to finish their closing handshake (default 1 s). */
  readonly closeGraceMs?: number;
}

/** Options with every default filled in and checked. */
export interface ResolvedFeedServerOptions {
  readonly market: FeedMarket;
  readonly host: string;
  readonly port: number;
  readonly speed: number | 'max';
  readonly loop: boolean;
  readonly faults: FaultPlan;
  readonly seed: number;
  readonly paused: boolean;
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly pongMustEcho: boolean;
  readonly maxConnectionAgeMs: number;
  readonly shutdownNoticeMs: number;
  readonly rateLimit: RateLimit;
  readonly maxStreamsPerConnection: number;
  readonly maxBufferedBytes: number;
  readonly maxSpeedBufferBytes: number;
  readonly closeGraceMs: number;
}

/** The default port, Binance's. */
export const DEFAULT_FEED_PORT = 9443;

/** Binance's documented connection limits per market. */
export const MARKET_DEFAULTS: Readonly<Record<FeedMarket, Pick<ResolvedFeedServerOptions, 'pingIntervalMs' | 'pongTimeoutMs' | 'pongMustEcho' | 'rateLimit' | 'maxStreamsPerConnection'>>> = {
  spot: { pingIntervalMs: 20_000, pongTimeoutMs: 60_000, pongMustEcho: true, rateLimit: { messages: 5, windowMs: 1000 }, maxStreamsPerConnection: 1024 },
  usdm: { pingIntervalMs: 180_000, pongTimeoutMs: 600_000, pongMustEcho: false, rateLimit: { messages: 10, windowMs: 1000 }, maxStreamsPerConnection: 200 },
};

/** Fills in defaults for `market` and checks every value. */
export function resolveFeedServerOptions(options: FeedServerOptions, market: FeedMarket): ResolvedFeedServerOptions {
  const d = MARKET_DEFAULTS[market];
  const speed = options.speed ?? 1;
  if (speed !== 'max' && !(typeof speed === 'number' && Number.isFinite(speed) && speed > 0)) invalid('speed', `a positive factor such as 1 or 10, or "max"`, speed);
  const port = options.port ?? DEFAULT_FEED_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) invalid('port', 'an integer from 0 to 65535', port);
  const rate = options.rateLimit ?? d.rateLimit;
  return {
    market,
    host: options.host ?? '127.0.0.1',
    port,
    speed,
    loop: options.loop ?? false,
    faults: typeof options.faults === 'string' ? parseFaultSpec(options.faults) : (options.faults ?? NO_FAULTS),
    seed: options.seed ?? 1,
    paused: options.paused ?? false,
    pingIntervalMs: positive('pingIntervalMs', options.pingIntervalMs ?? d.pingIntervalMs),
    pongTimeoutMs: positive('pongTimeoutMs', options.pongTimeoutMs ?? d.pongTimeoutMs),
    pongMustEcho: options.pongMustEcho ?? d.pongMustEcho,
    maxConnectionAgeMs: positive('maxConnectionAgeMs', options.maxConnectionAgeMs ?? 24 * 3_600_000),
    shutdownNoticeMs: positive('shutdownNoticeMs', options.shutdownNoticeMs ?? 600_000, true),
    rateLimit: { messages: positive('rateLimit.messages', rate.messages), windowMs: positive('rateLimit.windowMs', rate.windowMs) },
    maxStreamsPerConnection: positive('maxStreamsPerConnection', options.maxStreamsPerConnection ?? d.maxStreamsPerConnection),
    maxBufferedBytes: positive('maxBufferedBytes', options.maxBufferedBytes ?? 4 * 1024 * 1024),
    maxSpeedBufferBytes: positive('maxSpeedBufferBytes', options.maxSpeedBufferBytes ?? 256 * 1024),
    closeGraceMs: positive('closeGraceMs', options.closeGraceMs ?? 1000, true),
  };
}

// Timers above 2^31 - 1 ms fire at once in Node; no limit here needs to be longer.
const MAX_TIMER_MS = 2_147_483_647;

function positive(name: string, value: number, allowZero = false): number {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > MAX_TIMER_MS) invalid(name, `an integer from ${allowZero ? 0 : 1} to ${MAX_TIMER_MS}`, value);
  return value;
}

function invalid(name: string, want: string, got: unknown): never {
  throw new TickflowError('CONFIG_INVALID', `feed server option ${name} must be ${want}, got ${JSON.stringify(got)}`, { option: name });
}
