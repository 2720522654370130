/**
 * PRICE_BAND as a `RiskCheck` (the figures: `checkPriceBand` in `pre-trade-checks.ts`). It also
 * denies with NO_REFERENCE_PRICE when there is no reference price to anchor the band: failing
 * closed, as `noReferencePrice` does for the order's own price.
 */
import { referencePrice } from '../market-snapshot.js';
import { checkPriceBand } from '../pre-trade-checks.js';
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies an order priced `priceBand.maxDeviation` or more away from the reference price. */
export const priceBand: RiskCheck = {
  name: 'PRICE_BAND',
  configKeys: ['priceBand'],
  check(order, ctx, config) {
    const band = config.priceBand;
    const price = band === undefined ? undefined : ctx.orderPrice();
    if (band === undefined || price === undefined) return RISK_OK;
    const sources = config.resolved.referencePrice;
    const reference = referencePrice(ctx.market, sources);
    if (reference === undefined) {
      return { ok: false, reason: 'NO_REFERENCE_PRICE', detail: `${order.symbol}: no ${sources.join(' / ')} price to check the band against` };
    }
    return checkPriceBand(order.symbol, price, reference, band) ?? RISK_OK;
  },
};
