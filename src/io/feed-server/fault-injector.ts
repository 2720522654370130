/**
 * The running state of a `FaultPlan`: which timed faults have fired in this pass, how many frames
 * each skip still has to drop per symbol, the seeded draw that picks garbage frames, and the
 * counts of every fault injected (the numbers a test compares with what its client saw).
 *
 * Everything is keyed by replay offset (µs since the pass's first record), so one recording and
 * one seed give the same faults on every run and in every pass with `--loop` (`startPass` rewinds).
 * The garbage draw happens once per frame that would be sent, before fan-out: every client sees the
 * same frames spoiled, as they would behind one broken exchange gateway.
 */
import { createRandom, type Random } from '../../runtime/random.js';
import type { FeedEvent } from './feed-event.js';
import type { FaultPlan, HttpFault, TimedSkip, TimedWindow } from './fault-spec.js';

/** Faults injected so far, by kind (frames for garbage and skips, events for the rest). */
export interface FaultCounts {
  drops: number;
  stalls: number;
  garbage: number;
  skippedTrades: number;
  skippedDepth: number;
  http429: number;
  http418: number;
}

/** An HTTP fault in force, and how much replay time it has left. */
export interface ActiveHttpFault {
  readonly status: 429 | 418;
  readonly remainingUs: number;
}

/** Runtime of a fault plan for one server. */
export class FaultInjector {
  readonly plan: FaultPlan;
  readonly counts: FaultCounts;
  private readonly seed: number;
  private random: Random;
  private dropUs: number;
  private stallsFired: number;
  private readonly tradeSkips: SkipState[];
  private readonly depthSkips: SkipState[];

  constructor(plan: FaultPlan, seed: number) {
    this.plan = plan;
    this.counts = { drops: 0, stalls: 0, garbage: 0, skippedTrades: 0, skippedDepth: 0, http429: 0, http418: 0 };
    this.seed = seed;
    this.random = createRandom(seed).fork('feed-server:garbage');
    this.dropUs = plan.dropEveryUs > 0 ? plan.dropEveryUs : Infinity;
    this.stallsFired = 0;
    this.tradeSkips = plan.skipTrades.map((s) => new SkipState(s));
    this.depthSkips = plan.skipDepth.map((s) => new SkipState(s));
  }

  /** Rewinds the timed faults and the garbage draw for a new pass over the recording. */
  startPass(): void {
    this.random = createRandom(this.seed).fork('feed-server:garbage');
    this.dropUs = this.plan.dropEveryUs > 0 ? this.plan.dropEveryUs : Infinity;
    this.stallsFired = 0;
    for (const s of this.tradeSkips) s.remaining.clear();
    for (const s of this.depthSkips) s.remaining.clear();
  }

  /** The next stall of this pass that has not fired, or null. */
  nextStall(): TimedWindow | null {
    return this.plan.stalls[this.stallsFired] ?? null;
  }

  /** Marks the stall `nextStall()` returned as fired, and counts it. */
  fireStall(): void {
    this.stallsFired++;
    this.counts.stalls++;
  }

  /** Replay offset of the next connection drop, µs (Infinity without `drop-every`). */
  get nextDropUs(): number {
    return this.dropUs;
  }

  /** Counts the drop due at `nextDropUs` and moves to the next period. */
  fireDrop(): void {
    this.counts.drops++;
    this.dropUs += this.plan.dropEveryUs;
  }

  /** True when `event` (at `offsetUs`) is to be skipped by a `skip-trades` or `skip-depth` fault. */
  skips(event: FeedEvent, offsetUs: number): boolean {
    if (event.kind === 'trade' && this.tradeSkips.length > 0 && take(this.tradeSkips, event.symbol, offsetUs)) {
      this.counts.skippedTrades++;
      return true;
    }
    if (event.kind === 'depth' && this.depthSkips.length > 0 && take(this.depthSkips, event.symbol, offsetUs)) {
      this.counts.skippedDepth++;
      return true;
    }
    return false;
  }

  /**
   * For a frame about to be sent: -1 to send it whole, or the fraction of its text to keep (in
   * [0.1, 0.9): a cut JSON text, never well-formed) when the garbage draw picks it.
   */
  garbageCut(): number {
    if (this.plan.garbage === 0) return -1;
    if (this.random.next() >= this.plan.garbage) return -1;
    this.counts.garbage++;
    return 0.1 + 0.8 * this.random.next();
  }

  /** The HTTP fault in force at `offsetUs` (the first listed wins), or null. Not counted here. */
  httpFault(offsetUs: number): ActiveHttpFault | null {
    for (const fault of this.plan.http as readonly HttpFault[]) {
      if (fault.atUs <= offsetUs && offsetUs < fault.atUs + fault.durationUs) return { status: fault.status, remainingUs: fault.atUs + fault.durationUs - offsetUs };
    }
    return null;
  }

  /** The total of every count. */
  total(): number {
    const c = this.counts;
    return c.drops + c.stalls + c.garbage + c.skippedTrades + c.skippedDepth + c.http429 + c.http418;
  }
}

/** One skip fault: frames still to drop, per symbol (a symbol starts at the fault's count). */
class SkipState {
  readonly fault: TimedSkip;
  readonly remaining: Map<string, number>;

  constructor(fault: TimedSkip) {
    this.fault = fault;
    this.remaining = new Map();
  }
}

function take(skips: readonly SkipState[], symbol: string, offsetUs: number): boolean {
  for (const skip of skips) {
    if (skip.fault.atUs > offsetUs) return false; // sorted by time
    const left = skip.remaining.get(symbol) ?? skip.fault.count;
    if (left > 0) {
      skip.remaining.set(symbol, left - 1);
      return true;
    }
  }
  return false;
}
