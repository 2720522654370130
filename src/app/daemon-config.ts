/**
 * The daemon's part of the configuration (`tickflow run`): feeds, HTTP, the gateway, persistence
 * and shutdown. The schemas are parts of `TickflowConfig` (config.ts), so one file and the same
 * `TICKFLOW_*` overrides configure a backtest and a daemon; a backtest ignores these keys.
 *
 * ```yaml
 * feeds:
 *   - { venue: binance, url: "ws://127.0.0.1:9443", rest: "http://127.0.0.1:9443", symbols: [BTCUSDT], channels: [trade, bookTicker, depth] }
 * http: { host: 127.0.0.1, port: 8080 }
 * gateway: { tokens: { viewer: "...", operator: "..." }, maxPayload: 65536, maxClients: 100 }
 * persistence: { store: journal, dir: ./data }
 * shutdown: { deadline: 10s }
 * metrics: { traceEvery: 1000 }
 * ```
 *
 * Rules that involve more than one key (a non-loopback bind needs tokens) are checked by
 * `daemonConfigProblems`, so `tickflow run` lists them with the schema's own problems.
 */
import { z } from 'zod';
import { durationSchema } from '../model/duration.js';

const wsUrl = z.url({ protocol: /^wss?$/, error: 'expected a ws:// or wss:// URL' });
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

/** A secondary endpoint of a feed's fallback chain: a socket URL, with its own REST base if it has one. */
const FallbackEndpoint = z.union([wsUrl, z.strictObject({ url: wsUrl, rest: httpUrl.optional() })]);

/** One live feed. */
export const FeedConfig = z.strictObject({
  venue: z.literal('binance').default('binance'),
  /** `spot` (default) or `usdm` (USD-M futures). */
  market: z.enum(['spot', 'usdm']).default('spot'),
  url: wsUrl,
  /** REST base for depth snapshots and polling (default: the `url`'s host, as `serve-feed` serves both). */
  rest: httpUrl.optional(),
  symbols: z.array(z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'a symbol of 1 to 20 letters and digits')).min(1),
  channels: z.array(z.enum(['trade', 'bookTicker', 'depth'])).min(1).default(['trade', 'bookTicker', 'depth']),
  /** Sources after the primary socket: other endpoints, then REST polling of the book ticker. */
  fallbacks: z
    .strictObject({
      urls: z.array(FallbackEndpoint).default([]),
      /** REST `ticker/bookTicker` polling period (`1s`), or `false` for none. */
      poll: z.union([z.literal(false), durationSchema()]).default(false),
    })
    .optional(),
  /** A connection with no data for this long is replaced. */
  staleTimeout: durationSchema().prefault('30s'),
  connectTimeout: durationSchema().prefault('10s'),
  restTimeout: durationSchema().prefault('10s'),
});
export type FeedConfig = z.output<typeof FeedConfig>;

/** The one HTTP port: `/healthz`, `/readyz`, `/metrics`, the dashboard and the gateway at `/ws`. */
export const HttpConfig = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.int().min(0).max(65_535).default(8080),
});

/** The WebSocket gateway. Tokens may also come from `TICKFLOW_GATEWAY__TOKENS__VIEWER` / `__OPERATOR`. */
export const GatewayConfig = z.strictObject({
  tokens: z
    .strictObject({
      viewer: z.string().min(16, 'a token of at least 16 characters').optional(),
      operator: z.string().min(16, 'a token of at least 16 characters').optional(),
    })
    .prefault({}),
  maxPayload: z.int().min(256).max(16 * 1024 * 1024).default(65_536),
  maxClients: z.int().positive().max(10_000).default(100),
});

/**
 * Where the daemon keeps what it must not lose. The journal (`<dir>/journal`, the write-ahead log)
 * is always written and is the recovery truth; `store: postgres` adds PostgreSQL as a projection
 * of it, and `redis` adds Redis (latest state and notifications). URLs default to `DATABASE_URL` and
 * `REDIS_URL`, then the loopback servers.
 */
export const PersistenceConfig = z.strictObject({
  store: z.enum(['journal', 'postgres']).default('journal'),
  dir: z.string().min(1).default('./data'),
  /** `interval` (fdatasync every 100 ms), `always` (every order and fill entry), `never` (the kernel's). */
  fsync: z.enum(['always', 'interval', 'never']).default('interval'),
  postgres: z
    .strictObject({
      url: z.string().min(1).optional(),
      schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier').default('public'),
      connectTimeout: durationSchema().prefault('5s'),
      statementTimeout: durationSchema().prefault('10s'),
    })
    .prefault({}),
  redis: z
    .strictObject({
      url: z.string().min(1).optional(),
      prefix: z.string().min(1).default('tickflow:'),
      connectTimeout: durationSchema().prefault('2s'),
      commandTimeout: durationSchema().prefault('2s'),
    })
    .optional(),
});
export type PersistenceConfig = z.output<typeof PersistenceConfig>;

/** Graceful stop: everything must be drained and flushed within `deadline`, else the exit is forced (non-zero). */
export const ShutdownConfig = z.strictObject({
  deadline: durationSchema().prefault('10s'),
});

/**
 * `/metrics` settings. `traceEvery`: one live record in this many is traced through the pipeline
 * for the per-hop and end-to-end latency histograms (`latency-sink.ts`); 0 turns tracing off. A
 * backtest never traces (its golden reports must not depend on this key).
 */
export const MetricsConfig = z.strictObject({
  traceEvery: z.int().min(0).default(1000),
});

/** Problems that span keys, as `path: message` lines (empty when none). */
export function daemonConfigProblems(config: {
  readonly http: { readonly host: string };
  readonly gateway: { readonly tokens: { readonly viewer?: string | undefined; readonly operator?: string | undefined } };
  readonly feeds: readonly unknown[];
}): string[] {
  const problems: string[] = [];
  if (config.feeds.length === 0) problems.push('feeds: at least one feed is needed to run (see the README\'s example config)');
  if (config.feeds.length > 1) problems.push('feeds: one feed per daemon for now (put every symbol of the venue in it)');
  const { viewer, operator } = config.gateway.tokens;
  if (!isLoopback(config.http.host) && viewer === undefined && operator === undefined) {
    problems.push(`gateway.tokens: binding http.host ${config.http.host} beyond loopback needs a viewer or operator token`);
  }
  return problems;
}

/** True for the loopback interfaces a daemon may serve without tokens. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
