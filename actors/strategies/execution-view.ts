/**
 * `ExecutionView`: what a strategy knows of its trading, rebuilt from what execution publishes
 * (`exec.fill.*`, `exec.order.*`): each instrument's position and this strategy's open orders.
 * Kept apart from the runner's instruments, like books: an instrument with a position is not
 * necessarily one the strategy is fed. One object per strategy, carried over its restarts (these
 * are not rebuilt from the market: they come back only with the next fill or order change).
 */
import type { FillReport, OrderUpdate } from '../execution/execution-messages.js';
import { instrumentKey } from '../../src/model/instrument-key.js';
import { copyTimes, orderOfChange, type Order, type OrderChange, type StatusTimes } from '../../src/model/order.js';
import { isTerminalStatus } from '../../src/model/order-transitions.js';

interface KeptOrder {
  /** Its instrument (`instrumentKey`), worked out once per order. */
  readonly key: string;
  change: OrderChange;
  readonly times: StatusTimes;
}

/** Positions and one strategy's open orders, by instrument key (`exchange:SYMBOL`). */
export class ExecutionView {
  private readonly strategy: string;
  // Signed lots after the latest fill, whatever strategy's order it was.
  private readonly positions: Map<string, number>;
  // This strategy's orders not yet ended, every instrument's, by client order id, oldest first (Map
  // insertion order): the latest change and the status times of all changes seen. One map looked
  // up by id: an order's later changes need neither its name checked nor its key made again.
  private readonly orders: Map<string, KeptOrder>;

  /** `strategy`: the name the planner puts first in the strategy's client order ids. */
  constructor(strategy: string) {
    this.strategy = strategy;
    this.positions = new Map();
    this.orders = new Map();
  }

  /** Takes the fill's position; returns whether the fill is one of this strategy's orders. */
  applyFill(report: FillReport): boolean {
    const fill = report.fill;
    this.positions.set(instrumentKey(fill.exchange, fill.symbol), report.position);
    return this.owns(fill.clientOrderId, fill.symbol);
  }

  /**
   * Keeps the order if it is this strategy's and open, drops it when it ends. Returns its status
   * times after the change (folded from every change seen: what `orderOfChange` needs for a whole
   * order), or `undefined` when it is not this strategy's.
   */
  applyOrder(update: OrderUpdate): Readonly<StatusTimes> | undefined {
    const terms = update.order;
    const id = terms.clientOrderId;
    let kept = this.orders.get(id);
    const known = kept !== undefined;
    if (kept === undefined) {
      if (!this.owns(id, terms.symbol)) return undefined;
      kept = { key: instrumentKey(terms.exchange, terms.symbol), change: update, times: copyTimes({ INITIALIZED: terms.createdTs }) };
    }
    const times = kept.times;
    times[update.status] = update.ts;
    if (update.cancelRequestedTs !== undefined) times.PENDING_CANCEL = update.cancelRequestedTs;
    kept.change = update;
    if (isTerminalStatus(update.status)) {
      if (known) this.orders.delete(id);
    } else if (!known) this.orders.set(id, kept);
    return times;
  }

  /** Signed lots of the instrument `key`; 0 before any fill. */
  position(key: string): number {
    return this.positions.get(key) ?? 0;
  }

  /** This strategy's open orders on the instrument `key`, oldest first (new objects). */
  openOrders(key: string): readonly Order[] {
    const out: Order[] = [];
    for (const kept of this.orders.values()) if (kept.key === key) out.push(orderOfChange(kept.change, kept.times));
    return out;
  }

  /**
   * Whether this strategy placed the order: the planner names orders `${strategy}-${symbol}-${seq}`
   * (`createClientOrderIdFactory`); the symbol and the digits after it keep `ema` from claiming
   * the orders of `ema-cross`.
   */
  private owns(clientOrderId: string, symbol: string): boolean {
    const strategy = this.strategy;
    const prefix = strategy.length + symbol.length + 2;
    // Compared in place: building the prefix would make a string per order event.
    if (clientOrderId.length <= prefix || !clientOrderId.startsWith(strategy)) return false;
    if (clientOrderId.charCodeAt(strategy.length) !== 45 || clientOrderId.charCodeAt(prefix - 1) !== 45) return false; // '-'
    if (!clientOrderId.startsWith(symbol, strategy.length + 1)) return false;
    for (let i = prefix; i < clientOrderId.length; i++) {
      const c = clientOrderId.charCodeAt(i);
      if (c < 48 || c > 57) return false;
    }
    return true;
  }
}
