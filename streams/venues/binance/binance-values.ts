/**
 * Value-level scanning of Binance JSON bytes, for the parser's two paths (`binance-scanner.ts`,
 * `binance-keyed-pass.ts`): string ends, skipping nested values, unsigned integers, and the fused
 * scan-and-parse of decimal strings and order-book level arrays. The readers report where they
 * stopped in `cursor` rather than in a returned object, so reading a value allocates nothing.
 */
import type { BookLevel } from '../../../src/model/records.js';
import { parseDecimalBytes } from '../../text/ascii-bytes.js';
import { eightDigits, word, wordOf } from './binance-words.js';

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

/** Where the last reader below stopped (each says where: a closing quote, past a value, or -1 for none). */
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
  const value = shortDecimalUntilQuote(bytes, i, end);
  return value === value ? value : plainDecimalUntilQuote(bytes, i, end);
}

/**
 * `decimalUntilQuote` for the shape Binance sends (at most 9 digits each side of an optional point,
 * 15 in all, then the closing quote), else NaN with `cursor` -1: small enough for V8 to inline into
 * the loops that call it. The whole and fractional digits are accumulated as int32s: a double
 * multiply-add per digit is a dependency chain about twice as long, and digits were the decoder's
 * largest cost. Both halves are exact, so `(whole × 10^k + fraction) / 10^k` is the correctly
 * rounded division the general loop does, to the same double.
 */
export function shortDecimalUntilQuote(bytes: Buffer, i: number, end: number): number {
  const start = i;
  let whole = 0;
  let c = 0;
  while (i < end) {
    c = bytes[i]!;
    const d = c - 48;
    if (d < 0 || d > 9) break;
    whole = (whole * 10 + d) | 0;
    i++;
  }
  const wholeDigits = i - start;
  if (i < end && wholeDigits <= 9) {
    if (c === 34 && wholeDigits > 0) {
      cursor = i;
      return whole;
    }
    if (c === 46) {
      const fractionStart = ++i;
      const eight = wholeDigits <= 7 && bytes[i + 8] === 34 && i + 8 < end ? eightDigits(bytes, i) : -1;
      if (eight >= 0) {
        cursor = i + 8;
        // What the loop below gives for the same digits: the same int32, the same scale.
        return (whole | eight) === 0 ? 0 : (whole * 1e8 + eight) / 1e8;
      }
      let fraction = 0;
      while (i < end) {
        c = bytes[i]!;
        const d = c - 48;
        if (d < 0 || d > 9) break;
        fraction = (fraction * 10 + d) | 0;
        i++;
      }
      const digits = i - fractionStart;
      if (c === 34 && i < end && digits <= 9 && wholeDigits + digits <= 15 && wholeDigits + digits > 0) {
        cursor = i;
        // Zero (an emptied depth level's amount, about half of them) without the division: what
        // follows a division waits for it, and V8 then branches on whether the result is an integer.
        if ((whole | fraction) === 0) return 0;
        const scale = POW10[digits]!;
        return (whole * scale + fraction) / scale;
      }
    }
  }
  cursor = -1;
  return NaN;
}

/** `decimalUntilQuote` for any text: one loop, digits read into a double. */
function plainDecimalUntilQuote(bytes: Buffer, i: number, end: number): number {
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
 * Reads the digits from `i` (stopping at the first other byte or `end`, left in `cursor`) as an
 * unsigned integer: exact up to 2^53; past it, only known to exceed `Number.MAX_SAFE_INTEGER` (each
 * step rounds monotonically). Digits go through an int32 9 at a time (see `shortDecimalUntilQuote`)
 * and each 9 into the double: the 13 digits of a time in ms take one step of each.
 */
export function unsignedDigits(bytes: Buffer, i: number, end: number): number {
  let value = 0;
  let group = 0;
  let n = 0;
  while (i < end) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) break;
    group = (group * 10 + d) | 0;
    i++;
    if (++n === 9) {
      value = value * 1e9 + group;
      group = 0;
      n = 0;
    }
  }
  cursor = i;
  return value * POW10[n]! + group;
}

/**
 * The index past the closing quote of the string at `i` (its `"`), or -1 if `i` holds no string or
 * the string has an escape (which only the general path reads).
 */
export function plainStringEnd(bytes: Buffer, i: number, end: number): number {
  if (bytes[i] !== 34) return -1;
  for (i++; i < end; i++) {
    const c = bytes[i]!;
    if (c === 34) return i + 1;
    if (c === 92 /* \ */) return -1;
  }
  return -1;
}

/*
 * The keyed pass's readers (`unsignedAt`, `shortDecimalAt`) read values inside an object whose
 * closing `}` the pass has seen before the buffer ends: a run of digits stops at that `}` at the
 * latest, so their loops test no end (one comparison per digit fewer, about 6% of a trade's or a
 * quote's decode), and they accept what `unsignedDigits` and `shortDecimalUntilQuote` accept with
 * `end` at that `}`, to the same value.
 */

/**
 * The unsigned safe integer at `i`, `cursor` past it; `cursor` -1 if there is none or it is not
 * safe. A non-digit must follow before the buffer ends (see above).
 */
export function unsignedAt(bytes: Buffer, i: number): number {
  const start = i;
  let value = 0;
  let group = 0;
  let n = 0;
  let d = bytes[i]! - 48;
  while (d >= 0 && d <= 9) {
    group = (group * 10 + d) | 0;
    if (++n === 9) {
      value = value * 1e9 + group;
      group = 0;
      n = 0;
    }
    d = bytes[++i]! - 48;
  }
  value = value * POW10[n]! + group;
  cursor = i === start || value > Number.MAX_SAFE_INTEGER ? -1 : i;
  return value;
}

/**
 * The decimal string at `i` (its `"`) in the short form of `shortDecimalUntilQuote`, with the same
 * arithmetic, `cursor` past its closing quote; NaN and `cursor` -1 for any other string. A
 * non-digit must follow before the buffer ends (see above). The form Binance spot sends, up to 7
 * digits, a point and 8 digits, is read here; any other by `otherShortDecimalAt`, so this stays
 * small enough for V8 to inline at each of its callers.
 */
export function shortDecimalAt(bytes: Buffer, i: number): number {
  const start = ++i;
  let whole = 0;
  let c = bytes[i]!;
  while (c >= 48 && c <= 57) {
    whole = (whole * 10 + (c - 48)) | 0;
    c = bytes[++i]!;
  }
  if (c === 46 && bytes[i + 9] === 34 && i - start <= 7) {
    const eight = eightDigits(bytes, i + 1);
    if (eight >= 0) {
      cursor = i + 10;
      // What the loop of `otherShortDecimalAt` gives for the same digits: the same int32s, the same
      // scale (and +0 for zero, which it returns without dividing). Zero is not tested apart here:
      // about half of all depth amounts are zero, a branch on it mispredicts.
      return (whole * 1e8 + eight) / 1e8;
    }
  }
  return otherShortDecimalAt(bytes, start);
}

/**
 * `shortDecimalAt` for a form other than Binance spot's, from the first digit at `start`: the
 * bounded reader, with the buffer's end as its bound (a run of digits stops at the object's `}`
 * anyway). Spot's decimals never come here; USD-M's shorter ones do, as every decimal did before
 * the spot form had its own reader.
 */
function otherShortDecimalAt(bytes: Buffer, start: number): number {
  const value = shortDecimalUntilQuote(bytes, start, bytes.length);
  if (value === value) cursor++;
  return value;
}

const QUOTE_STR = wordOf('"str');
const EAM_QUOTE = wordOf('eam"');
const QUOTE_COMMA_QUOTE_D = wordOf('","d');
const ATA_QUOTE = wordOf('ata"');

/**
 * Where the fields of the message object in `bytes[start, end)` start, for the fast paths: inside
 * a combined-stream envelope written as Binance writes it (`{"stream":"<name>","data":{...}}`, the
 * name without escapes; the name is read only by the general path), else inside the bare object.
 * `cursor` is left at the object's closing `}` (the last byte before `end`, or before the
 * envelope's); -1 when the message is in no such form or the object is empty.
 */
export function messageBody(bytes: Buffer, start: number, end: number): number {
  if (bytes[start] !== 123 /* { */) return -1;
  let i = start + 1;
  let close = end - 1;
  if (word(bytes, i) === QUOTE_STR && word(bytes, i + 4) === EAM_QUOTE && bytes[i + 8] === 58 /* : */ && bytes[i + 9] === 34) {
    i = plainStringEnd(bytes, i + 9, end) - 1;
    if (i < 0 || word(bytes, i) !== QUOTE_COMMA_QUOTE_D || word(bytes, i + 4) !== ATA_QUOTE || bytes[i + 8] !== 58 || bytes[i + 9] !== 123 || bytes[end - 1] !== 125) return -1;
    i += 10;
    close = end - 2;
  }
  if (i >= close || bytes[close] !== 125 /* } */) return -1;
  cursor = close;
  return i;
}

/** 1 for `true`, 0 for `false` at `i`, `cursor` past it; `cursor` -1 for anything else. */
export function booleanAt(bytes: Buffer, i: number): number {
  if (bytes[i] === 116 && bytes[i + 1] === 114 && bytes[i + 2] === 117 && bytes[i + 3] === 101) {
    cursor = i + 4;
    return 1;
  }
  if (bytes[i] === 102 && bytes[i + 1] === 97 && bytes[i + 2] === 108 && bytes[i + 3] === 115 && bytes[i + 4] === 101) {
    cursor = i + 5;
    return 0;
  }
  cursor = -1;
  return 0;
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
 *
 * Levels as Binance sends them (`["p","q"]` with short plain decimals) are read by a tight loop;
 * at the first level that is anything else, `levels` is emptied and the general loop reads the
 * array again from the start, so every outcome is the general loop's.
 */
export function parseLevels(bytes: Buffer, i: number, end: number, levels: BookLevel[]): number {
  const from = i;
  if (bytes[i] === 93 /* ] */) return i + 1;
  while (i < end && bytes[i] === 91 /* [ */ && bytes[i + 1] === 34 /* " */) {
    const price = shortDecimalUntilQuote(bytes, i + 2, end);
    let j = cursor;
    if (j < 0 || bytes[j + 1] !== 44 /* , */ || bytes[j + 2] !== 34) break;
    const amount = shortDecimalUntilQuote(bytes, j + 3, end);
    j = cursor;
    if (j < 0 || bytes[j + 1] !== 93) break;
    levels.push({ price, amount });
    const c = bytes[j + 2];
    if (c === 93) return j + 3;
    if (c !== 44) break;
    i = j + 3;
  }
  levels.length = 0;
  return anyLevels(bytes, from, end, levels);
}

/** `parseLevels` for any well-framed array (extra elements, slow-path numbers) and for the errors. */
function anyLevels(bytes: Buffer, i: number, end: number, levels: BookLevel[]): number {
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
