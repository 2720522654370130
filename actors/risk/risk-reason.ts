/**
 * Why the risk guard denied an order: a closed set of stable codes (STYLE.md, rule 6: a denial is a
 * message with a reason, not an exception). Reports count denials by these codes, so adding one is
 * a deliberate API change.
 */

/** Every reason an order can be denied for. */
export type RiskReason =
  | 'TRADING_HALTED'
  | 'REDUCE_ONLY'
  | 'STALE_MARKET_DATA'
  | 'MAX_ORDER_QUANTITY'
  | 'NO_REFERENCE_PRICE'
  | 'PRICE_BAND'
  | 'MAX_ORDER_NOTIONAL'
  | 'MAX_POSITION'
  | 'MAX_GROSS_EXPOSURE'
  | 'ORDER_RATE';

/**
 * All reasons, in the order the guard evaluates the checks (the first failing check is the one
 * reported). Reports list denials in this order.
 */
export const RISK_REASONS: readonly RiskReason[] = [
  'TRADING_HALTED',
  'REDUCE_ONLY',
  'STALE_MARKET_DATA',
  'MAX_ORDER_QUANTITY',
  'NO_REFERENCE_PRICE',
  'PRICE_BAND',
  'MAX_ORDER_NOTIONAL',
  'MAX_POSITION',
  'MAX_GROSS_EXPOSURE',
  'ORDER_RATE',
];

/** Why the kill switch tripped (carried as the `reason` of its state event). */
export type KillSwitchReason = 'MAX_DRAWDOWN' | 'DAILY_LOSS';

/** The guard's answer for one order. */
export type RiskVerdict = RiskApproval | RiskDenial;

/** The order may go on. */
export interface RiskApproval {
  readonly ok: true;
}

/** The order is denied: a stable `reason` code and a human `detail` naming the figures. */
export interface RiskDenial {
  readonly ok: false;
  readonly reason: RiskReason;
  readonly detail: string;
}

/** The one approval object (shared and frozen: an approved order allocates nothing). */
export const RISK_OK: RiskApproval = Object.freeze({ ok: true });

/** A fresh count per reason, every reason present at zero (stable keys for reports). */
export function zeroDenials(): Record<RiskReason, number> {
  const counts = {} as Record<RiskReason, number>;
  for (const r of RISK_REASONS) counts[r] = 0;
  return counts;
}
