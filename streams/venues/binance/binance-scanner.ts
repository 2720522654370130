/**
 * One pass over the bytes of a Binance JSON message, noting where each field's value lies, so the
 * message parser reads fields without building an object (no `JSON.parse`, no strings for numbers).
 *
 * Binance messages are flat objects with single-letter keys, plus a few known long keys, a
 * combined-stream envelope (`data`) and, in klines, one nested object (`k`). The scanner walks the
 * object token by token (it checks the object's framing: quotes, colons, commas, brackets), records
 * for each known key the span and kind of its value in a `FieldTable` (one per nesting depth), and
 * parses order-book level arrays in place as it meets them. Unknown keys are skipped.
 */
import type { BookLevel } from '../../../src/model/records.js';
import { parseDecimalBytes } from '../../text/ascii-bytes.js';

/** Slots above the single-letter keys (which use their character code). */
export const SLOT_PU = 128;
export const SLOT_LAST_UPDATE_ID = 129;
export const SLOT_BIDS = 130;
export const SLOT_ASKS = 131;
export const SLOT_STREAM = 132;
export const SLOT_DATA = 133;
export const SLOT_RESULT = 134;
export const SLOT_ID = 135;
const SLOTS = 136;

/** Kinds of value. */
export const KIND_STRING = 1;
export const KIND_SCALAR = 2;
export const KIND_LEVELS = 3;
export const KIND_OBJECT = 4;
export const KIND_OTHER = 5;

/** Keys whose string values are decimals (prices, amounts, volumes): parsed during the scan. */
const DECIMAL_KEYS: Uint8Array = (() => {
  const keys = new Uint8Array(SLOTS);
  for (const k of 'pqbBaAohlcvVQ') keys[k.charCodeAt(0)] = 1;
  return keys;
})();

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

/**
 * Scans messages; holds the tables and the level arrays of the last message. Tables are reused from
 * message to message (a generation counter clears them), so scanning allocates nothing but the
 * level arrays, which become part of the records.
 */
export class BinanceScanner {
  /** Tables by depth: 0 the top object, 1 and 2 the nested `data` and `k` objects. */
  readonly tables: readonly [FieldTable, FieldTable, FieldTable];
  generation: number;
  bids: BookLevel[] | null;
  asks: BookLevel[] | null;

  constructor() {
    this.tables = [new FieldTable(), new FieldTable(), new FieldTable()];
    this.generation = 0;
    this.bids = null;
    this.asks = null;
  }

  /**
   * Scans the object in `bytes[start, end)`; returns false if it is not one well-framed object
   * spanning exactly that range (or a level array is malformed).
   */
  scan(bytes: Buffer, start: number, end: number): boolean {
    this.generation = (this.generation + 1) >>> 0;
    if (this.generation === 0) {
      for (const t of this.tables) t.stamp.fill(0);
      this.generation = 1;
    }
    this.bids = null;
    this.asks = null;
    if (bytes[start] !== 123 /* { */) return false;
    return this.object(bytes, start, end, 0) === end;
  }

  /** The table of nesting depth `depth` (0 to 2). */
  table(depth: number): FieldTable {
    return this.tables[depth]!;
  }

  /** True when `slot` was set in table `depth` by the last scan. */
  has(depth: number, slot: number): boolean {
    return this.tables[depth]!.stamp[slot] === this.generation;
  }

  /** Scans the object at `i` (`{`) into table `depth`; returns the index past its `}`, or -1. */
  private object(bytes: Buffer, i: number, end: number, depth: number): number {
    const table = this.tables[depth]!;
    const generation = this.generation;
    i++;
    if (i < end && bytes[i]! <= 32) i = skipSpace(bytes, i, end);
    if (bytes[i] === 125 /* } */) return i + 1;
    while (i < end) {
      if (bytes[i] !== 34 /* " */) return -1;
      const keyStart = i + 1;
      let keyEnd = keyStart;
      while (keyEnd < end && bytes[keyEnd] !== 34) keyEnd++;
      const slot = slotOf(bytes, keyStart, keyEnd);
      i = keyEnd + 1;
      if (i < end && bytes[i]! <= 32) i = skipSpace(bytes, i, end);
      if (bytes[i] !== 58 /* : */) return -1;
      i++;
      if (i < end && bytes[i]! <= 32) i = skipSpace(bytes, i, end);
      const c = bytes[i];
      let valueStart = i;
      let valueEnd: number;
      let kind: number;
      let number = NaN;
      if (c === 34 /* " */) {
        valueStart = i + 1;
        if (slot >= 0 && DECIMAL_KEYS[slot] === 1) {
          number = decimalUntilQuote(bytes, valueStart, end);
          valueEnd = cursor;
        } else {
          valueEnd = stringEnd(bytes, valueStart, end);
        }
        if (valueEnd < 0) return -1;
        i = valueEnd + 1;
        kind = KIND_STRING;
      } else if (c === 91 /* [ */) {
        if (slot === 98 /* b */ || slot === SLOT_BIDS) {
          const levels: BookLevel[] = [];
          i = parseLevels(bytes, i + 1, end, levels);
          this.bids = levels;
          kind = KIND_LEVELS;
        } else if (slot === 97 /* a */ || slot === SLOT_ASKS) {
          const levels: BookLevel[] = [];
          i = parseLevels(bytes, i + 1, end, levels);
          this.asks = levels;
          kind = KIND_LEVELS;
        } else {
          i = skipNested(bytes, i, end);
          kind = KIND_OTHER;
        }
        if (i < 0) return -1;
        valueEnd = i;
      } else if (c === 123 /* { */) {
        i = depth < 2 && (slot === SLOT_DATA || slot === 107 /* k */) ? this.object(bytes, i, end, depth + 1) : skipNested(bytes, i, end);
        if (i < 0) return -1;
        valueEnd = i;
        kind = KIND_OBJECT;
      } else {
        // An unquoted value: a number, true, false or null. Unsigned integers are parsed on the way.
        let value = 0;
        let digitsOnly = true;
        while (i < end) {
          const b = bytes[i]!;
          if (b === 44 || b === 125 || b <= 32) break;
          const d = b - 48;
          if (d >= 0 && d <= 9) value = value * 10 + d;
          else digitsOnly = false;
          i++;
        }
        valueEnd = i;
        if (valueEnd === valueStart) return -1;
        if (digitsOnly && value <= Number.MAX_SAFE_INTEGER) number = value;
        kind = KIND_SCALAR;
      }
      if (slot >= 0) {
        table.start[slot] = valueStart;
        table.end[slot] = valueEnd;
        table.kind[slot] = kind;
        table.number[slot] = number;
        table.stamp[slot] = generation;
      }
      if (i < end && bytes[i]! <= 32) i = skipSpace(bytes, i, end);
      const next = bytes[i];
      if (next === 44 /* , */) {
        i++;
        if (i < end && bytes[i]! <= 32) i = skipSpace(bytes, i, end);
      } else if (next === 125 /* } */) {
        return i + 1;
      } else {
        return -1;
      }
    }
    return -1;
  }
}

/** The table slot of the key in `bytes[start, end)`, or -1 for keys the parser never reads. */
function slotOf(bytes: Buffer, start: number, end: number): number {
  const n = end - start;
  const c = bytes[start]!;
  if (n === 1) return c < 128 ? c : -1;
  if (n === 2) return c === 112 && bytes[start + 1] === 117 ? SLOT_PU : c === 105 && bytes[start + 1] === 100 ? SLOT_ID : -1;
  if (n === 4) {
    if (c === 98 && same(bytes, start, 'bids')) return SLOT_BIDS;
    if (c === 97 && same(bytes, start, 'asks')) return SLOT_ASKS;
    if (c === 100 && same(bytes, start, 'data')) return SLOT_DATA;
    return -1;
  }
  if (n === 6) {
    if (c === 115 && same(bytes, start, 'stream')) return SLOT_STREAM;
    if (c === 114 && same(bytes, start, 'result')) return SLOT_RESULT;
    return -1;
  }
  if (n === 12 && c === 108 && same(bytes, start, 'lastUpdateId')) return SLOT_LAST_UPDATE_ID;
  return -1;
}

function same(bytes: Buffer, at: number, text: string): boolean {
  for (let i = 1; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function skipSpace(bytes: Buffer, i: number, end: number): number {
  while (i < end && bytes[i]! <= 32) i++;
  return i;
}

/** Index of the closing quote of a string whose text starts at `i` (escapes skipped), or -1. */
function stringEnd(bytes: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i]!;
    if (c === 34) return i;
    i += c === 92 /* \ */ ? 2 : 1;
  }
  return -1;
}

/** Skips the array or object at `i`; returns the index past its close, or -1. */
function skipNested(bytes: Buffer, i: number, end: number): number {
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
let cursor = 0;

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
function decimalUntilQuote(bytes: Buffer, i: number, end: number): number {
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
 * Parses `["price","amount"],...]` (the array's `[` already consumed) into `levels`; returns the
 * index past the closing `]`, or -1. Levels with extra elements (`["p","q",[]]`) keep the first two.
 */
function parseLevels(bytes: Buffer, i: number, end: number, levels: BookLevel[]): number {
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
    if (price !== price) price = parseDecimalBytes(bytes, priceStart, priceEnd);
    if (amount !== amount) amount = parseDecimalBytes(bytes, amountStart, amountEnd);
    if (price !== price || amount !== amount) return -1;
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
