/** MAX_GROSS_EXPOSURE as a `RiskCheck` (the figures and the worst case: `checkGrossExposure` in `pre-trade-checks.ts`). */
import { checkGrossExposure } from '../pre-trade-checks.js';
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies an order after which the worst-case gross exposure reaches `maxGrossExposure` and grew. */
export const maxGrossExposure: RiskCheck = {
  name: 'MAX_GROSS_EXPOSURE',
  configKeys: ['maxGrossExposure'],
  check(order, ctx, config) {
    const limit = config.maxGrossExposure;
    const price = limit === undefined ? undefined : ctx.orderPrice();
    if (limit === undefined || price === undefined) return RISK_OK;
    // Worst case: the open orders on the order's side may all fill (see `pre-trade-checks.ts`).
    const open = ctx.openOrders?.openQuantity(ctx.key, order.side) ?? 0;
    return checkGrossExposure(order, ctx.instrument, ctx.portfolio, price, open, limit) ?? RISK_OK;
  },
};
