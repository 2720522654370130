/** MAX_ORDER_QUANTITY as a `RiskCheck` (the figures: `checkOrderQuantity` in `pre-trade-checks.ts`). */
import { checkOrderQuantity } from '../pre-trade-checks.js';
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies an order whose size reaches the instrument's `maxOrderQuantity`. */
export const maxOrderQuantity: RiskCheck = {
  name: 'MAX_ORDER_QUANTITY',
  configKeys: ['maxOrderQuantity'],
  check(order, ctx) {
    const limit = ctx.limits.maxOrderQuantity;
    if (limit === undefined) return RISK_OK;
    return checkOrderQuantity(order, ctx.instrument, limit) ?? RISK_OK;
  },
};
