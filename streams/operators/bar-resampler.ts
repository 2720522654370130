/**
 * Resampling bars into coarser time bars: 1-minute bars from a file into the `--bar 1h` the
 * strategy asked for. Exact OHLCV aggregation: open of the first bar, highest high, lowest low,
 * close of the last bar; volume, buy and sell volume summed as decimals (a sum of `0.1` and `0.2`
 * is `0.3`, not the float `0.30000000000000004`), trades summed, vwap weighted by volume (the close
 * when there is none). Buckets are aligned to the spec's boundaries in engine time, like the bars the
 * aggregator builds from trades: a 1h bar covers `[k·1h, (k+1)·1h)` from the epoch, whatever the first
 * bar of the file.
 *
 * A source bar belongs to the bucket holding its `openTs`; one that ends past that bucket (a source
 * interval that does not divide the spec's, or bars off their own grid) cannot be split exactly: it
 * is put in that bucket all the same and counted in `straddling` (`compatibility` refuses such inputs
 * before a run). Bars must come in time order per instrument, as bar files and the bus give them.
 *
 * A bucket closes, and its bar is returned, when a bar ending at the bucket's end arrives (the
 * bucket is complete), when a bar of a later bucket arrives (the source skipped the rest), when
 * `onTime` passes its end (a quiet market), or at `flush` (end of input; the last bar may be
 * partial). The bar is stamped like an aggregator's time bar: `openTs`/`closeTs` the bucket's
 * bounds and `ts = tsRecv = closeTs`.
 */
import { decimalOfNumber, pow10, unitsToNumber } from '../../src/model/money.js';
import type { TradeBar } from '../../src/model/records.js';
import { NO_DEADLINE } from './bar-aggregator.js';
import type { BarSpec } from './bar-spec.js';

/** A decimal running sum: integer units at the finest scale seen so far. */
class ExactSum {
  units: bigint;
  scale: number;

  constructor() {
    this.units = 0n;
    this.scale = 0;
  }

  add(x: number): void {
    const d = decimalOfNumber(x);
    if (d.scale > this.scale) {
      this.units *= pow10(d.scale - this.scale);
      this.scale = d.scale;
    }
    this.units += d.units * pow10(this.scale - d.scale);
  }

  get value(): number {
    return unitsToNumber(this.units, this.scale);
  }
}

/** One forming coarse bar of one instrument. */
class Bucket {
  readonly exchange: string;
  readonly symbol: string;
  readonly openTs: number;
  readonly closeTs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  readonly volume: ExactSum;
  readonly buyVolume: ExactSum;
  readonly sellVolume: ExactSum;
  trades: number;
  /** Σ vwap · volume of the source bars, for the vwap. */
  notional: number;
  /** Source bars added. */
  bars: number;

  constructor(first: TradeBar, openTs: number, closeTs: number) {
    // Every field set here, in one order: one hidden class for every bucket.
    this.exchange = first.exchange;
    this.symbol = first.symbol;
    this.openTs = openTs;
    this.closeTs = closeTs;
    this.open = first.open;
    this.high = first.high;
    this.low = first.low;
    this.close = first.close;
    this.volume = new ExactSum();
    this.buyVolume = new ExactSum();
    this.sellVolume = new ExactSum();
    this.trades = 0;
    this.notional = 0;
    this.bars = 0;
  }

  add(bar: TradeBar): void {
    if (this.bars > 0) {
      if (bar.high > this.high) this.high = bar.high;
      if (bar.low < this.low) this.low = bar.low;
    }
    this.close = bar.close;
    this.volume.add(bar.volume);
    this.buyVolume.add(bar.buyVolume);
    this.sellVolume.add(bar.sellVolume);
    this.trades += bar.trades;
    this.notional += bar.vwap * bar.volume;
    this.bars++;
  }

  toBar(interval: string): TradeBar {
    const volume = this.volume.value;
    let vwap = this.close;
    if (volume > 0) {
      vwap = this.notional / volume;
      // Clamped against float rounding, as the aggregator's bars are.
      if (vwap > this.high) vwap = this.high;
      else if (vwap < this.low) vwap = this.low;
      else if (!(vwap === vwap)) vwap = this.close;
    }
    // Fields in the order of the TradeBar interface: every bar shares one hidden class.
    return {
      type: 'trade_bar',
      exchange: this.exchange,
      symbol: this.symbol,
      ts: this.closeTs,
      tsRecv: this.closeTs,
      interval,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume,
      buyVolume: this.buyVolume.value,
      sellVolume: this.sellVolume.value,
      trades: this.trades,
      vwap,
      openTs: this.openTs,
      closeTs: this.closeTs,
    };
  }
}

/** Resamples bars of every instrument into `spec`'s time bars (see the module comment). */
export class BarResampler {
  readonly spec: BarSpec;
  /** Coarse bars returned so far. */
  emitted: number;
  /** Source bars that ended past their bucket (see the module comment). */
  straddling: number;
  // The forming bucket per instrument (`exchange` + NUL + `symbol`).
  private readonly forming: Map<string, Bucket>;

  /** `spec` must be a time bar spec (`kind: 'time'`); `compatibility` says whether an input fits it. */
  constructor(spec: BarSpec) {
    this.spec = spec;
    this.emitted = 0;
    this.straddling = 0;
    this.forming = new Map();
  }

  /** Adds a source bar; returns the coarse bars it closed (an earlier bucket, its own, or none). */
  onBar(bar: TradeBar): TradeBar[] {
    const interval = this.spec.intervalUs;
    const rem = bar.openTs % interval; // exact for integers, unlike floor(at / interval)
    const openTs = rem < 0 ? bar.openTs - rem - interval : bar.openTs - rem;
    const closeTs = openTs + interval;
    const key = `${bar.exchange}\u0000${bar.symbol}`;
    const out: TradeBar[] = [];
    let bucket = this.forming.get(key);
    if (bucket !== undefined && bucket.openTs !== openTs) {
      // A later bucket: the rest of the forming one never came. (An earlier one is out of order:
      // it joins the forming bucket rather than reopen one already closed.)
      if (openTs > bucket.openTs) {
        out.push(this.close(key, bucket));
        bucket = undefined;
      }
    }
    if (bucket === undefined) {
      bucket = new Bucket(bar, openTs, closeTs);
      this.forming.set(key, bucket);
    }
    if (bar.closeTs > bucket.closeTs) this.straddling++;
    bucket.add(bar);
    if (bar.closeTs >= bucket.closeTs) out.push(this.close(key, bucket));
    return out;
  }

  /** Closes every bucket that ended at or before `t` (engine time); returns their bars in time order. */
  onTime(t: number): TradeBar[] {
    const out: TradeBar[] = [];
    for (const [key, bucket] of this.forming) if (bucket.closeTs <= t) out.push(this.close(key, bucket));
    return out.sort(byClose);
  }

  /** The earliest end of a forming bucket, or `NO_DEADLINE`. */
  nextDeadline(): number {
    let first = NO_DEADLINE;
    for (const bucket of this.forming.values()) if (bucket.closeTs < first) first = bucket.closeTs;
    return first;
  }

  /** Closes every forming bucket (end of input); the last bars may be partial. */
  flush(): TradeBar[] {
    const out: TradeBar[] = [];
    for (const [key, bucket] of this.forming) out.push(this.close(key, bucket));
    return out.sort(byClose);
  }

  private close(key: string, bucket: Bucket): TradeBar {
    this.forming.delete(key);
    this.emitted++;
    return bucket.toBar(this.spec.text);
  }
}

function byClose(a: TradeBar, b: TradeBar): number {
  return a.closeTs - b.closeTs || (a.exchange < b.exchange ? -1 : a.exchange > b.exchange ? 1 : a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
}
