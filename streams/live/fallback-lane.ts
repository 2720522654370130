/**
 * One source of a fallback feed while the feed runs: the open `RecordSource` (or none), the chunk
 * read from it and not yet delivered, and, for a `stream` source, the connection attempt being
 * judged (see `fallback-feed-source.ts`). The lane reports its source's outcomes to the chain; the
 * feed (`fallback-feed.ts`) decides which lanes are open, read, drained or closed.
 *
 * Reads are one at a time and only when the feed asks (`read`), so a source is never read ahead of
 * its consumer by more than one chunk. Each opening has a generation: a chunk, an issue or a timer
 * of a source already closed is ignored, so nothing of an old connection leaks into a new one.
 */
import type { MarketRecord } from '../../src/model/records.js';
import type { Clock } from '../../src/runtime/clock.js';
import type { RecordSource, SourceIssue } from '../record-source.js';
import type { FallbackChain } from './fallback-chain.js';
import type { FallbackFeedSource, SourceKind, SourceLink } from './fallback-feed-source.js';
import { classifyFeedIssue } from './feed-issue-failure.js';
import type { FeedTimers, TimerHandle } from './feed-timers.js';
import { classifyError, failure, type ClassifiedFailure } from './failure-class.js';
import { denied, type Permit } from './permit.js';
import { failed, succeeded } from './request-outcome.js';

/** What a lane needs from its feed. */
export interface LaneHost {
  readonly chain: FallbackChain;
  readonly clock: Clock;
  readonly timers: FeedTimers;
  readonly symbols: readonly string[];
  readonly attemptTimeoutMs: number;
  /** Something the feed may be waiting for happened (a chunk, an end, an outcome). */
  wake(): void;
  /** An issue of a source, to count and pass on. */
  sourceIssue(issue: SourceIssue): void;
  /** A source is closing; `close()` of the feed awaits it. */
  closing(done: Promise<void>): void;
}

/** Refused to a source that is draining or retiring: no new request, as if its trial slots were busy. */
const RETIRED: Permit = Object.freeze(denied('trial-busy', Number.POSITIVE_INFINITY));

/** One source's life in a fallback feed. Fields set in the constructor, in one order. */
export class FallbackLane {
  readonly index: number;
  readonly name: string;
  readonly kind: SourceKind;
  source: RecordSource | null;
  /** Times opened. */
  opens: number;
  /** No longer used: what it already holds is delivered (at most `drainBudget` more records), then it closes. */
  draining: boolean;
  drainBudget: number;
  /** To be closed once the trial it holds is settled (its requests refused meanwhile). */
  retiring: boolean;
  /** `requests`: requests granted through the link and not yet reported. */
  inFlight: number;
  /** `stream`: start of the attempt being judged (µs), -1 when none; whether it is a half-open trial. */
  attemptAt: number;
  attemptIsTrial: boolean;
  /** Not to be opened again before this engine time (after its factory threw). */
  notBefore: number;
  private readonly spec: FallbackFeedSource;
  private readonly host: LaneHost;
  private readonly ready: (readonly MarketRecord[])[];
  private reading: boolean;
  private generation: number;
  private attemptTimer: TimerHandle | null;

  constructor(index: number, spec: FallbackFeedSource, host: LaneHost) {
    this.index = index;
    this.name = spec.name;
    this.kind = spec.kind ?? 'stream';
    this.source = null;
    this.opens = 0;
    this.draining = false;
    this.drainBudget = 0;
    this.retiring = false;
    this.inFlight = 0;
    this.attemptAt = -1;
    this.attemptIsTrial = false;
    this.notBefore = Number.NEGATIVE_INFINITY;
    this.spec = spec;
    this.host = host;
    this.ready = [];
    this.reading = false;
    this.generation = 0;
    this.attemptTimer = null;
  }

  get isOpen(): boolean {
    return this.source !== null;
  }

  /** True while closing would abandon a half-open trial: the breaker would wait for its report for ever. */
  get holdsTrial(): boolean {
    return this.kind === 'stream' ? this.attemptAt >= 0 && this.attemptIsTrial : this.inFlight > 0;
  }

  /** Records the source says it holds unread (`stats.buffered`, as the socket feed and the poller keep), else 0. */
  get buffered(): number {
    const b = (this.source?.stats as { readonly buffered?: unknown } | undefined)?.buffered;
    return typeof b === 'number' ? b : 0;
  }

  get hasReady(): boolean {
    return this.ready.length > 0;
  }

  /** Opens the source; a `stream` source starts an attempt (`trial`: a half-open trial, its permit taken). */
  open(now: number, trial: boolean): void {
    const gen = ++this.generation;
    this.draining = false;
    this.retiring = false;
    try {
      this.source = this.spec.open(this.link(gen));
    } catch (error) {
      this.source = null;
      this.notBefore = now + this.host.attemptTimeoutMs * 1000;
      this.host.chain.report(this.name, failed(classifyError(error, () => this.host.clock.now())), now);
      this.host.wake();
      return;
    }
    this.opens++;
    if (this.kind === 'stream') this.startAttempt(now, trial);
  }

  /** Starts judging a new attempt of a `stream` source. */
  startAttempt(now: number, trial: boolean): void {
    this.clearAttempt();
    this.attemptAt = now;
    this.attemptIsTrial = trial;
    this.armAttempt(this.generation, this.host.attemptTimeoutMs);
  }

  /** Closes the source (idempotent); what was read and not taken is dropped. */
  close(): void {
    const source = this.source;
    if (source === null) return;
    this.generation++;
    this.source = null;
    this.ready.length = 0;
    this.reading = false;
    this.clearAttempt();
    this.inFlight = 0;
    this.draining = false;
    this.retiring = false;
    this.host.closing(source.close().catch(() => undefined));
  }

  /** Starts drawing down what the source holds, judging it no more. */
  startDrain(): void {
    this.draining = true;
    this.clearAttempt();
    this.drainBudget = this.buffered;
  }

  /** Starts reading one chunk, unless a read is in flight. The chunk is kept for `take`. */
  read(): void {
    const source = this.source;
    if (this.reading || source === null) return;
    this.reading = true;
    const gen = this.generation;
    source.next().then(
      (chunk) => this.onChunk(gen, chunk),
      (error: unknown) => this.onError(gen, error),
    );
  }

  /** The oldest chunk read and not yet taken. */
  take(): readonly MarketRecord[] | undefined {
    const chunk = this.ready.shift();
    if (chunk !== undefined && this.draining) this.drainBudget -= chunk.length;
    return chunk;
  }

  private onChunk(gen: number, chunk: readonly MarketRecord[] | null): void {
    if (gen !== this.generation) return;
    this.reading = false;
    const now = this.host.clock.now();
    if (chunk === null) return this.ended(failure('reset', 'the source ended'), now);
    // Success only for data received since the attempt began: a backlog from before a failure proves nothing.
    if (this.attemptAt >= 0 && chunk.length > 0 && (chunk[chunk.length - 1] as MarketRecord).tsRecv >= this.attemptAt) {
      const latencyUs = now - this.attemptAt;
      this.clearAttempt();
      this.host.chain.report(this.name, succeeded(latencyUs), now);
    }
    if (chunk.length > 0) this.ready.push(chunk);
    this.host.wake();
  }

  private onError(gen: number, error: unknown): void {
    if (gen !== this.generation) return;
    this.reading = false;
    this.ended(classifyError(error, () => this.host.clock.now()), this.host.clock.now());
  }

  /** The source ended or rejected: it is closed, and that is a failure of the source. */
  private ended(f: ClassifiedFailure, now: number): void {
    this.close();
    this.host.chain.report(this.name, failed(f), now);
    this.host.wake();
  }

  /** A failure of the current opening: reported; a stream source reconnects by itself, so a new attempt starts. */
  private fail(gen: number, f: ClassifiedFailure): void {
    if (gen !== this.generation) return;
    const now = this.host.clock.now();
    const trial = this.attemptAt >= 0 && this.attemptIsTrial;
    this.clearAttempt();
    this.host.chain.report(this.name, failed(f), now);
    // A failed trial opened the breaker again: the feed closes the source; no attempt to judge.
    if (!trial && !this.draining && this.kind === 'stream') this.startAttempt(now, false);
    this.host.wake();
  }

  private armAttempt(gen: number, ms: number): void {
    this.attemptTimer = this.host.timers.setTimeout(() => {
      this.attemptTimer = null;
      if (gen !== this.generation || this.attemptAt < 0) return;
      // Nobody asked for data meanwhile: the silence is ours, not the source's.
      if (!this.reading) return this.armAttempt(gen, this.host.attemptTimeoutMs);
      this.fail(gen, failure('timeout', `no data within ${this.host.attemptTimeoutMs} ms`));
    }, ms);
  }

  private clearAttempt(): void {
    if (this.attemptTimer !== null) this.host.timers.clearTimeout(this.attemptTimer);
    this.attemptTimer = null;
    this.attemptAt = -1;
    this.attemptIsTrial = false;
  }

  private link(gen: number): SourceLink {
    const host = this.host;
    const name = this.name;
    const wallClock = (): number => host.clock.now();
    return {
      source: name,
      symbols: host.symbols,
      permit: () => {
        if (gen !== this.generation || this.draining || this.retiring) return RETIRED;
        const permit = host.chain.acquire(name, host.clock.now());
        if (permit.ok) this.inFlight++;
        return permit;
      },
      report: (outcome) => {
        if (gen === this.generation && this.inFlight > 0) this.inFlight--;
        host.chain.report(name, outcome, host.clock.now());
        host.wake();
      },
      fail: (f) => this.fail(gen, f),
      onIssue: (issue) => {
        host.sourceIssue(issue);
        const f = classifyFeedIssue(issue, wallClock);
        if (f !== null) this.fail(gen, f);
      },
    };
  }
}
