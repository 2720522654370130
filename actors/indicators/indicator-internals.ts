/**
 * Code shared by several indicators: argument checks. Kept out of the indicator files so each of
 * them stays one concept (STYLE.md, rule 1).
 */
import { TickflowError } from '../../src/runtime/errors.js';

/**
 * Returns `period` when it is a positive safe integer, else throws `TickflowError` with code
 * `CONFIG_INVALID`: an indicator period comes from configuration, and a bad one must fail at
 * construction, never as NaN values later.
 */
export function checkPeriod(indicator: string, name: string, period: number): number {
  if (!Number.isSafeInteger(period) || period < 1) {
    throw new TickflowError('CONFIG_INVALID', `${indicator}: ${name} must be a positive integer, got ${String(period)}`, {
      indicator,
      [name]: period,
    });
  }
  return period;
}

/** Returns `x` when it is a finite number, else throws `TickflowError` (`CONFIG_INVALID`). */
export function checkFinite(indicator: string, name: string, x: number): number {
  if (!Number.isFinite(x)) {
    throw new TickflowError('CONFIG_INVALID', `${indicator}: ${name} must be a finite number, got ${String(x)}`, {
      indicator,
      [name]: x,
    });
  }
  return x;
}
