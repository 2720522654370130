/** MAX_POSITION as a `RiskCheck` (the figures and the worst case: `checkPosition` in `pre-trade-checks.ts`). */
import { checkPosition } from '../pre-trade-checks.js';
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies an order after which the worst-case position reaches the instrument's `maxPosition` and grew. */
export const maxPosition: RiskCheck = {
  name: 'MAX_POSITION',
  configKeys: ['maxPosition'],
  check(order, ctx) {
    const limit = ctx.limits.maxPosition;
    if (limit === undefined) return RISK_OK;
    // Worst case: the open orders on the order's side may all fill (see `pre-trade-checks.ts`).
    const open = ctx.openOrders?.openQuantity(ctx.key, order.side) ?? 0;
    return checkPosition(order, ctx.instrument, ctx.position, open, limit) ?? RISK_OK;
  },
};
