/**
 * The paper venue's fill rules for instruments whose data shows depth (`book_ticker` quotes and/or
 * an L2 book): liquidity consumption, market orders walking the book, and queue position for
 * resting limits. The depth, its consumption and the formulas are in `paper-depth.ts`. Trade-only
 * and bar-only instruments follow `paper-matching.ts`.
 *
 * Depth records (a quote, an L2 snapshot or diff) update the `DepthView`, then `matchDepth` goes
 * through the working orders in priority order (arrival, then submission). Eligibility is as in
 * `paper-matching.ts`: only records with `tsRecv >=` the order's arrival, handled after it arrived.
 * - Market orders take `available = max(0, shown - taken)` at each level from the touch outward:
 *   across the L2 book's levels while it is valid (one fill per level, at the level's price), else
 *   at the touch only. What cannot fill now waits for the next depth record.
 * - A limit order's first eligible depth record decides how it enters: marketable (opposite touch
 *   at or through its limit) it walks the same way as taker, but only levels at or better than its
 *   limit; what is left rests. A resting order joins the queue behind the size shown at its price
 *   on its own side then: `queueAhead = shown(own side, limit)` (`UNKNOWN` when the data does not
 *   cover that price; it is set the first time the data shows it, which counts every order that
 *   joined meanwhile as ahead).
 * - Queue moves. Each depth record: `queueAhead <- min(queueAhead, shown(own side, limit))` (a
 *   decrease of the displayed size is assumed to come from behind the order, the conservative
 *   choice: it moves the order up only when the level shrinks below the queue ahead). Each trade at
 *   the limit whose aggressor hit the order's side (or is unknown): `queueAhead <- max(0, queueAhead
 *   - amount)`, and the part of the amount beyond the queue, `amount - queueAhead(before)`, fills the
 *   order as maker at its limit. A trade through the limit (a sell below a buy's limit) fills up to
 *   its amount. Our orders share one trade in priority order: together they fill at most its amount.
 * - A resting order with nothing ahead (`queueAhead = 0`) also fills as maker, at its limit, when a
 *   depth record shows the opposite side at or through its limit, from that side's levels at or
 *   better than the limit, with consumption. (In a consistent book the own side is then empty at the
 *   limit, so the queue is 0 by the rule above.)
 * Without `partialFills`, or at a quote that carries no sizes at all, sizes are not limited: the
 * whole remaining quantity fills at the touch (taker) or at the limit (resting, on touch).
 */
import type { Liquidity } from '../../../../src/model/fill.js';
import { priceToTicks, type Instrument } from '../../../../src/model/instrument.js';
import type { OrderBook } from '../../../../src/model/order-book.js';
import type { Trade } from '../../../../src/model/records.js';
import { UNKNOWN, marketLots, type DepthView } from './paper-depth.js';
import type { FillSink, MatchRules } from './paper-matching.js';
import type { VenueOrder } from './paper-order.js';
import type { FillSource } from '../venue-events.js';

// Takes what level `price` of side `ask` offers to `o`, up to its remaining quantity.
function takeLevel(o: VenueOrder, view: DepthView, ask: boolean, price: number, atLimit: boolean, ts: number, source: FillSource, sink: FillSink): void {
  const instrument = o.instrument as Instrument;
  let q = view.available(ask, price, instrument, o.remaining);
  q -= q % instrument.sizeIncrementLots;
  if (q <= 0) return;
  view.take(ask, price, q, instrument);
  const fillPrice = atLimit ? o.limit : priceToTicks(instrument, price, ask ? 'ceil' : 'floor');
  const liquidity: Liquidity = atLimit ? 'maker' : 'taker';
  sink.fillOrder(o, q, fillPrice, liquidity, ts, ts, source);
}

/**
 * Fills `o` from side `ask` (asks for a buy) at levels no worse than `bound` (the limit, or
 * ±Infinity): the quote's touch, then, when the L2 book is valid, its levels beyond the touch.
 */
function walk(o: VenueOrder, view: DepthView, ask: boolean, bound: number, atLimit: boolean, ts: number, source: FillSource, sink: FillSink): void {
  const q = view.quoteTouch(ask);
  const hasQuote = q === q;
  if (hasQuote) {
    if (ask ? q > bound : q < bound) return;
    takeLevel(o, view, ask, q, atLimit, ts, source, sink);
  }
  if (!view.deep) return; // no valid L2 book: the touch only
  const book = view.book as OrderBook;
  const n = book.levelCount(ask);
  for (let i = 0; i < n && o.remaining > 0; i++) {
    const p = book.levelPrice(ask, i);
    if (hasQuote && (ask ? p <= q : p >= q)) continue; // the quote is fresher at and inside its touch
    if (ask ? p > bound : p < bound) break;
    takeLevel(o, view, ask, p, atLimit, ts, source, sink);
  }
}

/** Fills working orders after a depth record at engine time `ts` updated `view`. */
export function matchDepth(orders: readonly VenueOrder[], view: DepthView, ts: number, rules: MatchRules, source: FillSource, sink: FillSink): void {
  const unlimited = !rules.partialFills || view.unsized;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i] as VenueOrder;
    if (ts < o.arrival || o.remaining === 0) continue;
    const buy = o.side === 'buy';
    const ask = buy; // the side it takes from
    const touch = view.touch(ask);
    const first = !o.seen;
    o.seen = true;
    const l = o.limitNumber;
    const crossed = touch === touch && (buy ? touch <= l : touch >= l);
    if (unlimited) {
      if (touch !== touch) continue;
      const instrument = o.instrument as Instrument;
      if (o.type === 'market' || (first && crossed)) sink.fillOrder(o, o.remaining, priceToTicks(instrument, touch, buy ? 'ceil' : 'floor'), 'taker', ts, ts, source);
      else if (crossed) sink.fillOrder(o, o.remaining, o.limit, 'maker', ts, ts, source);
      continue;
    }
    if (o.type === 'market') {
      walk(o, view, ask, buy ? Infinity : -Infinity, false, ts, source, sink);
      continue;
    }
    if (first) {
      if (crossed) walk(o, view, ask, l, false, ts, source, sink);
      if (o.remaining > 0) o.queueAhead = view.shown(!ask, l);
      continue;
    }
    const own = view.shown(!ask, l);
    if (own !== UNKNOWN) o.queueAhead = o.queueAhead === UNKNOWN || own < o.queueAhead ? own : o.queueAhead;
    if (crossed && o.queueAhead === 0) walk(o, view, ask, l, true, ts, source, sink);
  }
}

/** Moves queues and fills resting limits against a trade, for an instrument whose data shows depth. */
export function matchDepthTrade(orders: readonly VenueOrder[], trade: Trade, rules: MatchRules, sink: FillSink): void {
  const ts = trade.tsRecv;
  const p = trade.price;
  const t = trade.amount;
  if (!(p > 0) || !(t > 0)) return;
  // What our orders already took from this trade, per side, in lots (one instrument per book).
  let takenBuy = 0;
  let takenSell = 0;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i] as VenueOrder;
    // Only resting limits: they have seen a depth record (market orders never fill on trades here).
    if (o.type !== 'limit' || !o.seen || ts < o.arrival || o.remaining === 0) continue;
    const buy = o.side === 'buy';
    const l = o.limitNumber;
    const instrument = o.instrument as Instrument;
    // In lots: the trade rounded down, the queue ahead rounded up (both against the order).
    let room = rules.partialFills ? marketLots(instrument, t, 'down') - (buy ? takenBuy : takenSell) : o.remaining;
    if (buy ? p < l : p > l) {
      o.queueAhead = 0;
    } else if (p === l && trade.side !== o.side) {
      if (o.queueAhead === UNKNOWN) continue;
      const ahead = o.queueAhead;
      o.queueAhead = ahead > t ? ahead - t : 0;
      if (rules.partialFills && ahead > 0) room -= marketLots(instrument, ahead, 'ceil');
      else if (!rules.partialFills && ahead >= t) room = 0;
    } else {
      continue;
    }
    let q = room < o.remaining ? room : o.remaining;
    q -= q % instrument.sizeIncrementLots;
    if (q <= 0) continue;
    if (buy) takenBuy += q;
    else takenSell += q;
    sink.fillOrder(o, q, o.limit, 'maker', ts, ts, 'trade');
  }
}
