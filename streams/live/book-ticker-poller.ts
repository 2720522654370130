/**
 * `createBookTickerPoller`: Binance's best bid and offer by REST polling, as a `RecordSource` of
 * `book_ticker` records: the last resort of a fallback chain when every socket is down (REST
 * usually survives what breaks a stream endpoint), or a source of its own.
 *
 * - Each symbol is asked every `intervalMs` (`GET <restUrl>/api/v3/ticker/bookTicker?symbol=S`,
 *   USD-M `/fapi/v1/...`), requests of one symbol never overlapping; a slow answer delays that
 *   symbol's next request, it never causes a burst to catch up.
 * - `tsRecv` is the engine clock when the answer was read; `ts` the answer's `time` (USD-M) or
 *   `tsRecv` (spot sends none). An answer whose update id did not advance is skipped (counted in
 *   `unchanged`); on spot, which sends no id, an answer equal to the previous one is.
 * - Every request's outcome (status, latency, classified failure with any `Retry-After`, a timeout
 *   after `timeoutMs` through an `AbortSignal`) is counted and given to `onRequest`, so a fallback
 *   chain can judge the source; `permit` is asked before each request, so the chain's breaker,
 *   rate limit and retry wait decide whether it is sent (a refusal waits until its `retryAt`).
 *   Without a chain, a `Retry-After` is still honoured: the symbol is not asked again before it.
 * - Backpressure: answers are buffered for `next()`; at `highWaterMark` quotes polling stops until
 *   `next()` takes some (requests nobody reads cost the venue's rate limit for nothing).
 * - `next()` never rejects (failures are counted, reported as issues and retried on the next
 *   interval); `close()` aborts the requests in flight and `next()` then resolves null.
 */
import type { BookTicker, MarketRecord } from '../../src/model/records.js';
import type { RecordSource } from '../record-source.js';
import { bookTickerUrl, parseBookTickerAnswer } from './book-ticker-answer.js';
import { resolveBookTickerPollerOptions, type BookTickerPollerOptions, type PollRequest, type ResolvedBookTickerPollerOptions } from './book-ticker-poller-options.js';
import { MutablePollerStats, type BookTickerPollerStats } from './book-ticker-poller-stats.js';
import { classifyError, classifyStatus, failure, type ClassifiedFailure } from './failure-class.js';
import type { TimerHandle } from './feed-timers.js';
import { GRANTED } from './permit.js';
import { failed, succeeded } from './request-outcome.js';

/** A book ticker poller: a `RecordSource` that never ends on its own. */
export interface BookTickerPoller extends RecordSource {
  readonly stats: BookTickerPollerStats;
  readonly symbols: readonly string[];
}

/** Creates the poller; the first requests go out at once. Throws `TickflowError('CONFIG_INVALID')` for bad options. */
export function createBookTickerPoller(options: BookTickerPollerOptions): BookTickerPoller {
  return new BookTickerPollerImpl(options);
}

/** One symbol's polling state; fields set in the constructor, in one order. */
class SymbolPoll {
  readonly symbol: string;
  readonly url: string;
  /** When its next request is due, µs. */
  nextAt: number;
  busy: boolean;
  /** The last update id delivered, -1 before (or on spot). */
  lastId: number;
  last: BookTicker | null;

  constructor(symbol: string, url: string, now: number) {
    this.symbol = symbol;
    this.url = url;
    this.nextAt = now;
    this.busy = false;
    this.lastId = -1;
    this.last = null;
  }
}

class BookTickerPollerImpl implements BookTickerPoller {
  readonly name: string;
  readonly symbols: readonly string[];
  readonly stats: MutablePollerStats;
  private readonly o: ResolvedBookTickerPollerOptions;
  private readonly intervalUs: number;
  private readonly polls: readonly SymbolPoll[];
  private readonly inFlight: Set<AbortController>;
  private items: MarketRecord[];
  private head: number;
  private timer: TimerHandle | null;
  private timerAt: number;
  private held: boolean;
  private closed: boolean;
  private wake: (() => void) | null;

  constructor(options: BookTickerPollerOptions) {
    const o = resolveBookTickerPollerOptions(options);
    const now = o.clock.now();
    // Every field set here, in one order (one hidden class).
    this.name = o.name;
    this.symbols = o.symbols;
    this.stats = new MutablePollerStats(o.name, o.maxIssues, o.onIssue);
    this.o = o;
    this.intervalUs = o.intervalMs * 1000;
    this.polls = o.symbols.map((s) => new SymbolPoll(s, bookTickerUrl(o.restUrl, o.market, s), now));
    this.inFlight = new Set();
    this.items = [];
    this.head = 0;
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.held = false;
    this.closed = false;
    this.wake = null;
    this.schedule();
  }

  async next(): Promise<readonly MarketRecord[] | null> {
    for (;;) {
      if (this.closed) return null;
      if (this.items.length > this.head) return this.take();
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stats.done = true;
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timer = null;
    for (const controller of this.inFlight) controller.abort();
    this.items = [];
    this.head = 0;
    this.stats.buffered = 0;
    this.signal();
  }

  private take(): MarketRecord[] {
    const end = Math.min(this.items.length, this.head + this.o.chunkSize);
    const chunk = this.items.slice(this.head, end);
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    this.stats.buffered = this.items.length - this.head;
    if (this.held) this.schedule();
    return chunk;
  }

  /** Arms the one timer for the earliest idle symbol, unless the buffer is full (then `take` calls again). */
  private schedule(): void {
    if (this.closed) return;
    if (this.items.length - this.head >= this.o.highWaterMark) {
      if (!this.held) this.stats.pauses++;
      this.held = true;
      return;
    }
    this.held = false;
    let at = Number.POSITIVE_INFINITY;
    for (const p of this.polls) if (!p.busy && p.nextAt < at) at = p.nextAt;
    if (at === Number.POSITIVE_INFINITY || at >= this.timerAt) return;
    if (this.timer !== null) this.o.timers.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.o.timers.setTimeout(() => this.tick(), Math.max(0, (at - this.o.clock.now()) / 1000));
  }

  private tick(): void {
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.closed) return;
    const now = this.o.clock.now();
    for (const p of this.polls) if (!p.busy && p.nextAt <= now) this.request(p, now);
    this.schedule();
  }

  private request(p: SymbolPoll, now: number): void {
    const permit = this.o.permit === null ? GRANTED : this.o.permit(p.symbol);
    if (!permit.ok) {
      this.stats.denied++;
      p.nextAt = permit.retryAt > now && Number.isFinite(permit.retryAt) ? permit.retryAt : now + this.intervalUs;
      return;
    }
    p.busy = true;
    void this.send(p, now);
  }

  private async send(p: SymbolPoll, startUs: number): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const timer = this.o.timers.setTimeout(() => controller.abort(), this.o.timeoutMs);
    this.stats.requests++;
    let status = 0;
    let outcome: ClassifiedFailure | BookTicker;
    try {
      const response = await this.o.fetch(p.url, { signal: controller.signal });
      status = response.status;
      const body = await response.text();
      outcome = classifyStatus(status, response.headers.get('retry-after'), this.o.wallClock) ?? this.read(p, body);
    } catch (error) {
      outcome = controller.signal.aborted ? failure('timeout', `no answer within ${this.o.timeoutMs} ms`) : classifyError(error, this.o.wallClock);
    } finally {
      this.o.timers.clearTimeout(timer);
      this.inFlight.delete(controller);
      p.busy = false;
    }
    if (this.closed) return;
    const endUs = this.o.clock.now();
    // Steady cadence from the request's start; never a burst to catch up after a slow answer.
    p.nextAt = Math.max(startUs + this.intervalUs, endUs);
    if ('class' in outcome) {
      this.failed(p, outcome, status, endUs);
      this.report({ symbol: p.symbol, status, latencyUs: endUs - startUs, outcome: failed(outcome) });
    } else {
      this.stats.successes++;
      this.deliver(p, outcome, endUs);
      this.report({ symbol: p.symbol, status, latencyUs: endUs - startUs, outcome: succeeded(endUs - startUs) });
    }
    this.schedule();
  }

  /** The answer as a quote (its tsRecv set later), or a `malformed` failure. */
  private read(p: SymbolPoll, body: string): BookTicker | ClassifiedFailure {
    const answer = parseBookTickerAnswer(body, p.symbol);
    if (typeof answer === 'string') {
      this.stats.malformed++;
      return failure('malformed', answer);
    }
    const ts = answer.timeMs >= 0 ? answer.timeMs * 1000 : -1;
    if (answer.updateId >= 0) {
      if (answer.updateId <= p.lastId) return this.unchanged();
      p.lastId = answer.updateId;
    } else {
      const l = p.last;
      if (l !== null && l.bidPrice === answer.bidPrice && l.bidAmount === answer.bidAmount && l.askPrice === answer.askPrice && l.askAmount === answer.askAmount) return this.unchanged();
    }
    // Field order as the stream decoder's (one hidden class for every quote).
    return { type: 'book_ticker', exchange: this.o.exchange, symbol: p.symbol, ts, tsRecv: 0, bidPrice: answer.bidPrice, bidAmount: answer.bidAmount, askPrice: answer.askPrice, askAmount: answer.askAmount };
  }

  /** A quote that did not move: a success with nothing to deliver (`deliver` skips the marker). */
  private unchanged(): BookTicker {
    this.stats.unchanged++;
    return UNCHANGED;
  }

  private deliver(p: SymbolPoll, quote: BookTicker, now: number): void {
    if (quote === UNCHANGED) return;
    const record: BookTicker = { ...quote, ts: quote.ts < 0 ? now : quote.ts, tsRecv: now };
    p.last = record;
    this.items.push(record);
    const size = this.items.length - this.head;
    this.stats.records++;
    this.stats.byType.book_ticker++;
    this.stats.buffered = size;
    if (size > this.stats.peakBuffered) this.stats.peakBuffered = size;
    this.signal();
  }

  private failed(p: SymbolPoll, f: ClassifiedFailure, status: number, now: number): void {
    this.stats.failures++;
    this.stats.failuresByClass[f.class]++;
    if (f.retryAfterUs !== undefined) p.nextAt = Math.max(p.nextAt, now + f.retryAfterUs);
    const wait = f.retryAfterUs === undefined ? '' : `; Retry-After ${Math.round(f.retryAfterUs / 1000)} ms`;
    const code = f.class === 'malformed' && status === 200 ? 'DATA_MALFORMED_LINE' : 'IO_UNAVAILABLE';
    this.stats.addIssue(code, this.stats.requests, `${this.name}: ${p.symbol} book ticker request failed (${f.class}: ${f.detail})${wait}`);
  }

  private report(request: PollRequest): void {
    try {
      this.o.onRequest?.(request);
    } catch {
      // A listener's bug is not the poller's failure.
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

/** Marks an answer that did not move (never delivered). */
const UNCHANGED: BookTicker = Object.freeze({ type: 'book_ticker', exchange: '', symbol: '', ts: 0, tsRecv: 0, bidPrice: 0, bidAmount: 0, askPrice: 0, askAmount: 0 });
