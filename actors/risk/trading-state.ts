/**
 * The guard's trading state (after NautilusTrader's `TradingState`):
 * - `ACTIVE`: every check applies, nothing else restricts orders;
 * - `REDUCING`: only orders that reduce an existing position pass (`REDUCE_ONLY` otherwise);
 * - `HALTED`: no new order passes (`TRADING_HALTED`); cancels always pass.
 * The kill switch or an operator changes it; every change is a `RiskStateEvent` that the risk actor
 * publishes on the bus.
 */

/** A trading state. */
export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

/** All trading states, least to most restrictive. */
export const TRADING_STATES: readonly TradingState[] = ['ACTIVE', 'REDUCING', 'HALTED'];

/** Who changed the state. */
export type RiskStateSource = 'kill_switch' | 'operator';

/**
 * One change of trading state. `reason` is `MAX_DRAWDOWN` or `DAILY_LOSS` for the kill switch, the
 * operator's text otherwise; `detail` gives the figures (equity, peak, limit) or repeats the
 * operator's reason. `ts` is engine time (µs). Every field is always set (one hidden class).
 */
export interface RiskStateEvent {
  readonly type: 'risk_state';
  readonly from: TradingState;
  readonly to: TradingState;
  readonly reason: string;
  readonly detail: string;
  readonly source: RiskStateSource;
  readonly ts: number;
}

/** How restrictive a state is (`ACTIVE` 0, `REDUCING` 1, `HALTED` 2). */
export function restrictiveness(state: TradingState): number {
  return state === 'ACTIVE' ? 0 : state === 'REDUCING' ? 1 : 2;
}
