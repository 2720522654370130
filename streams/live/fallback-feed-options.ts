/**
 * Options of the fallback feed (`createFallbackFeed`), their defaults, and their one validation
 * (`resolveFallbackFeedOptions`): a bad value is a `TickflowError('CONFIG_INVALID')` naming the
 * option. The sources' policies are validated by the chain itself when the feed builds it.
 */
import type { Clock } from '../../src/runtime/clock.js';
import { TickflowError } from '../../src/runtime/errors.js';
import { createRandom, type Random } from '../../src/runtime/random.js';
import type { SourceIssue } from '../record-source.js';
import type { SourceSwitch } from './fallback-chain.js';
import type { FallbackFeedSource } from './fallback-feed-source.js';
import type { FeedTimers } from './feed-timers.js';
import type { SourceMetricsOptions } from './source-metrics.js';

/** Options of `createFallbackFeed`. */
export interface FallbackFeedOptions {
  /** The symbols served, handed to every source's `open`. At least one. */
  readonly symbols: readonly string[];
  /** In priority order, the preferred first: the chain's policies plus each source's factory. */
  readonly sources: readonly FallbackFeedSource[];
  readonly clock: Clock;
  readonly timers: FeedTimers;
  /** Seeded randomness of the breakers and retries (default `createRandom(1)`). */
  readonly random?: Random;
  /**
   * A `stream` attempt with no data for this long while the feed waits for it fails as a timeout
   * (default 60 s). A backstop for sources that report nothing: the socket feed's own connect and
   * stale timeouts come first.
   */
  readonly attemptTimeoutMs?: number;
  readonly metrics?: SourceMetricsOptions;
  /** Keys remembered by the de-duplication per kind (default 1024). */
  readonly dedupMaxKeys?: number;
  /** Default `fallback:<symbols>`. */
  readonly name?: string;
  /** Issues kept in `stats.issues` (default 100). */
  readonly maxIssues?: number;
  /** Told every change of active source (failover or failback), synchronously. */
  readonly onSwitch?: (event: SourceSwitch) => void;
  /** Told every issue: the feed's own (each failover) and its sources'. */
  readonly onIssue?: (issue: SourceIssue) => void;
}

/** Options with every default filled in and checked. */
export interface ResolvedFallbackFeedOptions {
  readonly symbols: readonly string[];
  readonly sources: readonly FallbackFeedSource[];
  readonly clock: Clock;
  readonly timers: FeedTimers;
  readonly random: Random;
  readonly attemptTimeoutMs: number;
  readonly metrics: SourceMetricsOptions | undefined;
  readonly dedupMaxKeys: number;
  readonly name: string;
  readonly maxIssues: number;
  readonly onSwitch: ((event: SourceSwitch) => void) | null;
  readonly onIssue: ((issue: SourceIssue) => void) | null;
}

const MAX_TIMER_MS = 2_147_483_647;

/** Fills in defaults and checks every value; throws `CONFIG_INVALID` naming the first bad option. */
export function resolveFallbackFeedOptions(o: FallbackFeedOptions): ResolvedFallbackFeedOptions {
  if (!Array.isArray(o.symbols) || o.symbols.length === 0) invalid('symbols', 'at least one symbol', o.symbols);
  for (const s of o.symbols) if (typeof s !== 'string' || s === '') invalid('symbols', 'non-empty symbol names', s);
  if (!Array.isArray(o.sources) || o.sources.length === 0) invalid('sources', 'at least one source', o.sources);
  for (const s of o.sources) {
    if (typeof s.open !== 'function') invalid('sources', 'sources with an open(link) factory', s.name);
    if (s.kind !== undefined && s.kind !== 'stream' && s.kind !== 'requests') invalid('sources[].kind', '"stream" or "requests"', s.kind);
  }
  const attemptTimeoutMs = o.attemptTimeoutMs ?? 60_000;
  if (!Number.isInteger(attemptTimeoutMs) || attemptTimeoutMs < 1 || attemptTimeoutMs > MAX_TIMER_MS) invalid('attemptTimeoutMs', `an integer number of ms from 1 to ${MAX_TIMER_MS}`, attemptTimeoutMs);
  return {
    symbols: [...o.symbols],
    sources: o.sources,
    clock: o.clock,
    timers: o.timers,
    random: o.random ?? createRandom(1),
    attemptTimeoutMs,
    metrics: o.metrics,
    dedupMaxKeys: count('dedupMaxKeys', o.dedupMaxKeys ?? 1024),
    name: o.name ?? `fallback:${o.symbols.join(',')}`,
    maxIssues: count('maxIssues', o.maxIssues ?? 100),
    onSwitch: o.onSwitch ?? null,
    onIssue: o.onIssue ?? null,
  };
}

function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) invalid(name, 'a whole number ≥ 1', value);
  return value;
}

function invalid(name: string, want: string, got: unknown): never {
  throw new TickflowError('CONFIG_INVALID', `fallback feed option ${name} must be ${want}, got ${JSON.stringify(got)}`, { option: name });
}
