/** MAX_ORDER_NOTIONAL as a `RiskCheck` (the figures: `checkOrderNotional` in `pre-trade-checks.ts`). */
import { checkOrderNotional } from '../pre-trade-checks.js';
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies an order whose `quantity × price` reaches the instrument's `maxOrderNotional`. */
export const maxOrderNotional: RiskCheck = {
  name: 'MAX_ORDER_NOTIONAL',
  configKeys: ['maxOrderNotional'],
  check(order, ctx) {
    const limit = ctx.limits.maxOrderNotional;
    const price = limit === undefined ? undefined : ctx.orderPrice();
    if (limit === undefined || price === undefined) return RISK_OK;
    return checkOrderNotional(order, ctx.instrument, price, limit) ?? RISK_OK;
  },
};
