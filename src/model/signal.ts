/**
 * What strategies emit: a target position per symbol, not orders. Turning a target into orders
 * (target minus position minus what open orders already cover) is the order planner's job, so a
 * strategy stays a few lines of signal logic. Published on the bus as `signal.<exchange>.<symbol>`.
 */

/** A strategy's wish: hold `target` (signed, base units; negative is short) of `symbol`. */
export interface TargetPosition {
  readonly type: 'target';
  readonly exchange: string;
  readonly symbol: string;
  /** Engine time (µs) the decision was made. */
  readonly ts: number;
  /** Name of the strategy instance that decided. */
  readonly strategy: string;
  /** Signed target quantity in base units; the planner rounds it to the size increment (half-even). */
  readonly target: number;
  /** How the planner should trade toward it. */
  readonly orderType: 'market' | 'limit';
  /** Limit price for `limit` orders; `undefined` for market orders and for limits at the touch. */
  readonly limitPrice: number | undefined;
  /**
   * `'touch'`: a `limit` priced when the planner plans it, at the best bid for a buy and the best
   * ask for a sell (`limitPrice` is then `undefined`). Absent: at `limitPrice`.
   */
  readonly limitAt?: 'touch' | undefined;
  /**
   * For `limit`: engine µs after an order is placed at which the planner cancels it if still open
   * and trades what is left at market. Absent: the order rests until the target changes.
   */
  readonly timeoutUs?: number | undefined;
  /**
   * The market record the strategy was handling when it set this target (`recordRef`), or
   * `undefined` when it was set outside one (on a fill or order report).
   */
  readonly cause?: string | undefined;
}

/** Bus topic of a target: `signal.<exchange>.<symbol>`. */
export function signalTopic(exchange: string, symbol: string): string {
  return `signal.${exchange}.${symbol}`;
}
