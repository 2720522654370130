/**
 * The risk actor's view of the orders it approved that have not ended: per instrument
 * (`instrumentKey(exchange, symbol)`) and side, the lots they may still fill. Position and gross-exposure checks add them to the filled position
 * (the worst case), so orders in flight cannot stack past a limit.
 *
 * An order counts from its approval, before execution has even seen it, and until execution
 * reports it ended (`exec.order.*`, the changes that move open lots: `plannerOrderFilter`); partial
 * fills move lots from here to the position, since the fill report carries the order's change
 * made by the fill, applied just before the fill itself. A cancel
 * request changes nothing: the order may still fill until the cancel is confirmed. Updates of
 * orders this actor did not approve (denied ones) are ignored, and an id already counted is not
 * counted twice (execution makes one order per client order id).
 */
import type { Instrument } from '../../src/model/instrument.js';
import { instrumentKey } from '../../src/model/instrument-key.js';
import { validateNewOrder, type NewOrder, type Order, type OrderChange, type OrderSide } from '../../src/model/order.js';
import { isTerminalStatus } from '../../src/model/order-transitions.js';
import type { RiskOpenOrders } from './pre-trade-checks.js';

interface OpenOrder {
  /** Instrument key. */
  readonly key: string;
  readonly side: OrderSide;
  /** Lots it may still fill. */
  remaining: number;
}

interface SideTotals {
  buy: number;
  sell: number;
}

/** Open lots by instrument and side, kept from approvals and execution's order updates. */
export class OpenOrders implements RiskOpenOrders {
  private readonly byId: Map<string, OpenOrder>;
  private readonly totals: Map<string, SideTotals>;

  constructor() {
    this.byId = new Map();
    this.totals = new Map();
  }

  /**
   * Counts an approved order. An order execution will refuse as invalid (off the size grid, not
   * positive: `validateNewOrder`) is not counted, since no update would ever end it.
   */
  add(order: NewOrder, instrument: Instrument): void {
    if (this.byId.has(order.clientOrderId) || validateNewOrder(order, instrument) !== undefined) return;
    const key = instrumentKey(order.exchange, order.symbol);
    this.byId.set(order.clientOrderId, { key, side: order.side, remaining: order.quantity });
    this.totalsOf(key)[order.side] += order.quantity;
  }

  /** Counts an open order restored at a restart (recovery) by the lots it may still fill. */
  restore(order: Order): void {
    const remaining = order.quantity - order.filledQuantity;
    if (this.byId.has(order.clientOrderId) || isTerminalStatus(order.status) || remaining <= 0) return;
    const key = instrumentKey(order.exchange, order.symbol);
    this.byId.set(order.clientOrderId, { key, side: order.side, remaining });
    this.totalsOf(key)[order.side] += remaining;
  }

  /** Applies an order change from execution: its remaining lots, or its end. */
  update(change: OrderChange): void {
    const id = change.order.clientOrderId;
    const open = this.byId.get(id);
    if (open === undefined) return;
    const remaining = isTerminalStatus(change.status) ? 0 : change.order.quantity - change.filledQuantity;
    this.totalsOf(open.key)[open.side] += remaining - open.remaining;
    open.remaining = remaining;
    if (remaining === 0) this.byId.delete(id);
  }

  openQuantity(key: string, side: OrderSide): number {
    const totals = this.totals.get(key);
    return totals === undefined ? 0 : totals[side];
  }

  /** Number of orders counted. */
  get size(): number {
    return this.byId.size;
  }

  private totalsOf(key: string): SideTotals {
    let totals = this.totals.get(key);
    if (totals === undefined) {
      totals = { buy: 0, sell: 0 };
      this.totals.set(key, totals);
    }
    return totals;
  }
}
