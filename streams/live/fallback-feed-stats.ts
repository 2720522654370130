/**
 * What a fallback feed counts: the `SourceStats` of what it delivered, which source is active and
 * how often it changed, what the switch de-duplication refused, and every source's metrics from
 * its chain (requests, success rates overall and recent, latency p50/p99, breaker state).
 * Counters cost nothing to keep; `sources` builds its snapshot only when read.
 */
import type { Clock } from '../../src/runtime/clock.js';
import { MutableSourceStats, type SourceIssue, type SourceStats } from '../record-source.js';
import type { BreakerTransition } from './circuit-breaker.js';
import type { FallbackChain, FallbackChainSnapshot, SourceSwitch } from './fallback-chain.js';
import type { SwitchDedup } from './switch-dedup.js';

/** Everything a fallback feed counts. `records` and `byType` count what `next()` delivered. */
export interface FallbackFeedStats extends SourceStats {
  /** The source data is taken from, null while none is usable. */
  readonly active: string | null;
  readonly switches: number;
  readonly failovers: number;
  readonly failbacks: number;
  /** Trades and depth diffs refused as already delivered (seen from two sources, or twice from one). */
  readonly duplicates: number;
  /** Depth snapshots older than the book already delivered. */
  readonly staleSnapshots: number;
  /** Quotes received before the last one delivered for their symbol. */
  readonly staleQuotes: number;
  /** Quotes equal to the last delivered one, from another source. */
  readonly repeatedQuotes: number;
  /** Records delivered late (after a switch) and stamped with the last delivered receive time. */
  readonly restamped: number;
  /** Records delivered from a source after it stopped being the active one (what it already held). */
  readonly drained: number;
  /** Sources opened and closed. */
  readonly opens: number;
  readonly closes: number;
  /** Issues the sources reported (passed to `onIssue`, kept in each source's own stats). */
  readonly sourceIssues: number;
  /** Every source's metrics now, in priority order (a fresh array per read). */
  readonly sources: FallbackChainSnapshot['sources'];
}

/** The mutable counters behind `FallbackFeedStats`; every field set in the constructor, in one order. */
export class MutableFallbackFeedStats extends MutableSourceStats implements FallbackFeedStats {
  active: string | null;
  switches: number;
  failovers: number;
  failbacks: number;
  duplicates: number;
  staleSnapshots: number;
  staleQuotes: number;
  repeatedQuotes: number;
  restamped: number;
  drained: number;
  opens: number;
  closes: number;
  sourceIssues: number;
  readonly #chain: FallbackChain;
  readonly #clock: Clock;

  constructor(name: string, chain: FallbackChain, clock: Clock, maxIssues: number, onIssue: ((issue: SourceIssue) => void) | null) {
    super(name, 'fallback', maxIssues, onIssue);
    this.active = chain.names[0] ?? null;
    this.switches = 0;
    this.failovers = 0;
    this.failbacks = 0;
    this.duplicates = 0;
    this.staleSnapshots = 0;
    this.staleQuotes = 0;
    this.repeatedQuotes = 0;
    this.restamped = 0;
    this.drained = 0;
    this.opens = 0;
    this.closes = 0;
    this.sourceIssues = 0;
    this.#chain = chain;
    this.#clock = clock;
  }

  get sources(): FallbackChainSnapshot['sources'] {
    return this.#chain.snapshot(this.#clock.now()).sources;
  }

  /** Follows a change of active source; a failover is an issue naming why the source left (`opening`: its breaker's last opening). */
  switched(event: SourceSwitch, chain: FallbackChain, opening: BreakerTransition | undefined): void {
    this.active = event.to;
    this.switches = chain.switches;
    this.failovers = chain.failovers;
    this.failbacks = chain.failbacks;
    if (event.reason !== 'failover') return;
    const why = opening === undefined ? '' : `: ${event.from}'s breaker opened (${opening.reason}, ${opening.failure ?? 'no failure'}) for ${Math.round(((opening.openUntil ?? opening.at) - opening.at) / 1000)} ms`;
    this.addIssue('IO_UNAVAILABLE', 0, `${this.name}: failover from ${event.from ?? 'no source'} to ${event.to ?? 'no source'}${why}`);
  }

  /** Copies the de-duplication's counters. */
  counted(dedup: SwitchDedup): void {
    this.duplicates = dedup.duplicates;
    this.staleSnapshots = dedup.staleSnapshots;
    this.staleQuotes = dedup.staleQuotes;
    this.repeatedQuotes = dedup.repeatedQuotes;
    this.restamped = dedup.restamped;
  }
}
