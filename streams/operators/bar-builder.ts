/**
 * The mutable accumulator behind one forming bar. Aggregators keep a small pool of these and reuse
 * them bar after bar, so adding a trade or a quote allocates nothing; only `toBar` allocates, once
 * per closed bar.
 */
import type { Side, TradeBar } from '../../src/model/records.js';

/**
 * One forming bar. Open and close follow the records' times, not their arrival order: the open is
 * the price at the earliest time seen (the first to arrive among equal times), the close the price
 * at the latest time (the last to arrive among equal times). On engine time, where records arrive in
 * time order, that is simply first and last; on venue time it puts a trade that arrived late but
 * within the lateness where it belongs.
 */
export class BarBuilder {
  /** Interval bounds for time bars ([openTs, closeTs)); unused (0) for tick and volume bars. */
  openTs: number;
  closeTs: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  buyVolume: number;
  sellVolume: number;
  /** Trades, or quotes for quote bars. 0 means the bar is empty. */
  trades: number;
  /** Σ price · amount, for the vwap. */
  notional: number;
  /** Earliest and latest time of the records added (in the aggregator's time base). */
  firstAt: number;
  lastAt: number;
  /** `ts` and `tsRecv` of the last record to arrive: a tick or volume bar is stamped with them. */
  lastTs: number;
  lastTsRecv: number;

  constructor() {
    // Every field initialised here, numbers only, in declaration order: one hidden class for every
    // builder, so the aggregator's property accesses stay monomorphic.
    this.openTs = 0;
    this.closeTs = 0;
    this.open = 0;
    this.high = 0;
    this.low = 0;
    this.close = 0;
    this.volume = 0;
    this.buyVolume = 0;
    this.sellVolume = 0;
    this.trades = 0;
    this.notional = 0;
    this.firstAt = 0;
    this.lastAt = 0;
    this.lastTs = 0;
    this.lastTsRecv = 0;
  }

  /** Empties the builder for a new bar over [openTs, closeTs) (both 0 for tick and volume bars). */
  reset(openTs: number, closeTs: number): void {
    this.openTs = openTs;
    this.closeTs = closeTs;
    this.open = 0;
    this.high = 0;
    this.low = 0;
    this.close = 0;
    this.volume = 0;
    this.buyVolume = 0;
    this.sellVolume = 0;
    this.trades = 0;
    this.notional = 0;
    this.firstAt = 0;
    this.lastAt = 0;
    this.lastTs = 0;
    this.lastTsRecv = 0;
  }

  /**
   * Adds a trade at time `at`. Side `unknown` counts in `volume` only, so
   * `buyVolume + sellVolume <= volume`.
   */
  addTrade(price: number, amount: number, side: Side, at: number, ts: number, tsRecv: number): void {
    this.addPrice(price, at, ts, tsRecv);
    this.volume += amount;
    this.notional += price * amount;
    if (side === 'buy') this.buyVolume += amount;
    else if (side === 'sell') this.sellVolume += amount;
  }

  /** Adds a quote's chosen price at time `at`: OHLC and the count move, volumes stay 0. */
  addQuote(price: number, at: number, ts: number, tsRecv: number): void {
    this.addPrice(price, at, ts, tsRecv);
  }

  /**
   * The closed bar. `vwap` is Σ price·amount / Σ amount, clamped into [low, high] against float
   * rounding (a single trade's p·a/a need not give p back exactly); with no volume (quote bars,
   * zero-amount trades) it is the close.
   */
  toBar(
    exchange: string,
    symbol: string,
    interval: string,
    ts: number,
    tsRecv: number,
    openTs: number,
    closeTs: number,
  ): TradeBar {
    let vwap = this.close;
    if (this.volume > 0) {
      vwap = this.notional / this.volume;
      if (vwap > this.high) vwap = this.high;
      else if (vwap < this.low) vwap = this.low;
      else if (!(vwap === vwap)) vwap = this.close; // NaN from a non-finite input
    }
    // Fields in the order of the TradeBar interface: every bar shares one hidden class.
    return {
      type: 'trade_bar',
      exchange,
      symbol,
      ts,
      tsRecv,
      interval,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.volume,
      buyVolume: this.buyVolume,
      sellVolume: this.sellVolume,
      trades: this.trades,
      vwap,
      openTs,
      closeTs,
    };
  }

  private addPrice(price: number, at: number, ts: number, tsRecv: number): void {
    if (this.trades === 0) {
      this.open = price;
      this.high = price;
      this.low = price;
      this.close = price;
      this.firstAt = at;
      this.lastAt = at;
    } else {
      if (price > this.high) this.high = price;
      if (price < this.low) this.low = price;
      if (at < this.firstAt) {
        this.firstAt = at;
        this.open = price;
      }
      if (at >= this.lastAt) {
        this.lastAt = at;
        this.close = price;
      }
    }
    this.trades++;
    this.lastTs = ts;
    this.lastTsRecv = tsRecv;
  }
}
