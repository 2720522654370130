/** STALE_MARKET_DATA as a `RiskCheck` (the figures: `checkStaleMarketData` in `pre-trade-checks.ts`). */
import { checkStaleMarketData } from '../pre-trade-checks.js';
import type { RiskCheck } from '../risk-check.js';
import { RISK_OK } from '../risk-reason.js';

/** Denies when the instrument's last market record is `staleMarketData.maxAge` old or older, or absent. */
export const staleMarketData: RiskCheck = {
  name: 'STALE_MARKET_DATA',
  configKeys: ['staleMarketData'],
  check(order, ctx, config) {
    const maxAge = config.staleMarketDataUs;
    if (maxAge === undefined) return RISK_OK;
    return checkStaleMarketData(order.symbol, ctx.market, ctx.now, maxAge) ?? RISK_OK;
  },
};
