/**
 * The registry of built-in pre-trade checks, in the order the guard runs them: the first denial is
 * the one reported, so this order is the precedence of denial reasons (and matches `RISK_REASONS`).
 * Adding a check is one file in `checks/` plus one line here (and, for a new reason code, its entry
 * in `risk-reason.ts`: reports count denials by reason, a deliberate API change).
 *
 * Why this order: the state checks come first (nothing passes a halt); cheap figures before those
 * that need a price; NO_REFERENCE_PRICE before every check that uses the price; ORDER_RATE last, so
 * only approved orders fill the rate window.
 */
import { maxGrossExposure } from './checks/max-gross-exposure.js';
import { maxOrderNotional } from './checks/max-order-notional.js';
import { maxOrderQuantity } from './checks/max-order-quantity.js';
import { maxPosition } from './checks/max-position.js';
import { noReferencePrice } from './checks/no-reference-price.js';
import { orderRate } from './checks/order-rate.js';
import { priceBand } from './checks/price-band.js';
import { reduceOnly } from './checks/reduce-only.js';
import { staleMarketData } from './checks/stale-market-data.js';
import { tradingHalted } from './checks/trading-halted.js';
import type { RiskCheck } from './risk-check.js';

/** The built-in checks, in evaluation order. */
export const riskChecks: readonly RiskCheck[] = [
  tradingHalted,
  reduceOnly,
  staleMarketData,
  maxOrderQuantity,
  noReferencePrice,
  priceBand,
  maxOrderNotional,
  maxPosition,
  maxGrossExposure,
  orderRate,
];
