/**
 * Bar aggregation for one instrument as a plain state machine: records and clock ticks in, closed
 * bars out. No actor, no RxJS, no timers of its own: the bars actor feeds it records and its
 * `ctx.clock` timer (`onTime` at `nextDeadline()`), the `bars` operator feeds it a stream.
 *
 * Time and quote bars align to interval boundaries: a record at time t falls in
 * [floor(t / I) · I, floor(t / I) · I + I) in µs, so `1d` bars run midnight to midnight UTC.
 * - On engine time (default) t is `tsRecv` and the bar [o, c) closes as soon as engine time reaches
 *   c, whether a later record or `onTime(c)` brings it there.
 * - On venue time t is `ts` and the bar closes once engine time reaches c + lateness, so records
 *   whose venue time falls in it may still arrive until then. A record whose bar has already
 *   closed is late: it is dropped and counted in `late`, never reopening a delivered bar. Several
 *   venue-time bars can be forming at once; they close in time order.
 * - On engine time a record is never dropped. A record whose interval already closed (possible only
 *   when the clock ran ahead of its receive stamp, e.g. a live timer fired while it waited in the
 *   mailbox; never in a replay, which fires timers only up to the next record's time) is carried
 *   into the bar forming at the current engine time, as that bar's earliest record, and counted in
 *   `carried`: on engine time a bar holds what the engine had processed when it closed.
 * - An interval with no record produces no bar: a bar with no trade has no open, high, low or close
 *   to report, and inventing a flat one would show trading that never happened. Consumers that want
 *   a regular grid fill gaps themselves, knowing they are gaps.
 *
 * Tick bars close on their Nth trade. Volume bars close on the trade that brings their volume to the
 * threshold or past it: that trade belongs wholly to the closing bar (it is never split), so a volume
 * bar may exceed the threshold by less than its last trade, and the next bar starts from zero. The
 * comparison allows a relative 1e-12 for float sums (ten trades of 0.1 close a `1v` bar).
 *
 * Stamps: a time or quote bar has `openTs`/`closeTs` = its interval bounds and `ts` = `closeTs`;
 * its `tsRecv`, the engine time at which it is known, is `closeTs` on engine time and
 * `closeTs + lateness` on venue time. A tick or volume bar has `openTs`/`closeTs` = the engine time
 * of its first and closing trade, and `ts`/`tsRecv` = the closing trade's.
 *
 * Records of the other family (a quote to a trade-bar aggregator, a trade to a quote-bar one) and
 * quotes without a positive price for the chosen side are counted in `ignored`; they still move
 * engine time forward for time bars. The aggregator serves one (exchange, symbol): it stamps its bars
 * with the names it was created with and does not check the records' (inside, trust the types);
 * `BarAggregatorSet` routes a mixed stream.
 */
import type { BookTicker, Trade, TradeBar } from '../../src/model/records.js';
import { BarBuilder } from './bar-builder.js';
import type { BarSpec } from './bar-spec.js';

/**
 * The shared, frozen empty result: what every input that closes no bar returns, so the common case
 * allocates nothing. Never mutate a returned array.
 */
export const NO_BARS: readonly TradeBar[] = Object.freeze([] as TradeBar[]);

/** `nextDeadline()` when no bar is waiting for the clock (no time bar forming, or tick/volume bars). */
export const NO_DEADLINE: number = Number.POSITIVE_INFINITY;

// Relative slack for volume sums of float amounts (see the file comment).
const VOLUME_SLACK = 1e-12;

/** Bar aggregation state machine for one instrument. Create with `createBarAggregator`. */
export class BarAggregator {
  readonly spec: BarSpec;
  readonly exchange: string;
  readonly symbol: string;
  private readonly timed: boolean;
  private readonly quotes: boolean;
  private readonly venue: boolean;
  private readonly intervalUs: number;
  private readonly latenessUs: number;
  private readonly volumeClose: number;
  // Forming time bars sorted by openTs (at most one on engine time), and closed builders to reuse.
  private readonly forming: BarBuilder[];
  private readonly pool: BarBuilder[];
  // The tick or volume bar being formed.
  private readonly counted: BarBuilder;
  // Highest engine time seen; every time bar with closeTs + lateness <= watermark is closed.
  private watermark: number;
  private lateCount: number;
  private carriedCount: number;
  private ignoredCount: number;
  private emittedCount: number;

  constructor(spec: BarSpec, exchange: string, symbol: string) {
    // All fields set here, in declaration order (V8 hidden classes; see BarBuilder).
    this.spec = spec;
    this.exchange = exchange;
    this.symbol = symbol;
    this.timed = spec.kind === 'time' || spec.kind === 'quote';
    this.quotes = spec.kind === 'quote';
    this.venue = spec.timeBase === 'venue';
    this.intervalUs = spec.intervalUs;
    this.latenessUs = spec.latenessUs;
    this.volumeClose = spec.volumeThreshold * (1 - VOLUME_SLACK);
    this.forming = [];
    this.pool = [];
    this.counted = new BarBuilder();
    this.watermark = Number.NEGATIVE_INFINITY;
    this.lateCount = 0;
    this.carriedCount = 0;
    this.ignoredCount = 0;
    this.emittedCount = 0;
  }

  /** Records dropped because their venue-time bar had already closed. */
  get late(): number {
    return this.lateCount;
  }

  /** Engine time only: records carried into the current bar because their own had closed. */
  get carried(): number {
    return this.carriedCount;
  }

  /** Records of the other family, and quotes with no usable price, that built nothing. */
  get ignored(): number {
    return this.ignoredCount;
  }

  /** Bars delivered so far, by any path (input, clock or flush). */
  get emitted(): number {
    return this.emittedCount;
  }

  /** Feeds a trade or a quote; returns the bars it closed (usually `NO_BARS`). */
  onRecord(record: Trade | BookTicker): readonly TradeBar[] {
    return record.type === 'trade' ? this.onTrade(record) : this.onQuote(record);
  }

  /** Feeds a trade; returns the bars it closed, oldest first (usually `NO_BARS`). */
  onTrade(trade: Trade): readonly TradeBar[] {
    if (!this.timed) return this.addCounted(trade);
    const closed = this.advance(trade.tsRecv);
    if (this.quotes) {
      this.ignoredCount++;
    } else {
      let at = this.venue ? trade.ts : trade.tsRecv;
      let bar = this.bucketFor(at);
      if (bar === null && !this.venue) {
        bar = this.carry();
        at = bar.openTs;
      }
      if (bar === null) this.lateCount++;
      else bar.addTrade(trade.price, trade.amount, trade.side, at, trade.ts, trade.tsRecv);
    }
    return closed ?? NO_BARS;
  }

  /** Feeds a best bid/offer; returns the bars it closed, oldest first (usually `NO_BARS`). */
  onQuote(quote: BookTicker): readonly TradeBar[] {
    if (!this.timed) {
      this.ignoredCount++;
      return NO_BARS;
    }
    const closed = this.advance(quote.tsRecv);
    const source = this.spec.quoteSource;
    const price =
      source === 'bid' ? quote.bidPrice : source === 'ask' ? quote.askPrice : (quote.bidPrice + quote.askPrice) / 2;
    if (!this.quotes || !(price > 0) || (source === 'mid' && !(quote.bidPrice > 0 && quote.askPrice > 0))) {
      this.ignoredCount++;
    } else {
      let at = this.venue ? quote.ts : quote.tsRecv;
      let bar = this.bucketFor(at);
      if (bar === null && !this.venue) {
        bar = this.carry();
        at = bar.openTs;
      }
      if (bar === null) this.lateCount++;
      else bar.addQuote(price, at, quote.ts, quote.tsRecv);
    }
    return closed ?? NO_BARS;
  }

  /**
   * Moves engine time to `now` (µs) and returns the time bars whose end (plus lateness) it reached,
   * oldest first. Time never goes back: an earlier `now` closes nothing.
   */
  onTime(now: number): readonly TradeBar[] {
    return this.advance(now) ?? NO_BARS;
  }

  /**
   * The engine time at which the next time bar is due to close (`onTime` then returns it), or
   * `NO_DEADLINE` when none is forming. The bars actor arms its clock timer for it after every input.
   */
  nextDeadline(): number {
    const first = this.forming[0];
    return first === undefined ? NO_DEADLINE : first.closeTs + this.latenessUs;
  }

  /**
   * End of input: closes every forming bar, oldest first, stamped as if it had closed normally (a
   * time bar keeps its interval bounds; a partial tick or volume bar ends at its last trade).
   */
  flush(): readonly TradeBar[] {
    let out: TradeBar[] | null = null;
    if (this.timed) {
      while (this.forming.length > 0) (out ??= []).push(this.closeFirst());
    } else if (this.counted.trades > 0) {
      out = [this.closeCounted()];
    }
    return out ?? NO_BARS;
  }

  private addCounted(trade: Trade): readonly TradeBar[] {
    const bar = this.counted;
    bar.addTrade(trade.price, trade.amount, trade.side, trade.tsRecv, trade.ts, trade.tsRecv);
    if (this.spec.kind === 'tick' ? bar.trades >= this.spec.tickCount : bar.volume >= this.volumeClose) {
      return [this.closeCounted()];
    }
    return NO_BARS;
  }

  private closeCounted(): TradeBar {
    const b = this.counted;
    const bar = b.toBar(this.exchange, this.symbol, this.spec.text, b.lastTs, b.lastTsRecv, b.firstAt, b.lastAt);
    b.reset(0, 0);
    this.emittedCount++;
    return bar;
  }

  // Raises the watermark to `now` and closes every time bar due by it. Null when none closed.
  private advance(now: number): TradeBar[] | null {
    if (now > this.watermark) this.watermark = now;
    let out: TradeBar[] | null = null;
    const lateness = this.latenessUs;
    let first = this.forming[0];
    while (first !== undefined && first.closeTs + lateness <= this.watermark) {
      (out ??= []).push(this.closeFirst());
      first = this.forming[0];
    }
    return out;
  }

  private closeFirst(): TradeBar {
    const b = this.forming.shift() as BarBuilder;
    const bar = b.toBar(this.exchange, this.symbol, this.spec.text, b.closeTs, b.closeTs + this.latenessUs, b.openTs, b.closeTs);
    this.pool.push(b);
    this.emittedCount++;
    return bar;
  }

  // Engine time: the bar forming at the watermark, for a record whose own bar has closed.
  private carry(): BarBuilder {
    this.carriedCount++;
    return this.bucketFor(this.watermark) as BarBuilder;
  }

  // The forming bar for time `at`, opened if needed; null when that bar has already closed (late).
  private bucketFor(at: number): BarBuilder | null {
    const interval = this.intervalUs;
    const rem = at % interval; // exact for integers, unlike floor(at / interval)
    const openTs = rem < 0 ? at - rem - interval : at - rem;
    const closeTs = openTs + interval;
    if (closeTs + this.latenessUs <= this.watermark) return null;
    const forming = this.forming;
    // Search from the newest: on engine time, and mostly on venue time, it is the last one.
    let i = forming.length - 1;
    while (i >= 0) {
      const b = forming[i] as BarBuilder;
      if (b.openTs === openTs) return b;
      if (b.openTs < openTs) break;
      i--;
    }
    const b = this.pool.pop() ?? new BarBuilder();
    b.reset(openTs, closeTs);
    // Insert after index i, keeping openTs order, without splice (which allocates its result).
    forming.push(b);
    for (let j = forming.length - 1; j > i + 1; j--) forming[j] = forming[j - 1] as BarBuilder;
    forming[i + 1] = b;
    return b;
  }
}

/**
 * Creates the aggregator for one instrument; its bars carry `exchange` and `symbol`. Parse the spec
 * with `parseBarSpec` first (once, at the edge).
 */
export function createBarAggregator(spec: BarSpec, exchange: string, symbol: string): BarAggregator {
  return new BarAggregator(spec, exchange, symbol);
}
