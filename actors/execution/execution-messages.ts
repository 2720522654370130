/**
 * Messages between the trading actors (planner → risk → execution → venue and back) and the bus
 * topics they publish on. One file so every hop's contract is in one place:
 *
 * - `signal.<exchange>.<symbol>`: strategies' `TargetPosition`s (see `src/model/signal.ts`).
 * - `exec.order.<exchange>.<symbol>`: every change of an order (`OrderUpdate`: where it stands after
 *   the change, its terms shared, with a version number).
 * - `exec.fill.<exchange>.<symbol>`: every fill applied to the portfolio (`FillReport`).
 * - `venue.<name>`: what a venue reports to execution (`VenueReport`, the venue contract in
 *   `venues/venue.ts`).
 * - `risk.state`: trading-state changes; `risk.denied.<exchange>.<symbol>`: denials (`OrderDenied`).
 *
 * Like market data (`md.<exchange>.<symbol>.<type>`), every per-instrument topic names the
 * exchange: one symbol on two exchanges is two instruments.
 */
import type { Fill } from '../../src/model/fill.js';
import type { LiveOrder, NewOrder, OrderChange } from '../../src/model/order.js';

/** Planner → risk: an order to check. Risk → execution: an order that passed. */
export interface OrderRequest {
  readonly type: 'order_request';
  readonly order: NewOrder;
}

/** Risk → execution (and the bus): an order that did not pass, with the reason code. */
export interface OrderDenied {
  readonly type: 'order_denied';
  readonly order: NewOrder;
  readonly reason: string;
  readonly detail: string;
  readonly ts: number;
}

/** Operator → execution: release an order waiting in `PENDING_APPROVAL`. */
export interface ApproveOrder {
  readonly type: 'approve';
  readonly clientOrderId: string;
}

/** Operator → execution: refuse an order waiting in `PENDING_APPROVAL`. */
export interface RejectOrder {
  readonly type: 'reject';
  readonly clientOrderId: string;
  readonly reason: string;
}

/** Anyone → execution: cancel a working order. */
export interface CancelOrder {
  readonly type: 'cancel';
  readonly clientOrderId: string;
}

/**
 * Execution → bus: an order changed; the change says where the order stands after it, its terms
 * shared with the order's other changes (`OrderChange`). `orderOfChange` makes a whole `Order` of it.
 */
export interface OrderUpdate extends OrderChange {
  readonly type: 'order_update';
}

/** The update to publish for a live order's latest change. */
export function orderUpdate(order: LiveOrder): OrderUpdate {
  return {
    type: 'order_update',
    order: order.terms,
    version: order.version,
    event: order.lastEvent,
    status: order.status,
    ts: order.updatedTs,
    filledQuantity: order.filledQuantity,
    fillNotional: order.fillNotional,
    fillCount: order.fillCount,
    reason: order.reason,
    cancelRequestedTs: order.timestamps.PENDING_CANCEL,
  };
}

/**
 * Execution → bus: a fill was applied; `position` is the instrument's position after it (lots).
 * `order` is the change the fill made to its order, the same update published just before on
 * `exec.order` (`undefined` when the fill could not move the order: it raced the order's end).
 * Actors that take both topics take a fill's change from here and skip it on `exec.order`
 * (`notMadeByFill`): one delivery fewer for each of them per fill.
 */
export interface FillReport {
  readonly type: 'fill_report';
  readonly fill: Fill;
  /** Signed lots. */
  readonly position: number;
  readonly order: OrderUpdate | undefined;
}

/**
 * Whether an order update can change the lots an order may still fill, or its being cancelled:
 * false only for a version that says an order went on its way (created, awaiting approval,
 * submitted, accepted) with nothing filled and no cancel ever asked. The planner and risk keep exactly those
 * lots (and the planner the pending cancels), so they subscribe to `exec.order` with this filter
 * and are spared three deliveries of every order. Messages other than order updates pass.
 */
export function movesOpenLots(message: unknown): boolean {
  const update = message as OrderUpdate;
  if (update.type !== 'order_update') return true;
  const s = update.status;
  const onItsWay = s === 'INITIALIZED' || s === 'SUBMITTED' || s === 'ACCEPTED' || s === 'PENDING_APPROVAL';
  return !onItsWay || update.filledQuantity !== 0 || update.cancelRequestedTs !== undefined;
}

/**
 * False for an order update a fill made: subscribers of both `exec.order` and `exec.fill` take
 * that change with the fill report (`FillReport.order`), in the same place in their mailbox.
 * Messages other than order updates pass.
 */
export function notMadeByFill(message: unknown): boolean {
  const update = message as OrderUpdate;
  return update.type !== 'order_update' || update.event !== 'fill';
}

/** The planner's and risk's filter on `exec.order`: `movesOpenLots`, and not made by a fill. */
export function plannerOrderFilter(message: unknown): boolean {
  return notMadeByFill(message) && movesOpenLots(message);
}

/** Topic of order updates for an instrument: `exec.order.<exchange>.<symbol>`. */
export function orderTopic(exchange: string, symbol: string): string {
  return `exec.order.${exchange}.${symbol}`;
}

/** Topic of fills for an instrument: `exec.fill.<exchange>.<symbol>`. */
export function fillTopic(exchange: string, symbol: string): string {
  return `exec.fill.${exchange}.${symbol}`;
}

/** Topic of risk denials for an instrument: `risk.denied.<exchange>.<symbol>`. */
export function deniedTopic(exchange: string, symbol: string): string {
  return `risk.denied.${exchange}.${symbol}`;
}
