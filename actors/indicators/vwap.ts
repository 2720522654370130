/**
 * Session volume-weighted average price.
 */
import { TickflowError } from '../../src/runtime/errors.js';
import type { HighLowCloseVolume, StreamingIndicator } from './streaming-indicator.js';

/**
 * Where a VWAP session starts. `'manual'`: only `reset()` starts a new session (the owner decides,
 * e.g. an actor on an exchange's session calendar). `'utc-day'`: a new session also starts with the
 * first bar whose `openTs` falls on a different UTC calendar day from the session's bars,
 * i.e. when `floor(openTs / 86_400_000_000)` changes (`openTs` in integer microseconds since the
 * epoch, as on `TradeBar`).
 */
export type VwapSession = 'manual' | 'utc-day';

/** Options of `VWAP`. */
export interface VwapOptions {
  /** Session boundary; `'manual'` when absent. */
  readonly session?: VwapSession;
}

/** A bar as `VWAP` reads it; `openTs` (µs since the epoch) is required with `session: 'utc-day'`. */
export interface VwapBar extends HighLowCloseVolume {
  readonly openTs?: number;
}

const MICROS_PER_DAY = 86_400_000_000;

/**
 * Session VWAP: `Σ TP_i · V_i / Σ V_i` over the bars of the current session, with the typical price
 * `TP = (H + L + C) / 3` (as trading-signals, technicalindicators and TradingView's `hlc3`).
 * Warm-up: the first value is returned after the first bar of the session with non-zero volume;
 * while the session's volume is 0 the value is `undefined`. A zero-volume bar leaves the value
 * unchanged (trading-signals returns `null` for such a bar instead).
 *
 * `replace` revises the session's last bar; when that bar had opened a new session, the revised bar
 * is judged against the previous session again, so revising is exact in every case.
 */
export class VWAP implements StreamingIndicator<VwapBar, number> {
  /** The session boundary in use. */
  readonly session: VwapSession;
  /** Bars before the first value (with non-zero volume): 1. */
  readonly warmUp: number;
  private readonly byUtcDay: boolean;
  // State: numeric fields get a numeric initialiser so V8 keeps them double fields (see
  // StreamingIndicator on why a constructor assignment alone boxes every update).
  private priceVolume = 0;
  private volume = 0;
  private day = Number.NaN;
  private started = false;
  // State before the last bar, so `replace` can redo it.
  private priceVolumeBefore = 0;
  private volumeBefore = 0;
  private dayBefore = Number.NaN;

  constructor(options: VwapOptions = {}) {
    // Configuration, set in one order; the state fields above are initialised just before, in
    // declaration order, so every instance has the same hidden class.
    this.session = options.session ?? 'manual';
    this.warmUp = 1;
    this.byUtcDay = this.session === 'utc-day';
  }

  /** The session VWAP, or `undefined` while the session's volume is 0. */
  get value(): number | undefined {
    return this.volume > 0 ? this.priceVolume / this.volume : undefined;
  }

  /** Appends `bar` to the session (starting a new one first at a UTC-day boundary); returns the VWAP. */
  update(bar: VwapBar): number | undefined {
    this.priceVolumeBefore = this.priceVolume;
    this.volumeBefore = this.volume;
    this.dayBefore = this.day;
    this.started = true;
    return this.apply(bar);
  }

  /** Revises the last bar to `bar`; returns the VWAP as if `bar` had been given to `update`. */
  replace(bar: VwapBar): number | undefined {
    if (!this.started) return this.update(bar);
    this.priceVolume = this.priceVolumeBefore;
    this.volume = this.volumeBefore;
    this.day = this.dayBefore;
    return this.apply(bar);
  }

  /** Starts a new session: forgets every bar. */
  reset(): void {
    this.priceVolume = 0;
    this.volume = 0;
    this.day = Number.NaN;
    this.started = false;
    this.priceVolumeBefore = 0;
    this.volumeBefore = 0;
    this.dayBefore = Number.NaN;
  }

  private apply(bar: VwapBar): number | undefined {
    if (this.byUtcDay) {
      const ts = bar.openTs;
      if (ts === undefined || !Number.isFinite(ts)) {
        throw new TickflowError('CONFIG_INVALID', "VWAP: session 'utc-day' needs bars with a numeric openTs", {
          indicator: 'VWAP',
          openTs: ts,
        });
      }
      const day = Math.floor(ts / MICROS_PER_DAY);
      if (day !== this.day) {
        this.day = day;
        this.priceVolume = 0;
        this.volume = 0;
      }
    }
    this.priceVolume += ((bar.high + bar.low + bar.close) / 3) * bar.volume;
    this.volume += bar.volume;
    return this.volume > 0 ? this.priceVolume / this.volume : undefined;
  }
}
