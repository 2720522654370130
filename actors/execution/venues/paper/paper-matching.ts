/**
 * The paper venue's fill rules for instruments whose data shows no depth: trades only, or bars
 * only. Instruments with quotes or an L2 book follow `paper-depth-matching.ts` (consumption, book
 * walking, queue position). Pure apart from the orders they fill (through a `FillSink`); the venue
 * calls exactly one of them per record, after every request due by the record's engine time has
 * reached it.
 *
 * Eligibility (no look-ahead). An order can trade against a record only when the record's engine
 * time `tsRecv` is at or after the order's arrival (`submit ts + latency`) and the record reached the
 * venue after the order did. A bar's prices are shown from its `openTs` on, so a bar also needs
 * `openTs >=` the order's submission time: the bar in progress when the order was made (or the one
 * that made it) never fills it; the next one does, at its open. (With bars the latency is taken to
 * be below the bar's resolution: the open stands for the first price after submission.)
 *
 * Prices. Market orders take the trade's price, or the bar's open moved against them by
 * `barSlippageBps`: with `o` the open in ticks (rounded against the order), `slip = ceil(o × bps /
 * 10000)` ticks, a buy pays `o + slip` and a sell gets `o - slip`. A limit order's first eligible
 * record decides how it enters: if the market is at or through its limit there (trade price or bar
 * open at or better than the limit), it fills at that price as taker (at a bar, the slipped open,
 * but never past the limit). Otherwise it rests, and a
 * later trade, or a bar's low (buy) or high (sell), fills it at its limit price as maker when it
 * goes strictly through the limit under `limitCross: 'through'`, or reaches it under `'touch'`
 * (with no depth shown, the queue ahead at the limit is unknown: `'through'` assumes it absorbs
 * every trade at the limit).
 *
 * Sizes. With `partialFills`, a trade offers its amount to each side, and a bar
 * `barVolumeShare × volume` to each side; orders take from it in priority order (arrival, then
 * submission) and the rest waits for the next trade or bar: a print is not a standing level, so
 * nothing is remembered between records. Without `partialFills`, or at a bar showing no volume, a
 * fill takes the whole remaining quantity. Market prices off the
 * instrument's grid are rounded against the order (up for buys, down for sells) and sizes down to
 * the size increment.
 */
import type { Liquidity } from '../../../../src/model/fill.js';
import { priceToTicks, type Instrument } from '../../../../src/model/instrument.js';
import { MAX_GRID_UNITS, productUnits } from '../../../../src/model/money.js';
import type { Trade, TradeBar } from '../../../../src/model/records.js';
import { marketLots } from './paper-depth.js';
import type { VenueOrder } from './paper-order.js';
import type { FillSource } from '../venue-events.js';

/** Receives the fills the rules decide. */
export interface FillSink {
  /** `quantity` lots of `order` traded at `price` ticks at engine time `ts` (a price shown at `priceTs`). */
  fillOrder(order: VenueOrder, quantity: number, price: number, liquidity: Liquidity, ts: number, priceTs: number, source: FillSource): void;
}

/** The settings the rules read. */
export interface MatchRules {
  readonly partialFills: boolean;
  /** `limitCross: 'touch'`: trades and bars fill a resting limit at equality too. */
  readonly crossOnTouch: boolean;
  /** `barVolumeShare`: the share of a bar's volume each side's orders may take at it. */
  readonly barVolumeShare: number;
  /** `barSlippageBps` (a whole number, 0..1000). */
  readonly barSlippageBps: number;
}

// Liquidity one record offers to one side, in lots, worked out only when an order wants some (so a
// tick with nothing to fill converts nothing). Two module-level instances, reset per record: the
// rules run synchronously and never re-enter, so no record allocates a pool.
class Pool {
  amount: number;
  unlimited: boolean;
  ready: boolean;
  lots: number;
  precision: number;

  constructor() {
    this.amount = 0;
    this.unlimited = false;
    this.ready = false;
    this.lots = 0;
    this.precision = 0;
  }

  reset(amount: number, unlimited: boolean): void {
    this.amount = amount;
    this.unlimited = unlimited;
    this.ready = false;
  }

  /** Lots `instrument`'s order may take now (at most `want`), removed from the pool. */
  take(instrument: Instrument, want: number): number {
    if (this.unlimited) return want;
    if (!this.ready) {
      this.lots = this.amount > 0 ? marketLots(instrument, this.amount, 'down') : 0;
      this.precision = instrument.sizePrecision;
      this.ready = true;
    } else if (this.precision !== instrument.sizePrecision) {
      // Orders of one symbol with differently precise instruments (an inferred instrument refined
      // between submissions): carry what is left over, rounded down (saturating like `marketLots`).
      this.lots = rescaleLotsDown(this.lots, instrument.sizePrecision - this.precision);
      this.precision = instrument.sizePrecision;
    }
    let q = want < this.lots ? want : this.lots;
    q -= q % instrument.sizeIncrementLots;
    if (q > 0) this.lots -= q;
    return q;
  }
}

// `lots` (>= 0) moved `shift` decimals (10^shift times as many lots), rounded down, saturating at
// `MAX_GRID_UNITS`. Exact: integer products below 2^53 are exact doubles, and `lots - r` is a
// multiple of the power of ten it is divided by (a power beyond 2^53 leaves 0).
function rescaleLotsDown(lots: number, shift: number): number {
  if (shift >= 0) {
    const scaled = lots * 10 ** shift;
    return scaled <= MAX_GRID_UNITS ? scaled : MAX_GRID_UNITS;
  }
  const d = 10 ** -shift;
  return (lots - (lots % d)) / d;
}

// ceil(`ticks` × `bps` / 10000) for `ticks`, `bps` >= 0, exactly: in numbers while the product is
// below 2^53, else in bigints.
function slipTicks(ticks: number, bps: number): number {
  const p = ticks * bps;
  if (!Number.isSafeInteger(p)) return Number((productUnits(ticks, bps) + 9_999n) / 10_000n);
  const r = p % 10_000;
  return (p - r) / 10_000 + (r === 0 ? 0 : 1);
}

const BUYS = new Pool();
const SELLS = new Pool();

// Fills `order` from `pool` at the touch price `touch` (a market number) or, when `atLimit`, at its
// limit price.
function give(
  order: VenueOrder,
  pool: Pool,
  touch: number,
  atLimit: boolean,
  ts: number,
  priceTs: number,
  source: FillSource,
  sink: FillSink,
): void {
  const instrument = order.instrument as Instrument; // working orders always have one
  const quantity = pool.take(instrument, order.remaining);
  if (quantity <= 0) return;
  const price = atLimit ? order.limit : priceToTicks(instrument, touch, order.side === 'buy' ? 'ceil' : 'floor');
  sink.fillOrder(order, quantity, price, atLimit ? 'maker' : 'taker', ts, priceTs, source);
}

// Fills `order` from `pool` at a bar's open as taker, slipped `bps` against it (see the header),
// never past its limit.
function giveAtOpen(order: VenueOrder, pool: Pool, open: number, bps: number, ts: number, priceTs: number, sink: FillSink): void {
  const instrument = order.instrument as Instrument; // working orders always have one
  const quantity = pool.take(instrument, order.remaining);
  if (quantity <= 0) return;
  const buy = order.side === 'buy';
  const base = priceToTicks(instrument, open, buy ? 'ceil' : 'floor');
  const slip = slipTicks(base, bps);
  let price = buy ? base + slip : base - slip;
  if (order.type === 'limit' && (buy ? price > order.limit : price < order.limit)) price = order.limit;
  sink.fillOrder(order, quantity, price, 'taker', ts, priceTs, 'bar');
}

/** Fills working orders against a trade (for symbols with no quotes). */
export function matchTrade(orders: readonly VenueOrder[], trade: Trade, rules: MatchRules, sink: FillSink): void {
  const ts = trade.tsRecv;
  const p = trade.price;
  if (!(p > 0) || !(trade.amount > 0)) return;
  BUYS.reset(trade.amount, !rules.partialFills);
  SELLS.reset(trade.amount, !rules.partialFills);
  const touch = rules.crossOnTouch;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i] as VenueOrder;
    if (ts < o.arrival || o.remaining === 0) continue;
    const first = !o.seen;
    o.seen = true;
    const l = o.limitNumber;
    if (o.side === 'buy') {
      if (o.type === 'market' || (first && p <= l)) give(o, BUYS, p, false, ts, ts, 'trade', sink);
      else if (p < l || (touch && p === l)) give(o, BUYS, p, true, ts, ts, 'trade', sink);
    } else {
      if (o.type === 'market' || (first && p >= l)) give(o, SELLS, p, false, ts, ts, 'trade', sink);
      else if (p > l || (touch && p === l)) give(o, SELLS, p, true, ts, ts, 'trade', sink);
    }
  }
}

/** Fills working orders against a bar (for symbols with neither quotes nor trades). */
export function matchBar(orders: readonly VenueOrder[], bar: TradeBar, rules: MatchRules, sink: FillSink): void {
  const ts = bar.tsRecv;
  const open = bar.open;
  if (!(open > 0)) return;
  // Each side may take `barVolumeShare` of the bar's volume; no cap without partial fills or volume.
  // The product is cut to 15 significant digits so a float error (0.7 × 0.1 = 0.06999999999999999)
  // does not cost a lot when it is rounded down to the size increment.
  const cap = rules.partialFills && bar.volume > 0 ? Number((bar.volume * rules.barVolumeShare).toPrecision(15)) : 0;
  BUYS.reset(cap, !(cap > 0));
  SELLS.reset(cap, !(cap > 0));
  const bps = rules.barSlippageBps;
  const touch = rules.crossOnTouch;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i] as VenueOrder;
    // The bar must have opened at or after the order was made: its prices are not from before it.
    if (ts < o.arrival || bar.openTs < o.ts || o.remaining === 0) continue;
    const first = !o.seen;
    o.seen = true;
    const l = o.limitNumber;
    if (o.side === 'buy') {
      if (o.type === 'market' || (first && open <= l)) giveAtOpen(o, BUYS, open, bps, ts, bar.openTs, sink);
      else if (bar.low < l || (touch && bar.low === l)) give(o, BUYS, open, true, ts, bar.openTs, 'bar', sink);
    } else {
      if (o.type === 'market' || (first && open >= l)) giveAtOpen(o, SELLS, open, bps, ts, bar.openTs, sink);
      else if (bar.high > l || (touch && bar.high === l)) give(o, SELLS, open, true, ts, bar.openTs, 'bar', sink);
    }
  }
}
