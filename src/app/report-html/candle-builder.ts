/**
 * Price candles of bounded count for the HTML report: open, high, low and close per interval of
 * engine time, at the finest step of `CANDLE_STEPS_US` that keeps a run under `MAX_CANDLES`.
 *
 * Resolution. Candles start at the first step (1 s). When one more interval would make more than
 * the cap, the builder moves to the next step and merges what it holds into it; every step is a
 * whole multiple of the one before and all intervals are aligned to the epoch (`floor(t / step) ×
 * step`), so merging is exact: the candles are exactly what recording at the coarser step from the
 * start would have given. Past the last step (1 week) the step doubles. So memory is bounded by the
 * cap, the whole run is covered, and the result depends only on the prices and their times (no
 * wall clock, no chunking), so it is deterministic.
 *
 * Order. Prices come in engine-time order; a bar's open time can run behind the candles already
 * built (a bar file merged with other inputs), and then it merges into the candle of its interval,
 * found from the end, or is inserted in order: never dropped.
 */

/** Interval steps in µs, finest first: 1s, 5s, 15s, 1m, 5m, 15m, 1h, 4h, 1d, 1w. */
export const CANDLE_STEPS_US: readonly number[] = [1, 5, 15, 60, 300, 900, 3_600, 14_400, 86_400, 604_800].map((s) => s * 1_000_000);

/** Candles kept per instrument and source, at most. */
export const MAX_CANDLES = 2_000;

/** One candle: its interval's start (engine time, µs) and prices. */
export interface Candle {
  readonly t: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

// Every field set in the constructor, in one order (hidden class): `add` runs per tick.
class MutableCandle implements Candle {
  constructor(
    readonly t: number,
    public open: number,
    public high: number,
    public low: number,
    public close: number,
  ) {}
}

/** Builds candles from prices (`addPrice`) or bars (`addBar`); see the module comment. */
export class CandleBuilder {
  private readonly cap: number;
  private list: MutableCandle[];
  private step: number;
  private stepUs: number;

  /** `cap` candles at most (default `MAX_CANDLES`, at least 1). */
  constructor(cap: number = MAX_CANDLES) {
    if (!Number.isSafeInteger(cap) || cap < 1) throw new RangeError(`candle cap must be a positive integer, got ${cap}`);
    this.cap = cap;
    this.list = [];
    this.step = 0;
    this.stepUs = CANDLE_STEPS_US[0]!;
  }

  /** The interval of the candles now, µs. */
  get resolutionUs(): number {
    return this.stepUs;
  }

  /** The candles, in time order (a view: it changes as prices are added). */
  get candles(): readonly Candle[] {
    return this.list;
  }

  /** A trade's price (or a quote's mid) at engine time `ts` (µs). */
  addPrice(ts: number, price: number): void {
    this.addBar(ts, price, price, price, price);
  }

  /** A bar opened at `ts` (µs) with its prices. */
  addBar(ts: number, open: number, high: number, low: number, close: number): void {
    const t = ts - mod(ts, this.stepUs);
    const list = this.list;
    const last = list[list.length - 1];
    if (last !== undefined && last.t === t) {
      merge(last, high, low, close);
      return;
    }
    if (last === undefined || last.t < t) {
      list.push(new MutableCandle(t, open, high, low, close));
    } else {
      this.insertBehind(t, open, high, low, close);
    }
    // `coarsen` replaces the list: read it afresh.
    while (this.list.length > this.cap) this.coarsen();
  }

  /** A bar behind the last candle: merged into its interval's candle, or inserted in order. */
  private insertBehind(t: number, open: number, high: number, low: number, close: number): void {
    const list = this.list;
    let i = list.length - 1;
    while (i >= 0 && list[i]!.t > t) i--;
    const at = list[i];
    // A later price already closed that candle; a bar behind it cannot change its open or close.
    if (at !== undefined && at.t === t) {
      at.high = Math.max(at.high, high);
      at.low = Math.min(at.low, low);
      return;
    }
    list.splice(i + 1, 0, new MutableCandle(t, open, high, low, close));
  }

  /** Moves to the next step and merges the candles into it. */
  private coarsen(): void {
    this.step++;
    this.stepUs = this.step < CANDLE_STEPS_US.length ? CANDLE_STEPS_US[this.step]! : this.stepUs * 2;
    const merged: MutableCandle[] = [];
    for (const c of this.list) {
      const t = c.t - mod(c.t, this.stepUs);
      const last = merged[merged.length - 1];
      if (last !== undefined && last.t === t) merge(last, c.high, c.low, c.close);
      else merged.push(new MutableCandle(t, c.open, c.high, c.low, c.close));
    }
    this.list = merged;
  }
}

function merge(c: MutableCandle, high: number, low: number, close: number): void {
  if (high > c.high) c.high = high;
  if (low < c.low) c.low = low;
  c.close = close;
}

/** `x mod m` in `[0, m)`, also for times before the epoch. */
function mod(x: number, m: number): number {
  const r = x % m;
  return r < 0 ? r + m : r;
}
