/**
 * The book of orders by client order id: the one place their state lives. Pure logic, no actor; the
 * execution actor owns one and feeds it events.
 *
 * - Idempotent creation: a client order id seen before never makes a second order; `create` returns
 *   the existing one with `created: false` and counts a duplicate (whatever the second request said).
 * - One `LiveOrder` per id, moved in place by every event through the transition table
 *   (`LiveOrder.apply`); refusals leave the order unchanged and are counted by code
 *   (`illegalTransitions` counts `ILLEGAL_TRANSITION` alone). Orders it returns change with later
 *   events: copy one (`snapshotOf`) to keep a version.
 * - Open orders are indexed per instrument (`instrumentKey(exchange, symbol)`: the same symbol on
 *   two exchanges is two instruments) so the planner can ask what they still cover
 *   (`openCoverage`: target − position − coverage is what is left to order).
 * - Closed orders are kept whole for reports, up to `keepClosed` (default: all that are
 *   remembered), and their ids for idempotency, up to `retainClosed` (default unbounded): past
 *   `keepClosed` the oldest closed order is dropped and only its id is remembered (an event for
 *   it is then refused as for an unknown order); past `retainClosed` its id goes too. Counts by status include them all. (A daemon remembers
 *   10,000 ids and keeps 200 orders whole: every retained order outlived the young generation, and
 *   whole ones made the core path's tail latency, issue 13.)
 */
import type { Instrument } from '../../../src/model/instrument.js';
import { instrumentKey } from '../../../src/model/instrument-key.js';
import {
  createLiveOrder,
  LiveOrder,
  validateNewOrder,
  type NewOrder,
  type Order,
  type OrderEvent,
  type OrderRefusal,
  type OrderRefusalCode,
} from '../../../src/model/order.js';
import { ORDER_STATUSES, isTerminalStatus, type OrderStatus } from '../../../src/model/order-transitions.js';

/** Outcome of `create`. */
export type CreateOrderResult =
  | { readonly ok: true; readonly order: LiveOrder; readonly created: true }
  /** A duplicate: the order holding the id, `undefined` when it closed and only its id is remembered. */
  | { readonly ok: true; readonly order: LiveOrder | undefined; readonly created: false }
  | { readonly ok: false; readonly code: 'INVALID_ORDER'; readonly reason: string };

/** Counters, cumulative since the registry was made. */
export interface OrderRegistryCounters {
  created: number;
  duplicates: number;
  invalid: number;
  applied: number;
  illegalTransitions: number;
  refused: Record<OrderRefusalCode, number>;
}

/** Options for `OrderRegistry`. */
export interface OrderRegistryOptions {
  /** How many closed orders' ids to remember (oldest forgotten first). Default: all. */
  readonly retainClosed?: number;
  /** How many of those closed orders to keep whole (the newest). Default: all remembered. */
  readonly keepClosed?: number;
}

/** Orders by client order id, with the transition table enforced. */
export class OrderRegistry {
  readonly counters: OrderRegistryCounters;
  // Every id known: its order, or null for a closed order remembered by id alone (one map, so a
  // new id costs one lookup).
  private readonly byId: Map<string, LiveOrder | null>;
  private readonly openByInstrument: Map<string, Map<string, LiveOrder>>;
  private readonly statusCounts: Record<OrderStatus, number>;
  // Closed ids, oldest first: [idHead, wholeHead) remembered by id alone, [wholeHead, end) kept whole.
  private readonly closedIds: string[];
  private idHead: number;
  private wholeHead: number;
  private readonly retainClosed: number;
  private readonly keepClosed: number;

  constructor(options: OrderRegistryOptions = {}) {
    // Fields in a fixed order (one hidden class).
    this.counters = {
      created: 0,
      duplicates: 0,
      invalid: 0,
      applied: 0,
      illegalTransitions: 0,
      refused: { ILLEGAL_TRANSITION: 0, OVERFILL: 0, INVALID_FILL: 0, UNKNOWN_ORDER: 0 },
    };
    this.byId = new Map();
    this.openByInstrument = new Map();
    const counts = {} as Record<OrderStatus, number>;
    for (const s of ORDER_STATUSES) counts[s] = 0;
    this.statusCounts = counts;
    this.closedIds = [];
    this.idHead = 0;
    this.wholeHead = 0;
    this.retainClosed = options.retainClosed ?? Number.POSITIVE_INFINITY;
    this.keepClosed = Math.min(options.keepClosed ?? Number.POSITIVE_INFINITY, this.retainClosed);
  }

  /**
   * Creates an order in `INITIALIZED`, or returns the one already holding this client order id
   * (`created: false`, counted as a duplicate). An invalid request (see `validateNewOrder`) is
   * refused with `INVALID_ORDER`, counted, and not stored.
   */
  create(spec: NewOrder, instrument: Instrument): CreateOrderResult {
    const existing = this.byId.get(spec.clientOrderId);
    if (existing !== undefined) {
      this.counters.duplicates++;
      return { ok: true, order: existing ?? undefined, created: false };
    }
    const invalid = validateNewOrder(spec, instrument);
    if (invalid !== undefined) {
      this.counters.invalid++;
      return { ok: false, code: 'INVALID_ORDER', reason: invalid };
    }
    const order = createLiveOrder(spec, instrument);
    this.byId.set(order.clientOrderId, order);
    this.counters.created++;
    this.statusCounts[order.status]++;
    this.indexOpen(order);
    return { ok: true, order, created: true };
  }

  /**
   * Puts back an open order version read from the journal at a restart (recovery), as it was:
   * no transition, no counts beyond its status; `version` is the journal's number for it, so the
   * changes published after the restart go on from there. An id already held is left alone.
   */
  restore(order: Order, version?: number): void {
    if (this.has(order.clientOrderId)) return;
    const live = LiveOrder.of(order, version);
    this.byId.set(order.clientOrderId, live);
    this.statusCounts[live.status]++;
    this.indexOpen(live);
  }

  /**
   * Applies an event to the order with this id, in place; returns why not when it was refused
   * (counted; nothing changes), else `undefined`.
   */
  apply(clientOrderId: string, event: OrderEvent): OrderRefusal | undefined {
    const order = this.byId.get(clientOrderId);
    if (order == null) {
      this.counters.refused.UNKNOWN_ORDER++;
      return { code: 'UNKNOWN_ORDER', reason: `no order ${clientOrderId}` };
    }
    const from = order.status;
    const refusal = order.apply(event);
    if (refusal !== undefined) {
      this.counters.refused[refusal.code]++;
      if (refusal.code === 'ILLEGAL_TRANSITION') this.counters.illegalTransitions++;
      return refusal;
    }
    this.counters.applied++;
    this.statusCounts[from]--;
    this.statusCounts[order.status]++;
    if (isTerminalStatus(order.status)) {
      this.unindexOpen(order);
      this.retire(clientOrderId);
    }
    return undefined;
  }

  /** The order with this id, if held: the live one, which later events change. */
  get(clientOrderId: string): LiveOrder | undefined {
    return this.byId.get(clientOrderId) ?? undefined;
  }

  /** True when this client order id is known (open, or closed and still remembered). */
  has(clientOrderId: string): boolean {
    return this.byId.has(clientOrderId);
  }

  /** Number of ids known (orders held whole and closed ids remembered). */
  get size(): number {
    return this.byId.size;
  }

  /** Every order held whole, in creation order (deterministic, for reports). */
  *orders(): IterableIterator<LiveOrder> {
    for (const order of this.byId.values()) if (order !== null) yield order;
  }

  /** Open (non-terminal) orders of an instrument (`instrumentKey`), in creation order. */
  openOrders(key: string): LiveOrder[] {
    const open = this.openByInstrument.get(key);
    return open === undefined ? [] : [...open.values()];
  }

  /** Number of open orders, for one instrument (`instrumentKey`) or all. */
  openCount(key?: string): number {
    if (key !== undefined) return this.openByInstrument.get(key)?.size ?? 0;
    let n = 0;
    for (const open of this.openByInstrument.values()) n += open.size;
    return n;
  }

  /**
   * Lots the open orders of an instrument (`instrumentKey`) still cover, signed: remaining buy quantity minus remaining
   * sell quantity. Orders in `INITIALIZED`, `PENDING_APPROVAL` and `PENDING_CANCEL` count, since each
   * may still fill.
   */
  openCoverage(key: string): number {
    const open = this.openByInstrument.get(key);
    if (open === undefined) return 0;
    let cover = 0;
    for (const o of open.values()) {
      const remaining = o.quantity - o.filledQuantity;
      cover = o.side === 'buy' ? cover + remaining : cover - remaining;
    }
    return cover;
  }

  /** Orders by current status, including closed orders no longer retained. Every status listed. */
  countByStatus(): Record<OrderStatus, number> {
    return { ...this.statusCounts };
  }

  private indexOpen(order: LiveOrder): void {
    const key = instrumentKey(order.exchange, order.symbol);
    let open = this.openByInstrument.get(key);
    if (open === undefined) {
      open = new Map();
      this.openByInstrument.set(key, open);
    }
    open.set(order.clientOrderId, order);
  }

  private unindexOpen(order: LiveOrder): void {
    const key = instrumentKey(order.exchange, order.symbol);
    const open = this.openByInstrument.get(key);
    if (open === undefined) return;
    // The instrument's map stays when it empties (one per instrument ever traded): dropping it
    // made a new map for every order of an instrument with one order open at a time.
    open.delete(order.clientOrderId);
  }

  private retire(clientOrderId: string): void {
    if (this.retainClosed === Number.POSITIVE_INFINITY && this.keepClosed === Number.POSITIVE_INFINITY) return;
    const ids = this.closedIds;
    ids.push(clientOrderId);
    while (ids.length - this.wholeHead > this.keepClosed) this.byId.set(ids[this.wholeHead++] as string, null);
    while (this.wholeHead - this.idHead > this.retainClosed - this.keepClosed) this.byId.delete(ids[this.idHead++] as string);
    // Compact once the consumed head dominates, so the queue stays bounded.
    if (this.idHead > 1024 && this.idHead * 2 > ids.length) {
      ids.splice(0, this.idHead);
      this.wholeHead -= this.idHead;
      this.idHead = 0;
    }
  }
}
