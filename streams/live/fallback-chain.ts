/**
 * A fallback chain for one symbol: market-data sources in priority order (say a primary socket, a
 * secondary endpoint, REST polling of the book ticker), each with its own circuit breaker, token
 * bucket, retry backoff and metrics.
 *
 * The active source is the highest-priority one whose breaker is **closed**. When it opens the
 * chain fails over to the next closed one (or to none); a higher-priority source that has
 * recovered is not used for data while half-open: `probes(now)` names it, the caller sends it
 * trial requests alongside the active source, and when enough succeed its breaker closes and the
 * chain fails back to it. So a failed trial costs no data and no switch (switching to a half-open
 * source on every recovery attempt would flap twice per failed trial), and for a socket the trial
 * is the new connection, opened before the old one is dropped; records seen on both during the
 * switch pass once through `Dedup`.
 *
 * Everything runs on engine time passed in (`now`, integer µs from the actor clock) and on the
 * seeded `Random` given, so a chain behaves identically live and under the simulated clock. The
 * chain arms no timers: `nextWakeAt(now)` says when, without any report, the answer of `active`,
 * `probes` or `acquire` can next change, for the owning actor to arm one.
 *
 * Retries: after a failure a source is not asked again before `now + backoffDelay(retry, k)` (k
 * failures in a row, reset by a success); a server's `Retry-After` is enforced by the source's
 * breaker, which it opens for at least that long. The rate limit does not cause a switch: a throttled source is
 * waited for (`acquire` says until when), since moving to another endpoint only because we asked
 * too fast would be our fault, not the source's.
 */
import { backoffDelay, type BackoffPolicy } from '../../src/runtime/backoff.js';
import { TickflowError } from '../../src/runtime/errors.js';
import type { Random } from '../../src/runtime/random.js';
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy } from './breaker-policy.js';
import { CircuitBreaker, type BreakerState, type BreakerTransition } from './circuit-breaker.js';
import { denied, GRANTED, type Permit } from './permit.js';
import type { RequestOutcome } from './request-outcome.js';
import { SourceMetrics, type SourceMetricsOptions, type SourceMetricsSnapshot } from './source-metrics.js';
import { TokenBucket, type TokenBucketPolicy } from './token-bucket.js';

/** One source of the chain, as data. */
export interface FallbackSource {
  /** Unique within the chain; names the source in metrics and events. */
  readonly name: string;
  /** Default `DEFAULT_BREAKER_POLICY`. */
  readonly breaker?: BreakerPolicy;
  /** Absent or null: unlimited. */
  readonly rateLimit?: TokenBucketPolicy | null;
  /** Wait after a failure; default `DEFAULT_RETRY`. Its `resetAfterUs` is unused: a success resets the count. */
  readonly retry?: BackoffPolicy;
}

/** 100 ms after a failure, doubling to 30 s, with 20% jitter. */
export const DEFAULT_RETRY: BackoffPolicy = { minUs: 100_000, maxUs: 30_000_000, factor: 2, jitter: 0.2, resetAfterUs: 0 };

/** Why the active source changed: `failover` to a lower priority (or to none), `failback` to a higher one. */
export type SwitchReason = 'failover' | 'failback';

/** A change of active source. `null` means no source is usable. */
export interface SourceSwitch {
  readonly from: string | null;
  readonly to: string | null;
  readonly at: number;
  readonly reason: SwitchReason;
}

/** Options of a `FallbackChain`. */
export interface FallbackChainOptions {
  /** In priority order, the preferred first. At least one; names unique. */
  readonly sources: readonly FallbackSource[];
  /** Seeded randomness; each source's breaker and retry get their own fork, by name. */
  readonly random: Random;
  /** Engine time at creation. Default 0. */
  readonly startUs?: number;
  readonly metrics?: SourceMetricsOptions;
  /** Called synchronously on every change of active source. */
  readonly onSwitch?: (event: SourceSwitch) => void;
  /** Called synchronously on every breaker transition of any source. */
  readonly onTransition?: (source: string, transition: BreakerTransition) => void;
}

/** The chain at a moment: plain data. */
export interface FallbackChainSnapshot {
  readonly active: string | null;
  readonly switches: number;
  readonly failovers: number;
  readonly failbacks: number;
  readonly sources: readonly (SourceMetricsSnapshot & { readonly tokensAvailable: number | null })[];
}

interface Slot {
  readonly name: string;
  readonly breaker: CircuitBreaker;
  readonly bucket: TokenBucket | null;
  readonly retry: BackoffPolicy;
  readonly retryRandom: Random;
  readonly metrics: SourceMetrics;
  retryAttempt: number;
  retryAt: number;
}

/** A fallback chain over sources in priority order. */
export class FallbackChain {
  /** Source names in priority order. */
  readonly names: readonly string[];
  /** Changes of active source since creation, and the split by reason. */
  switches: number;
  failovers: number;
  failbacks: number;
  lastSwitch: SourceSwitch | null;
  private readonly slots: readonly Slot[];
  private readonly byName: ReadonlyMap<string, Slot>;
  private readonly onSwitch: ((event: SourceSwitch) => void) | undefined;
  private activeIndex: number;

  /**
   * A chain whose active source is the first. Throws `TickflowError('CONFIG_INVALID')` with no
   * sources, a duplicate or empty name, or an invalid breaker or rate-limit policy.
   */
  constructor(options: FallbackChainOptions) {
    if (options.sources.length === 0) throw new TickflowError('CONFIG_INVALID', 'a fallback chain needs at least one source', {});
    const startUs = options.startUs ?? 0;
    const byName = new Map<string, Slot>();
    const slots = options.sources.map((spec): Slot => {
      if (spec.name === '' || byName.has(spec.name)) {
        throw new TickflowError('CONFIG_INVALID', `fallback source names must be unique and non-empty, got ${JSON.stringify(spec.name)}`, { source: spec.name });
      }
      const metrics = new SourceMetrics(spec.name, options.metrics);
      const onTransition = options.onTransition;
      const slot: Slot = {
        name: spec.name,
        breaker: new CircuitBreaker(spec.breaker ?? DEFAULT_BREAKER_POLICY, {
          random: options.random.fork(`breaker:${spec.name}`),
          startUs,
          onTransition: (t) => {
            metrics.onBreakerTransition(t);
            onTransition?.(spec.name, t);
          },
        }),
        bucket: spec.rateLimit == null ? null : new TokenBucket(spec.rateLimit, startUs),
        retry: spec.retry ?? DEFAULT_RETRY,
        retryRandom: options.random.fork(`retry:${spec.name}`),
        metrics,
        retryAttempt: 0,
        retryAt: startUs,
      };
      byName.set(spec.name, slot);
      return slot;
    });
    this.names = slots.map((s) => s.name);
    this.switches = 0;
    this.failovers = 0;
    this.failbacks = 0;
    this.lastSwitch = null;
    this.slots = slots;
    this.byName = byName;
    this.onSwitch = options.onSwitch;
    this.activeIndex = 0;
  }

  /** The source to take data from at `now`: the highest-priority one whose breaker is closed, or null while none is. */
  active(now: number): string | null {
    this.refresh(now);
    return this.activeIndex < 0 ? null : (this.slots[this.activeIndex] as Slot).name;
  }

  /**
   * Sources to send a trial request at `now`: those of higher priority than the active one (all,
   * while none is active) that are half-open with a trial slot free and past their retry backoff,
   * so `acquire` grants each (bar the rate limit). A fresh array, in priority order.
   */
  probes(now: number): string[] {
    this.refresh(now);
    const end = this.activeIndex < 0 ? this.slots.length : this.activeIndex;
    const out: string[] = [];
    for (let i = 0; i < end; i++) {
      const slot = this.slots[i] as Slot;
      if (slot.breaker.state(now) === 'half-open' && slot.breaker.canRequest(now) && now >= slot.retryAt) out.push(slot.name);
    }
    return out;
  }

  /**
   * Asks to send a request costing `cost` tokens (default 1) to `source` at `now`. Granted: a token
   * (and while half-open a trial slot) is taken, and the caller must `report` the outcome. Refused
   * (counted in the source's metrics): nothing is taken, and the permit says why and when to ask
   * again, checking in this order: breaker open or trials busy, retry backoff, rate limit. Throws
   * `TickflowError('CONFIG_INVALID')` for a source not in the chain (a wiring mistake).
   */
  acquire(source: string, now: number, cost = 1): Permit {
    const slot = this.slot(source);
    const breaker = slot.breaker;
    let permit: Permit = GRANTED;
    if (!breaker.canRequest(now)) {
      permit = breaker.state(now) === 'open' ? denied('open', breaker.openUntil) : denied('trial-busy', Number.POSITIVE_INFINITY);
    } else if (now < slot.retryAt) {
      permit = denied('retry-wait', slot.retryAt);
    } else if (slot.bucket !== null && !slot.bucket.tryTake(now, cost)) {
      permit = denied('rate-limited', slot.bucket.nextAvailableAt(now, cost));
    }
    if (!permit.ok) {
      slot.metrics.recordDenied(permit.reason);
      return permit;
    }
    breaker.tryAcquire(now);
    return GRANTED;
  }

  /**
   * Reports the outcome of a request to `source` that completed at `now`, then re-evaluates the
   * active source (a failure may fail over, a trial success fail back). Late outcomes (from a
   * source no longer active, or sent before its breaker opened) count in its metrics like any
   * other. Throws `TickflowError('CONFIG_INVALID')` for a source not in the chain.
   */
  report(source: string, outcome: RequestOutcome, now: number): void {
    const slot = this.slot(source);
    if (outcome.ok) {
      slot.metrics.recordSuccess(outcome.latencyUs);
      slot.breaker.onSuccess(now);
      slot.retryAttempt = 0;
      slot.retryAt = now;
    } else {
      const f = outcome.failure;
      slot.metrics.recordFailure(f.class);
      slot.breaker.onFailure(now, f);
      // Retry-After needs nothing here: the breaker opens at least that long, and is checked first.
      slot.retryAt = Math.max(slot.retryAt, now + backoffDelay(slot.retry, slot.retryAttempt, slot.retryRandom));
      slot.retryAttempt++;
    }
    this.refresh(now);
  }

  /** The state of `source`'s breaker at `now`. */
  breakerState(source: string, now: number): BreakerState {
    return this.slot(source).breaker.state(now);
  }

  /**
   * The earliest engine time after `now` at which `active`, `probes` or `acquire` may answer
   * differently without any report (a breaker turning half-open, a retry backoff ending); Infinity
   * when nothing is pending. Token refills are left out: `acquire` gives their time when asked.
   */
  nextWakeAt(now: number): number {
    let at = Number.POSITIVE_INFINITY;
    for (const slot of this.slots) {
      const openUntil = slot.breaker.state(now) === 'open' ? slot.breaker.openUntil : Number.POSITIVE_INFINITY;
      if (openUntil < at) at = openUntil;
      if (slot.retryAt > now && slot.retryAt < at) at = slot.retryAt;
    }
    return at;
  }

  /** Every source's metrics and the switch counters at `now` (a fresh object; for the metrics reader). */
  snapshot(now: number): FallbackChainSnapshot {
    this.refresh(now);
    return {
      active: this.activeIndex < 0 ? null : (this.slots[this.activeIndex] as Slot).name,
      switches: this.switches,
      failovers: this.failovers,
      failbacks: this.failbacks,
      sources: this.slots.map((s) => ({ ...s.metrics.snapshot(), tokensAvailable: s.bucket === null ? null : s.bucket.available(now) })),
    };
  }

  private slot(source: string): Slot {
    const slot = this.byName.get(source);
    if (slot === undefined) {
      throw new TickflowError('CONFIG_INVALID', `${JSON.stringify(source)} is not a source of this fallback chain (${this.names.join(', ')})`, { source, sources: this.names });
    }
    return slot;
  }

  private refresh(now: number): void {
    let next = -1;
    for (let i = 0; i < this.slots.length; i++) {
      if ((this.slots[i] as Slot).breaker.state(now) === 'closed') {
        next = i;
        break;
      }
    }
    const prev = this.activeIndex;
    if (next === prev) return;
    this.activeIndex = next;
    // Moving down the list (or to none) is a failover; up (or from none) a failback.
    const reason: SwitchReason = next < 0 || (prev >= 0 && next > prev) ? 'failover' : 'failback';
    this.switches++;
    if (reason === 'failover') this.failovers++;
    else this.failbacks++;
    const event: SourceSwitch = { from: prev < 0 ? null : (this.slots[prev] as Slot).name, to: next < 0 ? null : (this.slots[next] as Slot).name, at: now, reason };
    this.lastSwitch = event;
    this.onSwitch?.(event);
  }
}
