/**
 * FROZEN BASELINE: `streams/venues/binance/binance-scanner.ts` as it was at commit
 * 9d02dea, the decoder before the keyed pass, kept unchanged (imports aside) as the baseline of the
 * replay benchmark's ratio over the previous decoder. Not used by the engine; do not improve it:
 * that would move the baseline.
 *
 * One pass over the bytes of a Binance JSON message, noting where each field's value lies, so the
 * message parser reads fields without building an object (no `JSON.parse`, no strings for numbers).
 *
 * Binance messages are flat objects with single-letter keys, plus a few known long keys, a
 * combined-stream envelope (`data`) and, in klines, one nested object (`k`). The scanner walks the
 * object token by token (it checks the object's framing: quotes, colons, commas, brackets), records
 * for each known key the span and kind of its value in a `FieldTable` (one per nesting depth), and
 * parses order-book level arrays in place as it meets them. Unknown keys are skipped.
 */
import type { BookLevel } from '../../src/model/records.js';
import { bytesEqual, latin1Text, parseDecimalBytes } from './ascii-bytes.js';
import {
  FieldTable,
  KIND_BAD_LEVELS,
  KIND_LEVELS,
  KIND_OBJECT,
  KIND_OTHER,
  KIND_SCALAR,
  KIND_STRING,
  SLOT_ASKS,
  SLOT_BIDS,
  SLOT_DATA,
  SLOT_ID,
  SLOT_LAST_UPDATE_ID,
  SLOT_PU,
  SLOT_RESULT,
  SLOT_STREAM,
  SLOTS,
} from './binance-field-table.js';
import { BAD_LEVEL_VALUE, cursor, decimalUntilQuote, parseLevels, skipNested, stringEnd } from './binance-values.js';

/**
 * The largest time in ms the parser accepts: records carry µs, and ms × 1000 must stay a safe
 * integer (2^53 - 1), or `ts` would silently round. 9,007,199,254,740 ms is the year 287,396.
 */
export const MAX_TIME_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** Keys whose string values are decimals (prices, amounts, volumes): parsed during the scan. */
const DECIMAL_KEYS: Uint8Array = (() => {
  const keys = new Uint8Array(SLOTS);
  for (const k of 'pqbBaAohlcvVQ') keys[k.charCodeAt(0)] = 1;
  return keys;
})();

/**
 * Scans messages; holds the tables and the level arrays of the last message. Tables are reused from
 * message to message (a generation counter clears them), so scanning allocates nothing but the
 * level arrays, which become part of the records.
 */
export class BinanceScanner {
  /** Tables by depth: 0 the top object, 1 and 2 the nested `data` and `k` objects. */
  readonly tables: readonly [FieldTable, FieldTable, FieldTable];
  generation: number;
  /** The message last scanned. */
  bytes: Buffer;
  bids: BookLevel[] | null;
  asks: BookLevel[] | null;

  constructor() {
    this.tables = [new FieldTable(), new FieldTable(), new FieldTable()];
    this.generation = 0;
    this.bytes = EMPTY;
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
    this.bytes = bytes;
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

  /** True when `slot` holds a value of `kind`. */
  hasKind(depth: number, slot: number, kind: number): boolean {
    const t = this.tables[depth]!;
    return t.stamp[slot] === this.generation && t.kind[slot] === kind;
  }

  /**
   * A string field's decimal value, or NaN if absent, not a string, not a decimal, or beyond a
   * double (`"1e400"` would be Infinity): callers test one NaN and get every case.
   */
  decimal(depth: number, slot: number): number {
    const t = this.tables[depth]!;
    if (t.stamp[slot] !== this.generation || t.kind[slot] !== KIND_STRING) return NaN;
    const value = t.number[slot]!;
    // The scan's fast path only yields finite values; the slow parse is checked (`x - x` is NaN
    // for ±Infinity and NaN, 0 for any finite x).
    if (value === value) return value;
    const parsed = parseDecimalBytes(this.bytes, t.start[slot]!, t.end[slot]!);
    return parsed - parsed === 0 ? parsed : NaN;
  }

  /** An unquoted unsigned integer field, or -1 if absent or not one. */
  integer(depth: number, slot: number): number {
    const t = this.tables[depth]!;
    if (t.stamp[slot] !== this.generation || t.kind[slot] !== KIND_SCALAR) return -1;
    const value = t.number[slot]!;
    return value === value ? value : -1;
  }

  /**
   * An unquoted unsigned integer time in ms no greater than `MAX_TIME_MS`, or -1 if absent, not
   * one, or too large for its µs to be a safe integer. Repeats `integer`'s body with a tighter
   * bound (NaN fails `<=` too) rather than calling it, keeping the hot path one call shallower.
   */
  time(depth: number, slot: number): number {
    const t = this.tables[depth]!;
    if (t.stamp[slot] !== this.generation || t.kind[slot] !== KIND_SCALAR) return -1;
    const ms = t.number[slot]!;
    return ms <= MAX_TIME_MS ? ms : -1;
  }

  /** 1 for `true`, 0 for `false`, -1 otherwise. */
  boolean(depth: number, slot: number): number {
    const t = this.tables[depth]!;
    if (t.stamp[slot] !== this.generation || t.kind[slot] !== KIND_SCALAR) return -1;
    if (bytesEqual(this.bytes, t.start[slot]!, t.end[slot]!, 'true')) return 1;
    return bytesEqual(this.bytes, t.start[slot]!, t.end[slot]!, 'false') ? 0 : -1;
  }

  /** A field's text (Latin-1; exact for the ASCII Binance sends). */
  text(depth: number, slot: number): string {
    const t = this.tables[depth]!;
    return latin1Text(this.bytes, t.start[slot]!, t.end[slot]!);
  }

  /** True when a field's text equals `text`. */
  textEquals(depth: number, slot: number, text: string): boolean {
    const t = this.tables[depth]!;
    return bytesEqual(this.bytes, t.start[slot]!, t.end[slot]!, text);
  }

  /** Digits after the point in a decimal string field (0 without a point). */
  fractionDigits(depth: number, slot: number): number {
    const t = this.tables[depth]!;
    const to = t.end[slot]!;
    for (let i = t.start[slot]!; i < to; i++) if (this.bytes[i] === 46) return to - i - 1;
    return 0;
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
        const bids = slot === 98 /* b */ || slot === SLOT_BIDS;
        if (bids) {
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
        if (i === BAD_LEVEL_VALUE) {
          // Framing still counts: skip the array as JSON; the parser names the field.
          i = skipNested(bytes, valueStart, end);
          kind = KIND_BAD_LEVELS;
          if (bids) this.bids = null;
          else this.asks = null;
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

const EMPTY = Buffer.alloc(0);
