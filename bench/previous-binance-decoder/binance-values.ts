/**
 * FROZEN BASELINE: `streams/venues/binance/binance-values.ts` as it was at commit
 * 9d02dea, the decoder before the keyed pass, kept unchanged (imports aside) as the baseline of the
 * replay benchmark's ratio over the previous decoder. Not used by the engine; do not improve it:
 * that would move the baseline.
 *
 * Value-level scanning of Binance JSON bytes, for `binance-scanner.ts`: string ends, skipping nested
 * values, and the fused scan-and-parse of decimal strings and order-book level arrays.
 */
import type { BookLevel } from '../../src/model/records.js';
import { parseDecimalBytes } from './ascii-bytes.js';

/** Index of the closing quote of a string whose text starts at `i` (escapes skipped), or -1. */
export function stringEnd(bytes: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i]!;
    if (c === 34) return i;
    i += c === 92 /* \ */ ? 2 : 1;
  }
  return -1;
}

/** Skips the array or object at `i`; returns the index past its close, or -1. */
export function skipNested(bytes: Buffer, i: number, end: number): number {
  let depth = 0;
  while (i < end) {
    const c = bytes[i]!;
    if (c === 34) {
      i = stringEnd(bytes, i + 1, end);
      if (i < 0) return -1;
    } else if (c === 91 || c === 123) {
      depth++;
    } else if (c === 93 || c === 125) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/** Where the last `decimalUntilQuote` stopped: its closing quote, or -1 if there was none. */
export let cursor = 0;

const POW10: readonly number[] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/**
 * Scans a string's text from `i` to its closing quote (left in `cursor`, -1 if none) and returns
 * its value if it is a plain unsigned decimal within the exact fast path of `parseDecimalBytes`,
 * else NaN (other strings, signs, exponents, escapes: the caller parses the span if it needs to).
 * One pass does both jobs: Binance prices and amounts are read once, not scanned then parsed.
 */
export function decimalUntilQuote(bytes: Buffer, i: number, end: number): number {
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let dot = false;
  let plain = true;
  while (i < end) {
    const c = bytes[i]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (dot) fraction++;
    } else if (c === 34) {
      cursor = i;
      if (!plain || digits === 0 || mantissa > 9007199254740992 || fraction > 22) return NaN;
      return fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      plain = false;
      if (c === 92) i++;
    }
    i++;
  }
  cursor = -1;
  return NaN;
}

/**
 * What `parseLevels` returns for a well-framed level whose price or amount is not a decimal with a
 * finite value (`"x"`, `"1e400"`): distinct from -1 (broken framing) so the scanner can skip the
 * array and the parser can name the field, rather than calling the whole message ill-formed JSON.
 */
export const BAD_LEVEL_VALUE = -2;

/**
 * Parses `["price","amount"],...]` (the array's `[` already consumed) into `levels`; returns the
 * index past the closing `]`, -1 if the array is not well framed, or `BAD_LEVEL_VALUE` at the first
 * price or amount that is not a finite decimal (`levels` then holds the levels before it). Levels
 * with extra elements (`["p","q",[]]`) keep the first two.
 */
export function parseLevels(bytes: Buffer, i: number, end: number, levels: BookLevel[]): number {
  if (bytes[i] === 93 /* ] */) return i + 1;
  while (i < end) {
    const levelStart = i;
    if (bytes[i] !== 91 || bytes[i + 1] !== 34) return -1;
    const priceStart = i + 2;
    let price = decimalUntilQuote(bytes, priceStart, end);
    const priceEnd = cursor;
    if (priceEnd < 0 || bytes[priceEnd + 1] !== 44 || bytes[priceEnd + 2] !== 34) return -1;
    const amountStart = priceEnd + 3;
    let amount = decimalUntilQuote(bytes, amountStart, end);
    const amountEnd = cursor;
    if (amountEnd < 0) return -1;
    // The fast path above yields a finite value or NaN; only the slow parse can yield ±Infinity, so
    // only it is tested for finiteness (`x - x` is 0 for a finite x, NaN for NaN and ±Infinity).
    // Testing every level instead cost about 3 % of the decoder's instructions on the captures.
    if (price !== price) {
      price = parseDecimalBytes(bytes, priceStart, priceEnd);
      if (price - price !== 0) return BAD_LEVEL_VALUE;
    }
    if (amount !== amount) {
      amount = parseDecimalBytes(bytes, amountStart, amountEnd);
      if (amount - amount !== 0) return BAD_LEVEL_VALUE;
    }
    levels.push({ price, amount });
    i = amountEnd + 1;
    if (bytes[i] !== 93) {
      i = skipNested(bytes, levelStart, end);
      if (i < 0) return -1;
    } else {
      i++;
    }
    const c = bytes[i];
    if (c === 44 /* , */) i++;
    else if (c === 93) return i + 1;
    else return -1;
  }
  return -1;
}
