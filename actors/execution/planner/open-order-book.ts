/**
 * The planner's open orders of one instrument, in creation order, with running totals per side of
 * the lots that may still fill: those of working orders (with their count) and those of orders
 * pending cancel. `planWithCancels` reads the totals to decide in constant time the common case (no
 * order works against the target and nothing open overshoots it) and walks the orders only when
 * something must be cancelled: with a hundred orders in flight, the walk on every target was a
 * quarter of the core path's CPU (issue 13).
 *
 * Every change goes through the methods, so the totals can never drift from the orders: the
 * remaining lots of an order move between totals when its status or filled quantity changes.
 */
import type { OrderSide } from '../../../src/model/order.js';
import type { OrderStatus } from '../../../src/model/order-transitions.js';

/** An open order as the planner tracks it. */
export interface PlannerOpenOrder {
  readonly clientOrderId: string;
  readonly side: OrderSide;
  readonly quantity: number;
  readonly filledQuantity: number;
  readonly status: OrderStatus;
}

interface Tracked {
  clientOrderId: string;
  side: OrderSide;
  quantity: number;
  filledQuantity: number;
  status: OrderStatus;
}

/** Lots that may still fill on each side, split by whether the order works or is pending cancel. */
export interface OpenTotals {
  readonly workingBuy: number;
  readonly workingSell: number;
  readonly workingBuyCount: number;
  readonly workingSellCount: number;
  readonly pendingCancelBuy: number;
  readonly pendingCancelSell: number;
}

/** One instrument's open orders with their totals (see the file comment). */
export class OpenOrderBook implements Iterable<PlannerOpenOrder>, OpenTotals {
  // Every field set in the constructor, in one order (one hidden class).
  private readonly orders: Map<string, Tracked>;
  workingBuy: number;
  workingSell: number;
  workingBuyCount: number;
  workingSellCount: number;
  pendingCancelBuy: number;
  pendingCancelSell: number;

  constructor() {
    this.orders = new Map();
    this.workingBuy = 0;
    this.workingSell = 0;
    this.workingBuyCount = 0;
    this.workingSellCount = 0;
    this.pendingCancelBuy = 0;
    this.pendingCancelSell = 0;
  }

  get size(): number {
    return this.orders.size;
  }

  get(clientOrderId: string): PlannerOpenOrder | undefined {
    return this.orders.get(clientOrderId);
  }

  /** Adds an order (a new id; an id already open is replaced). */
  add(order: PlannerOpenOrder): void {
    this.remove(order.clientOrderId);
    const tracked: Tracked = { clientOrderId: order.clientOrderId, side: order.side, quantity: order.quantity, filledQuantity: order.filledQuantity, status: order.status };
    this.orders.set(order.clientOrderId, tracked);
    this.count(tracked, 1);
  }

  /** Sets an open order's filled quantity and status; unknown ids are ignored. */
  update(clientOrderId: string, filledQuantity: number, status: OrderStatus): void {
    const tracked = this.orders.get(clientOrderId);
    if (tracked === undefined) return;
    this.count(tracked, -1);
    tracked.filledQuantity = filledQuantity;
    tracked.status = status;
    this.count(tracked, 1);
  }

  /** Removes an order (it ended); returns whether it was open. */
  remove(clientOrderId: string): boolean {
    const tracked = this.orders.get(clientOrderId);
    if (tracked === undefined) return false;
    this.count(tracked, -1);
    this.orders.delete(clientOrderId);
    return true;
  }

  [Symbol.iterator](): Iterator<PlannerOpenOrder> {
    return this.orders.values();
  }

  /** Adds (`sign` 1) or takes away (-1) an order's remaining lots from the totals. */
  private count(o: Tracked, sign: 1 | -1): void {
    const remaining = sign === 1 ? o.quantity - o.filledQuantity : o.filledQuantity - o.quantity;
    if (o.status === 'PENDING_CANCEL') {
      if (o.side === 'buy') this.pendingCancelBuy += remaining;
      else this.pendingCancelSell += remaining;
    } else if (o.side === 'buy') {
      this.workingBuy += remaining;
      this.workingBuyCount += sign;
    } else {
      this.workingSell += remaining;
      this.workingSellCount += sign;
    }
  }
}
