/**
 * FROZEN BASELINE: `streams/venues/binance/binance-field-table.ts` as it was at commit
 * 9d02dea, the decoder before the keyed pass, kept unchanged (imports aside) as the baseline of the
 * replay benchmark's ratio over the previous decoder. Not used by the engine; do not improve it:
 * that would move the baseline.
 *
 * The scanner's record of one JSON object: for each key the parser reads, where its value lies and
 * what kind it is, in typed arrays indexed by slot (a single-letter key's slot is its character
 * code; the few long keys have slots above 127), so a lookup is an array index, not a string hash.
 */

/** Slots above the single-letter keys (which use their character code). */
export const SLOT_PU = 128;
export const SLOT_LAST_UPDATE_ID = 129;
export const SLOT_BIDS = 130;
export const SLOT_ASKS = 131;
export const SLOT_STREAM = 132;
export const SLOT_DATA = 133;
export const SLOT_RESULT = 134;
export const SLOT_ID = 135;
/** Slots in a table: the 128 ASCII keys and the long keys above. */
export const SLOTS = 136;

/** Kinds of value. */
export const KIND_STRING = 1;
export const KIND_SCALAR = 2;
export const KIND_LEVELS = 3;
export const KIND_OBJECT = 4;
export const KIND_OTHER = 5;
/** A well-framed level array holding a price or amount that is not a finite decimal. */
export const KIND_BAD_LEVELS = 6;

/** Where each known key's value lies in one object: spans exclude a string's quotes. */
export class FieldTable {
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly kind: Uint8Array;
  /**
   * The value as a number, parsed during the scan: for strings holding a plain unsigned decimal,
   * and for unquoted unsigned integers; NaN otherwise (the reader then parses the span itself).
   */
  readonly number: Float64Array;
  /** Generation stamp: a slot is set in the current message only if its stamp is current. */
  readonly stamp: Uint32Array;

  constructor() {
    this.start = new Int32Array(SLOTS);
    this.end = new Int32Array(SLOTS);
    this.kind = new Uint8Array(SLOTS);
    this.number = new Float64Array(SLOTS);
    this.stamp = new Uint32Array(SLOTS);
  }
}
