/**
 * The execution actor's journal port (the write-ahead log, given by the composition root:
 * `src/app/trading-journal.ts`). Each call returns only once the entry is journaled, so the
 * execution actor calls it before it acts: an order version before it is published and, for
 * `SUBMITTED`, before the order is sent to the venue; a fill (with the order version it made, the
 * position and the cash after it) before anything hears of it. A call that cannot journal throws:
 * execution fails and trading stops rather than go on unjournaled.
 *
 * The orders it is given are execution's live ones (`LiveOrder`), which the next event changes in
 * place: a journal writes what it needs before it returns and keeps no reference.
 */
import type { Fill } from '../../../src/model/fill.js';
import type { Order } from '../../../src/model/order.js';
import type { PositionView } from './portfolio.js';

/** Where execution journals what it does. */
export interface ExecutionJournal {
  /** An order version that was not made by a fill. */
  order(order: Order): void;
  /**
   * A fill. `order`: the version it made, or the order as it was when the fill could not move it
   * (it raced the order's end), undefined when execution no longer holds the order.
   * `changed`: whether the fill made a new version. `cash` is at `quotePrecision` (the portfolio's).
   */
  fill(fill: Fill, order: Order | undefined, changed: boolean, position: PositionView, cash: bigint, quotePrecision: number): void;
}

/** Where the risk actor journals trading-state changes (kill switch, operator) before publishing them. */
export interface RiskJournal {
  riskState(event: { readonly from: string; readonly to: string; readonly reason: string; readonly detail: string; readonly source: string; readonly ts: number }): void;
}
