/**
 * ORDER_RATE: at most `orderRate.maxOrders` approved orders in any sliding window of
 * `orderRate.interval`. Last in the list, so only approved orders fill the window (the guard records
 * them): a burst of denied orders does not lock out the next good one.
 */
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies the order that would be one more than `orderRate.maxOrders` in the window ending now. */
export const orderRate: RiskCheck = {
  name: 'ORDER_RATE',
  configKeys: ['orderRate'],
  check(_order, ctx) {
    const rate = ctx.orderRate;
    if (rate === undefined || !rate.isFull(ctx.now)) return RISK_OK;
    return { ok: false, reason: 'ORDER_RATE', detail: `${rate.maxEvents} orders already approved in the last ${rate.intervalUs} µs` };
  },
};
