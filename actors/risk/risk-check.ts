/**
 * A pre-trade check as a value (`RiskCheck`): a name, the config keys it reads, and a pure
 * `check(order, context, config)`. The guard runs a list of them in order (`risk-checks.ts` holds the
 * built-in list) and reports the first denial, so a new check is one file in `checks/` plus one line
 * in that list, and no edit to the guard.
 *
 * What a check reads beyond the order comes in two parts, both prepared by the guard so that a check
 * allocates nothing on approval: `RiskCheckContext` (per order: engine time, the instrument's
 * position, limits, market, the trading state) and `RiskCheckConfig` (per guard: the validated config
 * with its figures parsed once).
 */
import { parseDecimal, type Decimal } from '../../src/model/money.js';
import type { NewOrder } from '../../src/model/order.js';
import type { RiskContext, SymbolLimits } from './pre-trade-checks.js';
import type { RateWindow } from './rate-window.js';
import type { ResolvedRiskConfig } from './risk-config.js';
import type { RiskVerdict } from './risk-reason.js';
import type { TradingState } from './trading-state.js';

/** A top-level key of the risk config. */
export type RiskConfigKey = keyof ResolvedRiskConfig;

/** What a check reads of one order's situation: the caller's `RiskContext` plus what the guard knows. */
export interface RiskCheckContext extends RiskContext {
  /** The trading state now. */
  readonly state: TradingState;
  /** `instrumentKey(exchange, symbol)` of the order's instrument. */
  readonly key: string;
  /** Signed lots held in the order's instrument. */
  readonly position: number;
  /** The order's instrument's quantity, notional and position limits (overrides applied). */
  readonly limits: SymbolLimits;
  /** The approved-order window of the `orderRate` limit, when configured (the guard records approvals). */
  readonly orderRate: RateWindow | undefined;
  /**
   * The order's price: its limit price, or a market order's expected fill (`expectedMarketPrice`
   * over `referencePrice`); `undefined` when there is none. Computed on first call, once per order.
   */
  orderPrice(): Decimal | undefined;
}

/** The guard's config as checks read it: validated, with the figures the hot path needs parsed once. */
export interface RiskCheckConfig {
  readonly resolved: ResolvedRiskConfig;
  /** `staleMarketData.maxAge`, µs. */
  readonly staleMarketDataUs: number | undefined;
  /** `priceBand.maxDeviation` as a fraction. */
  readonly priceBand: Decimal | undefined;
  /** `maxGrossExposure`, quote currency. */
  readonly maxGrossExposure: Decimal | undefined;
}

/** One pre-trade check. */
export interface RiskCheck {
  /** Names the check; a built-in check is named after the reason it denies with. */
  readonly name: string;
  /**
   * The config keys the check reads. The guard leaves out a check none of whose keys is set (at top
   * level or in a `symbols` override), so a check that is off costs nothing; an empty list means the
   * check always runs.
   */
  readonly configKeys: readonly RiskConfigKey[];
  /** `RISK_OK` (`risk-reason.ts`) to let the order on to the next check, or a denial. Pure, never throws. */
  check(order: NewOrder, context: RiskCheckContext, config: RiskCheckConfig): RiskVerdict;
}

/** Parses the figures of `config` the checks need on every order. */
export function prepareRiskCheckConfig(config: ResolvedRiskConfig): RiskCheckConfig {
  return {
    resolved: config,
    staleMarketDataUs: config.staleMarketData?.maxAge,
    priceBand: config.priceBand === undefined ? undefined : parseDecimal(config.priceBand.maxDeviation),
    maxGrossExposure: config.maxGrossExposure === undefined ? undefined : parseDecimal(config.maxGrossExposure),
  };
}

/** True when `check` reads no key, or one of its keys is set at top level or in a `symbols` override. */
export function isRiskCheckEnabled(check: RiskCheck, config: ResolvedRiskConfig): boolean {
  if (check.configKeys.length === 0) return true;
  const overrides = Object.values(config.symbols) as Readonly<Record<string, unknown>>[];
  return check.configKeys.some((k) => config[k] !== undefined || overrides.some((o) => o[k] !== undefined));
}
