/**
 * NO_REFERENCE_PRICE: not a limit. It fails closed when a configured price check (band, notional,
 * gross exposure) has no price to work with, e.g. a market order before any quote, trade or bar of
 * its symbol. It runs before those checks, so they may take the order's price as given.
 */
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies when a price check applies to the order's instrument and the order has no price. */
export const noReferencePrice: RiskCheck = {
  name: 'NO_REFERENCE_PRICE',
  configKeys: ['priceBand', 'maxOrderNotional', 'maxGrossExposure'],
  check(order, ctx, config) {
    if (config.priceBand === undefined && ctx.limits.maxOrderNotional === undefined && config.maxGrossExposure === undefined) return RISK_OK;
    if (ctx.orderPrice() !== undefined) return RISK_OK;
    return { ok: false, reason: 'NO_REFERENCE_PRICE', detail: `${order.symbol}: no quote, trade or bar to price a market order` };
  },
};
