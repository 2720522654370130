/**
 * What a daemon restores before it trades (issue: persistence and recovery): the trading state
 * its journal says it had, rebuilt by `recoverTrading` (`src/io/journal/wal-recovery.ts`) and
 * handed to the trading actors in their spawn configs (execution, risk, planner, paper venue),
 * each of which rebuilds its own view from it. Positions and cash are never stored as numbers
 * to trust: they are the journaled fills applied again, in order, by the same exact code.
 */
import type { Fill } from './fill.js';
import type { Order } from './order.js';

/** A trading state as journaled. */
export interface RecoveredTradingState {
  readonly state: 'ACTIVE' | 'REDUCING' | 'HALTED';
  readonly reason: string;
  readonly source: string;
  readonly ts: number;
}

/** The trading books as the journal left them. */
export interface RecoveredTrading {
  /** Orders not in a terminal status, latest versions, in creation order. */
  readonly openOrders: readonly Order[];
  /** Every fill journaled, in journal order. */
  readonly fills: readonly Fill[];
  /** The last trading-state change (operator or kill switch); undefined when there was none. */
  readonly tradingState: RecoveredTradingState | undefined;
  /**
   * The highest sequence used per client order id prefix (`<strategy>-<symbol>` of
   * `<strategy>-<symbol>-<seq>`): the planner continues after it, so no id is ever used twice.
   */
  readonly orderSequences: ReadonlyMap<string, number>;
  /** The journal's last version of each open order (numbering continues after a restart). */
  readonly versions: ReadonlyMap<string, number>;
  /** `seq` of the journal's last entry. */
  readonly lastSeq: number;
}

/** Nothing to restore: a first start. */
export const NOTHING_RECOVERED: RecoveredTrading = Object.freeze({
  openOrders: [],
  fills: [],
  tradingState: undefined,
  orderSequences: new Map(),
  versions: new Map(),
  lastSeq: 0,
});

/** Splits `<prefix>-<seq>` (a planner's id); undefined for ids of another shape. */
export function splitClientOrderId(id: string): { readonly prefix: string; readonly seq: number } | undefined {
  const dash = id.lastIndexOf('-');
  if (dash <= 0) return undefined;
  const seq = Number(id.slice(dash + 1));
  return Number.isSafeInteger(seq) && seq > 0 ? { prefix: id.slice(0, dash), seq } : undefined;
}

/**
 * The recovered orders that stay open after the restart's reconcile: all but `SUBMITTED` ones,
 * which the venue never acknowledged and execution closes as rejected at start (risk and the
 * planner, spawned after it, restore the rest). Working ones (`ACCEPTED`, `PARTIALLY_FILLED`,
 * `PENDING_CANCEL`) are what the paper venue holds again.
 */
export function ordersOpenAfterRestart(recovered: RecoveredTrading): Order[] {
  return recovered.openOrders.filter((o) => o.status !== 'SUBMITTED');
}
