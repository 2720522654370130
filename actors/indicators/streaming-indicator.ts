/**
 * The contract every streaming indicator in `actors/indicators/` follows, and the minimal bar
 * shapes they read. The shapes are structural on purpose: a `TradeBar` (src/model/records.ts) fits
 * each of them, and so does any plain `{ high, low, close, volume }` object, so indicators can be
 * used alone, outside the actor system.
 *
 * Implementation note shared by every indicator here: mutable numeric state is initialised where
 * it is declared (`private sum = 0`), not only assigned in the constructor. Under ES2022 class
 * fields (our tsc target, with `useDefineForClassFields`), a field declared without an initialiser
 * is first defined as `undefined`; V8 then keeps it as a tagged field and allocates a fresh
 * HeapNumber for every double stored into it, which measured about 4x slower per update than a
 * field whose first value is a number (V8 then stores doubles in place).
 */

/**
 * A streaming indicator: O(1) work per input (amortised O(1) where a rolling window periodically
 * recomputes its sums exactly to shed rounding error), no allocation per input except where the
 * result is an object.
 *
 * - `update(input)` appends one input and returns the current value, or `undefined` while warming up.
 * - `replace(input)` revises the last input (a forming bar that changed) and returns the value as if
 *   the revised input had been given to `update` in the first place. Before any input it behaves as
 *   `update`.
 * - `reset()` forgets every input, as if newly constructed.
 * - `value` is the result of the last `update` or `replace` (`undefined` while warming up).
 * - `warmUp` is the number of inputs after which the first value is returned.
 */
export interface StreamingIndicator<Input, Output> {
  update(input: Input): Output | undefined;
  replace(input: Input): Output | undefined;
  reset(): void;
  readonly value: Output | undefined;
  readonly warmUp: number;
}

/** The part of a bar that range-based indicators (ATR) read. */
export interface HighLowClose {
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** The part of a bar that volume-weighted indicators (VWAP) read. */
export interface HighLowCloseVolume extends HighLowClose {
  readonly volume: number;
}

/** The part of a bar that OBV reads. */
export interface CloseVolume {
  readonly close: number;
  readonly volume: number;
}
