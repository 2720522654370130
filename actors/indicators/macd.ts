/**
 * Moving Average Convergence/Divergence.
 */
import { EMA, type EmaOptions } from './ema.js';
import { checkPeriod } from './indicator-internals.js';
import type { StreamingIndicator } from './streaming-indicator.js';

/** One MACD value: the line, its signal and their difference. */
export interface MacdValue {
  /** `EMA_fast − EMA_slow` of the input. */
  readonly macd: number;
  /** `EMA_signal` of the MACD line. */
  readonly signal: number;
  /** `macd − signal`. */
  readonly histogram: number;
}

/**
 * Appel's MACD: `macd = EMA_fast(x) − EMA_slow(x)`, `signal = EMA_signal(macd)`,
 * `histogram = macd − signal`; defaults 12, 26, 9. The `seed` option applies to all three EMAs
 * (see `EMA`). The MACD line exists once both price EMAs have warmed up (after `max(fast, slow)`
 * inputs, 26 by default), and from that input on it feeds the signal EMA, so with `seed: 'sma'` the
 * signal starts as the mean of the first `signal` MACD values, and with `seed: 'first'` it starts
 * from the first MACD value (trading-signals' convention).
 *
 * Warm-up: nothing is returned until the signal has warmed up, after `max(fast, slow) + signal − 1`
 * inputs (34 by default), so every value returned has all three fields defined; this is when LEAN's
 * MACD reports ready. The MACD line alone is readable earlier through `line`.
 *
 * Each result is a new object: results are published in messages, and an object reused across
 * updates would change under a consumer that kept it.
 */
export class MACD implements StreamingIndicator<number, MacdValue> {
  /** Fast EMA period. */
  readonly fast: number;
  /** Slow EMA period. */
  readonly slow: number;
  /** Signal EMA period. */
  readonly signal: number;
  /** Inputs before the first value: `max(fast, slow) + signal − 1`. */
  readonly warmUp: number;
  private readonly fastEma: EMA;
  private readonly slowEma: EMA;
  private readonly signalEma: EMA;
  private current: MacdValue | undefined;

  constructor(fast = 12, slow = 26, signal = 9, options: EmaOptions = {}) {
    // Fields set in one order so instances share a hidden class.
    this.fast = checkPeriod('MACD', 'fast', fast);
    this.slow = checkPeriod('MACD', 'slow', slow);
    this.signal = checkPeriod('MACD', 'signal', signal);
    this.warmUp = Math.max(fast, slow) + signal - 1;
    this.fastEma = new EMA(fast, options);
    this.slowEma = new EMA(slow, options);
    this.signalEma = new EMA(signal, options);
    this.current = undefined;
  }

  /** The last result, or `undefined` while the signal line is warming up. */
  get value(): MacdValue | undefined {
    return this.current;
  }

  /** The MACD line alone (`EMA_fast − EMA_slow`), defined from input `max(fast, slow)` on. */
  get line(): number | undefined {
    const f = this.fastEma.value;
    const s = this.slowEma.value;
    return f === undefined || s === undefined ? undefined : f - s;
  }

  /** Appends `x`; returns the MACD value, or `undefined` while warming up. */
  update(x: number): MacdValue | undefined {
    const f = this.fastEma.update(x);
    const s = this.slowEma.update(x);
    if (f === undefined || s === undefined) return (this.current = undefined);
    const line = f - s;
    const sig = this.signalEma.update(line);
    return (this.current = sig === undefined ? undefined : { macd: line, signal: sig, histogram: line - sig });
  }

  /** Revises the last input to `x`; returns the MACD value as if `x` had been given to `update`. */
  replace(x: number): MacdValue | undefined {
    const f = this.fastEma.replace(x);
    const s = this.slowEma.replace(x);
    // Whether the last input fed the signal depends only on the input count, which replace keeps,
    // so the signal EMA is revised exactly when it was updated.
    if (f === undefined || s === undefined) return (this.current = undefined);
    const line = f - s;
    const sig = this.signalEma.replace(line);
    return (this.current = sig === undefined ? undefined : { macd: line, signal: sig, histogram: line - sig });
  }

  /** Forgets every input. */
  reset(): void {
    this.fastEma.reset();
    this.slowEma.reset();
    this.signalEma.reset();
    this.current = undefined;
  }
}
