/**
 * `createFallbackFeed`: one `RecordSource` over a `FallbackChain` of sources in priority order (for
 * example the primary socket, a secondary socket endpoint, REST polling of the book ticker).
 *
 * - Data comes from the chain's active source only: the highest-priority one whose breaker is
 *   closed. A source's failures reach the chain through its `SourceLink` (see
 *   `fallback-feed-source.ts`); when they open its breaker the feed fails over to the next.
 * - When a higher-priority source's breaker turns half-open the feed opens it as a probe beside
 *   the active one (a socket's trial is its new connection delivering data); when its trials
 *   succeed the chain fails back to it. A failed trial costs no data and no switch.
 * - Every record passes once through `SwitchDedup`: trade ids, depth update ids and quote receive
 *   times, so what two sources both carried during a switch is delivered once, and a source that
 *   takes over mid-stream never rewinds a book or a quote. Trades are not lost across a switch as
 *   far as the sources overlap: the source left behind first delivers what it already holds.
 * - Engine time never goes backwards: a record received before the last one delivered (a probe's
 *   backlog after a failback) is delivered with the last receive time, counted in `restamped`.
 * - Backpressure: sources are read only inside `next()`, one chunk at a time, and a probe one chunk
 *   per trial; a source neither active, probing nor draining is closed (so a source whose breaker is
 *   open, for a `Retry-After` too, is asked nothing until it turns half-open). Nothing runs between calls
 *   beyond what the sources do themselves (a socket pauses at its high-water mark, the poller stops).
 * - Time is the injected clock; the one wake-up timer (the chain's `nextWakeAt`, a refused permit's
 *   `retryAt`) goes through the timer port; randomness (breaker and retry jitter) is the seeded `random`.
 * - `next()` never rejects and never ends on its own; `close()` closes every source, then it resolves null.
 *
 * One feed serves a set of symbols, judged as a whole, not one chain per symbol: a socket carries
 * every symbol on one connection and fails for all of them at once, a per-symbol chain over it would
 * need one connection per symbol (Binance limits connection attempts per IP) or per-symbol health a
 * combined stream does not give. A set of one symbol is the per-symbol chain the issue describes;
 * symbols that must fail over independently get one feed each.
 */
import type { MarketRecord } from '../../src/model/records.js';
import type { Clock } from '../../src/runtime/clock.js';
import type { RecordSource, SourceIssue } from '../record-source.js';
import type { BreakerTransition } from './circuit-breaker.js';
import { FallbackChain, type SourceSwitch } from './fallback-chain.js';
import { resolveFallbackFeedOptions, type FallbackFeedOptions } from './fallback-feed-options.js';
import { MutableFallbackFeedStats, type FallbackFeedStats } from './fallback-feed-stats.js';
import { FallbackLane, type LaneHost } from './fallback-lane.js';
import type { FeedTimers } from './feed-timers.js';
import { SwitchDedup } from './switch-dedup.js';
import { WakeSignal } from './wake-signal.js';

/** A fallback feed: a `RecordSource` that never ends on its own. */
export interface FallbackFeed extends RecordSource {
  readonly stats: FallbackFeedStats;
  readonly symbols: readonly string[];
  /** The chain behind it (breaker states, metrics). */
  readonly chain: FallbackChain;
}

/** Creates the feed. Nothing is opened before the first `next()`. Throws `TickflowError('CONFIG_INVALID')` for bad options. */
export function createFallbackFeed(options: FallbackFeedOptions): FallbackFeed {
  return new FallbackFeedImpl(options);
}

class FallbackFeedImpl implements FallbackFeed, LaneHost {
  readonly name: string;
  readonly symbols: readonly string[];
  readonly chain: FallbackChain;
  readonly stats: MutableFallbackFeedStats;
  readonly clock: Clock;
  readonly timers: FeedTimers;
  readonly attemptTimeoutMs: number;
  private readonly lanes: readonly FallbackLane[];
  private readonly byName: ReadonlyMap<string, FallbackLane>;
  private readonly dedup: SwitchDedup;
  private readonly drains: FallbackLane[];
  private readonly closings: Set<Promise<void>>;
  private readonly openings: Map<string, BreakerTransition>;
  private readonly onSwitch: ((event: SourceSwitch) => void) | null;
  private activeLane: FallbackLane | null;
  /** The lane the chunk being passed came from. */
  private from: FallbackLane | null;
  private readonly signal: WakeSignal;
  /** The earliest `retryAt` of a permit refused in this round. */
  private retryAt: number;
  private closed: boolean;

  constructor(options: FallbackFeedOptions) {
    const o = resolveFallbackFeedOptions(options);
    this.name = o.name;
    this.symbols = o.symbols;
    this.chain = new FallbackChain({
      sources: o.sources,
      random: o.random,
      startUs: o.clock.now(),
      metrics: o.metrics,
      onSwitch: (event) => this.switched(event),
      onTransition: (source, t) => {
        if (t.to === 'open') this.openings.set(source, t);
      },
    });
    this.stats = new MutableFallbackFeedStats(this.name, this.chain, o.clock, o.maxIssues, o.onIssue);
    this.clock = o.clock;
    this.timers = o.timers;
    this.attemptTimeoutMs = o.attemptTimeoutMs;
    this.lanes = o.sources.map((spec, i) => new FallbackLane(i, spec, this));
    this.byName = new Map(this.lanes.map((l) => [l.name, l]));
    this.dedup = new SwitchDedup(o.dedupMaxKeys);
    this.drains = [];
    this.closings = new Set();
    this.openings = new Map();
    this.onSwitch = o.onSwitch;
    this.activeLane = null;
    this.from = null;
    this.signal = new WakeSignal(o.clock, o.timers);
    this.retryAt = Number.POSITIVE_INFINITY;
    this.closed = false;
  }

  async next(): Promise<readonly MarketRecord[] | null> {
    for (;;) {
      if (this.closed) return null;
      this.sync(this.clock.now());
      const chunk = this.takeDrained() ?? this.takeActive();
      if (chunk !== undefined) {
        const out = this.pass(chunk, this.from as FallbackLane);
        if (out !== null) return out;
        continue;
      }
      await this.signal.changed();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stats.done = true;
    this.signal.cancel();
    for (const lane of this.lanes) lane.close();
    this.wake();
    await Promise.all([...this.closings]);
  }

  // LaneHost

  wake(): void {
    this.signal.wake();
  }

  sourceIssue(issue: SourceIssue): void {
    this.stats.sourceIssues++;
    this.stats.pass(issue);
  }

  closing(done: Promise<void>): void {
    this.stats.closes++;
    this.closings.add(done);
    void done.finally(() => this.closings.delete(done));
  }

  /**
   * Brings the lanes in line with the chain at `now`: the active source open; higher ones that are
   * half-open probed (a `stream` trial takes its permit here, and is read one chunk to judge it);
   * the previously active one drained; any other closed, unless it holds a trial (then retired
   * once the trial is settled). Then arms the wake-up timer.
   */
  private sync(now: number): void {
    const chain = this.chain;
    const activeName = chain.active(now);
    const active = activeName === null ? null : (this.byName.get(activeName) as FallbackLane);
    const previous = this.activeLane;
    if (active !== previous) {
      this.activeLane = active;
      if (previous !== null && previous.isOpen) this.drain(previous);
    }
    const activeIndex = active === null ? this.lanes.length : active.index;
    const probes = chain.probes(now);
    this.retryAt = Number.POSITIVE_INFINITY;
    for (const lane of this.lanes) {
      if (lane === active) this.keepActive(lane, now);
      else if (lane.index < activeIndex && chain.breakerState(lane.name, now) === 'half-open') this.keepProbing(lane, probes.includes(lane.name), now);
      else if (!lane.isOpen || lane.draining) continue;
      else if (!lane.holdsTrial) lane.close();
      else {
        lane.retiring = true;
        if (lane.kind === 'stream') lane.read();
      }
    }
    this.armWake(now);
  }

  private keepActive(lane: FallbackLane, now: number): void {
    lane.draining = false;
    lane.retiring = false;
    if (lane.isOpen) return;
    if (now < lane.notBefore) return this.refused(lane.notBefore);
    if (lane.kind === 'stream') {
      const permit = this.chain.acquire(lane.name, now);
      if (!permit.ok) return this.refused(permit.retryAt);
    }
    this.openLane(lane, now, false);
  }

  private keepProbing(lane: FallbackLane, listed: boolean, now: number): void {
    lane.draining = false;
    lane.retiring = false;
    const idle = lane.kind === 'stream' ? lane.attemptAt < 0 : !lane.isOpen;
    if (listed && idle) {
      if (now < lane.notBefore) return this.refused(lane.notBefore);
      if (lane.kind === 'requests') {
        // The poller's own requests take the trial permits.
        this.openLane(lane, now, false);
      } else {
        const permit = this.chain.acquire(lane.name, now);
        if (!permit.ok) return this.refused(permit.retryAt);
        if (lane.isOpen) lane.startAttempt(now, true);
        else this.openLane(lane, now, true);
      }
    }
    if (lane.kind === 'stream' && lane.attemptAt >= 0) lane.read();
  }

  private openLane(lane: FallbackLane, now: number, trial: boolean): void {
    lane.open(now, trial);
    if (lane.isOpen) this.stats.opens++;
  }

  /** The lane stopped being the active one: deliver what it holds first, then close it. */
  private drain(lane: FallbackLane): void {
    lane.startDrain();
    if (lane.hasReady || lane.drainBudget > 0) this.drains.push(lane);
    else lane.close();
  }

  private takeDrained(): readonly MarketRecord[] | undefined {
    while (this.drains.length > 0) {
      const lane = this.drains[0] as FallbackLane;
      if (!lane.draining || !lane.isOpen) {
        this.drains.shift();
        continue;
      }
      const chunk = lane.take();
      if (chunk !== undefined) {
        this.from = lane;
        this.stats.drained += chunk.length;
        return chunk;
      }
      if (lane.drainBudget > 0 && lane.buffered > 0) {
        lane.read();
        return undefined;
      }
      this.drains.shift();
      lane.close();
    }
    return undefined;
  }

  private takeActive(): readonly MarketRecord[] | undefined {
    const lane = this.activeLane;
    if (lane === null || !lane.isOpen) return undefined;
    const chunk = lane.take();
    if (chunk !== undefined) {
      this.from = lane;
      return chunk;
    }
    lane.read();
    return undefined;
  }

  /** What of `chunk` is delivered (see `SwitchDedup.filter`), counted; null when nothing is left. */
  private pass(chunk: readonly MarketRecord[], lane: FallbackLane): readonly MarketRecord[] | null {
    const out = this.dedup.filter(chunk, lane.index);
    const stats = this.stats;
    for (let i = 0; i < out.length; i++) stats.byType[(out[i] as MarketRecord).type]++;
    stats.records += out.length;
    stats.counted(this.dedup);
    return out.length > 0 ? out : null;
  }

  private switched(event: SourceSwitch): void {
    this.stats.switched(event, this.chain, event.from === null ? undefined : this.openings.get(event.from));
    if (this.onSwitch !== null) {
      try {
        this.onSwitch(event);
      } catch {
        // A listener's bug must not end the feed.
      }
    }
    this.wake();
  }

  private refused(retryAt: number): void {
    if (retryAt < this.retryAt) this.retryAt = retryAt;
  }

  /** The wake-up at the earliest time the chain or a refused permit may answer differently. */
  private armWake(now: number): void {
    this.signal.armAt(Math.min(this.chain.nextWakeAt(now), this.retryAt));
  }
}
