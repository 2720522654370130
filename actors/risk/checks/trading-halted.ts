/** TRADING_HALTED: every new order is denied while the state is `HALTED` (cancels are not checked). */
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies every order in the `HALTED` state. Reads no config: the state is the guard's. */
export const tradingHalted: RiskCheck = {
  name: 'TRADING_HALTED',
  configKeys: [],
  check(order, ctx) {
    if (ctx.state !== 'HALTED') return RISK_OK;
    return { ok: false, reason: 'TRADING_HALTED', detail: `trading is halted; ${order.symbol} order denied` };
  },
};
