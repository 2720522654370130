/**
 * The Binance parser's fastest path: trade, aggTrade, bookTicker and depthUpdate messages with
 * their keys in the order Binance writes them (spot and USD-M; see the forms below), read in one
 * straight run: each key is compared where it must be, 4 bytes at a time, and each value read as
 * the key says, with no key lookup, no table of fields and no per-key dispatch. Those four types
 * in those forms are every line of the shared raw captures but their one REST snapshot each.
 *
 * It decodes exactly what the keyed pass (`binance-keyed-pass.ts`) decodes, to the same record
 * (the same readers of numbers, `unsignedAt` and `shortDecimalAt`, and `unsignedEnd` for integers
 * only checked); on anything else (another type,
 * another key order, an optional key it does not expect, a value in an unusual form, a field
 * invalid) it declines, having appended nothing and changed no naming state, and the keyed pass,
 * then the general path, decide. A depth update's levels are read by `orderedLevels`, which takes
 * only the usual `["<decimal>","<decimal>"]` levels and declines the message at any other.
 * Identity with the other two paths is tested on every line of the shared captures and on
 * mutated lines (`decoder-identity.test.ts`).
 *
 * Forms (`[...]` optional, in that place only):
 * - trade: `"e":"trade","E",["T",]"s","t","p","q",["T",]["X",]"m"[,"M"]`, `T` exactly once
 * - aggTrade: `"e":"aggTrade","E",["a",]"s",["a",]"p","q","f","l","T","m"[,"M"]`, `a` exactly once
 * - bookTicker: `["e":"bookTicker",]"u","s","b","B","a","A"[,"T"][,"E"]`
 * - depthUpdate: `"e":"depthUpdate","E",["T",]"s","U","u",["pu",]"b","a"`
 */
import type { BookLevel, MarketRecord } from '../../../src/model/records.js';
import { DECODED } from '../../line-decoder.js';
import { latin1Text } from '../../text/ascii-bytes.js';
import { DECLINED } from './binance-keyed-pass.js';
import type { BinanceNaming } from './binance-naming.js';
import { bookChangeRecord, bookTickerRecord, tradeRecord } from './binance-records.js';
import { MAX_TIME_MS } from './binance-scanner.js';
import { booleanAt, cursor, messageBody, plainStringEnd, shortDecimalAt, unsignedAt } from './binance-values.js';
import { word, wordOf } from './binance-words.js';

// `"e":"<type>"` and `,"<key>":` as words: the key's first 4 bytes (`,"k"`), its `:` tested apart.
const QUOTE_E_QUOTE = wordOf('"e":');
const TRAD = wordOf('trad');
const AGGT = wordOf('aggT');
const RADE = wordOf('rade');
const BOOK = wordOf('book');
const TICK = wordOf('Tick');
const DEPT = wordOf('dept');
const HUPD = wordOf('hUpd');
const QUOTE_U_QUOTE = wordOf('"u":');
const KEY_E = wordOf(',"E"');
const KEY_T = wordOf(',"T"');
const KEY_S = wordOf(',"s"');
const KEY_T_ID = wordOf(',"t"');
const KEY_A_ID = wordOf(',"a"');
const KEY_P = wordOf(',"p"');
const KEY_Q = wordOf(',"q"');
const KEY_X = wordOf(',"X"');
const KEY_M_MAKER = wordOf(',"m"');
const KEY_M_SPOT = wordOf(',"M"');
const KEY_F = wordOf(',"f"');
const KEY_L = wordOf(',"l"');
const KEY_U = wordOf(',"u"');
const KEY_U_FIRST = wordOf(',"U"');
const KEY_PU = wordOf(',"pu');
const KEY_B = wordOf(',"b"');
const KEY_B_QTY = wordOf(',"B"');
const KEY_A_QTY = wordOf(',"A"');

/** True when `,"<key>":` (`key` its first 4 bytes as a word) is at `i`; false for any `i` < 0. */
function keyAt(bytes: Buffer, i: number, key: number): boolean {
  return word(bytes, i) === key && bytes[i + 4] === 58; /* : */
}

/**
 * Decodes the message in `bytes[start, end)` received at `tsRecv` µs if it is in one of the forms
 * above, appending its record to `out` and returning `DECODED`; else returns `DECLINED` having
 * appended nothing and changed no naming state.
 */
export function decodeInOrder(bytes: Buffer, start: number, end: number, tsRecv: number, naming: BinanceNaming, out: MarketRecord[]): number {
  const i = messageBody(bytes, start, end);
  if (i < 0) return DECLINED;
  const close = cursor;
  const head = word(bytes, i);
  if (head === QUOTE_U_QUOTE) return bookTicker(bytes, i - 1, close, false, tsRecv, naming, out);
  if (head !== QUOTE_E_QUOTE || bytes[i + 4] !== 34 /* " */) return DECLINED;
  // At the type's text: its length is told by the quote after it.
  const at = i + 5;
  const type = word(bytes, at);
  if (type === TRAD && bytes[at + 4] === 101 /* e */ && bytes[at + 5] === 34) return trade(bytes, at + 6, close, false, tsRecv, naming, out);
  if (type === BOOK && word(bytes, at + 4) === TICK && bytes[at + 8] === 101 && bytes[at + 9] === 114 /* r */ && bytes[at + 10] === 34) {
    return keyAt(bytes, at + 11, KEY_U) ? bookTicker(bytes, at + 11, close, true, tsRecv, naming, out) : DECLINED;
  }
  if (type === DEPT && word(bytes, at + 4) === HUPD && bytes[at + 8] === 97 /* a */ && bytes[at + 9] === 116 /* t */ && bytes[at + 10] === 101 && bytes[at + 11] === 34) {
    return depthUpdate(bytes, at + 12, close, tsRecv, naming, out);
  }
  if (type === AGGT && word(bytes, at + 4) === RADE && bytes[at + 8] === 34) return trade(bytes, at + 9, close, true, tsRecv, naming, out);
  return DECLINED;
}

/**
 * A trade (`aggregate`: an aggTrade) from its `,"E":` at `i`. The keyed pass's rules: every field
 * read must be present and valid, `T` at most `MAX_TIME_MS`, the symbol not empty; `E` any safe
 * integer; `X` any plain string; `M` (spot) any boolean.
 */
function trade(bytes: Buffer, i: number, close: number, aggregate: boolean, tsRecv: number, naming: BinanceNaming, out: MarketRecord[]): number {
  const idKey = aggregate ? KEY_A_ID : KEY_T_ID;
  if (!keyAt(bytes, i, KEY_E)) return DECLINED;
  i = unsignedEnd(bytes, i + 5);
  let tradeMs = -1;
  if (keyAt(bytes, i, KEY_T)) {
    tradeMs = unsignedAt(bytes, i + 5);
    i = cursor;
  }
  let idStart = -1;
  let idEnd = -1;
  if (aggregate && keyAt(bytes, i, KEY_A_ID)) {
    idStart = i + 5;
    i = idEnd = unsignedEnd(bytes, idStart);
  }
  if (!keyAt(bytes, i, KEY_S) || bytes[i + 5] !== 34) return DECLINED;
  const symbolStart = i + 6;
  const known = naming.knownSymbolEnd(bytes, symbolStart, close);
  i = known >= 0 ? known + 1 : plainStringEnd(bytes, i + 5, close);
  const symbolEnd = i - 1;
  if (idStart < 0) {
    if (!keyAt(bytes, i, idKey)) return DECLINED;
    idStart = i + 5;
    i = idEnd = unsignedEnd(bytes, idStart);
  }
  i = decimalRun(bytes, i, TRADE_KEYS);
  const price = decimals[0]!;
  const amount = decimals[1]!;
  if (aggregate) {
    if (!keyAt(bytes, i, KEY_F)) return DECLINED;
    i = unsignedEnd(bytes, i + 5);
    if (!keyAt(bytes, i, KEY_L)) return DECLINED;
    i = unsignedEnd(bytes, i + 5);
  }
  if (tradeMs < 0 && keyAt(bytes, i, KEY_T)) {
    tradeMs = unsignedAt(bytes, i + 5);
    i = cursor;
  }
  if (keyAt(bytes, i, KEY_X)) i = plainStringEnd(bytes, i + 5, close);
  if (!keyAt(bytes, i, KEY_M_MAKER)) return DECLINED;
  const maker = booleanAt(bytes, i + 5);
  i = cursor;
  const spot = keyAt(bytes, i, KEY_M_SPOT);
  if (spot) {
    booleanAt(bytes, i + 5);
    i = cursor;
  }
  // Every reader leaves `cursor` -1 on failure, and `keyAt` is false at -1: only `i` is tested.
  if (i !== close || tradeMs < 0 || tradeMs > MAX_TIME_MS || symbolEnd <= symbolStart) return DECLINED;
  const symbol = known >= 0 ? naming.lastSymbol : naming.symbolOf(bytes, symbolStart, symbolEnd);
  out.push(tradeRecord(naming.exchangeOf(!spot), symbol, tradeMs, tsRecv, latin1Text(bytes, idStart, idEnd), price, amount, maker));
  return DECODED;
}

/**
 * A book ticker from its `,"u":` at `i` (typed: after `"e":"bookTicker"`; spot sends no type, and
 * then `i` is the byte before the object's first key). With `E`, `ts` is `E` (at most
 * `MAX_TIME_MS`) and the exchange futures; without, `ts` is the receive time.
 */
function bookTicker(bytes: Buffer, i: number, close: number, typed: boolean, tsRecv: number, naming: BinanceNaming, out: MarketRecord[]): number {
  // The caller has seen `,"u":` (or, untyped, `{"u":`) at `i`.
  i = unsignedEnd(bytes, i + 5);
  if (!keyAt(bytes, i, KEY_S) || bytes[i + 5] !== 34) return DECLINED;
  const symbolStart = i + 6;
  const known = naming.knownSymbolEnd(bytes, symbolStart, close);
  i = known >= 0 ? known + 1 : plainStringEnd(bytes, i + 5, close);
  const symbolEnd = i - 1;
  i = decimalRun(bytes, i, TICKER_KEYS);
  if (keyAt(bytes, i, KEY_T)) i = unsignedEnd(bytes, i + 5);
  let eventMs = -1;
  if (keyAt(bytes, i, KEY_E)) {
    eventMs = unsignedAt(bytes, i + 5);
    i = cursor;
  }
  const hasEvent = eventMs >= 0;
  if (i !== close || eventMs > MAX_TIME_MS || symbolEnd <= symbolStart) return DECLINED;
  const symbol = known >= 0 ? naming.lastSymbol : naming.symbolOf(bytes, symbolStart, symbolEnd);
  out.push(bookTickerRecord(naming.exchangeOf(typed || hasEvent), symbol, eventMs, tsRecv, decimals[0]!, decimals[1]!, decimals[2]!, decimals[3]!));
  return DECODED;
}

/** A depth update from its `,"E":` at `i`; `E` at most `MAX_TIME_MS`, `pu` -1 when absent (spot). */
function depthUpdate(bytes: Buffer, i: number, close: number, tsRecv: number, naming: BinanceNaming, out: MarketRecord[]): number {
  if (!keyAt(bytes, i, KEY_E)) return DECLINED;
  const eventMs = unsignedAt(bytes, i + 5);
  i = cursor;
  if (keyAt(bytes, i, KEY_T)) i = unsignedEnd(bytes, i + 5);
  if (!keyAt(bytes, i, KEY_S) || bytes[i + 5] !== 34) return DECLINED;
  const symbolStart = i + 6;
  const known = naming.knownSymbolEnd(bytes, symbolStart, close);
  i = known >= 0 ? known + 1 : plainStringEnd(bytes, i + 5, close);
  const symbolEnd = i - 1;
  if (!keyAt(bytes, i, KEY_U_FIRST)) return DECLINED;
  const firstId = unsignedAt(bytes, i + 5);
  i = cursor;
  if (!keyAt(bytes, i, KEY_U)) return DECLINED;
  const lastId = unsignedAt(bytes, i + 5);
  i = cursor;
  let prevId = -1;
  if (word(bytes, i) === KEY_PU && bytes[i + 4] === 34 && bytes[i + 5] === 58) {
    prevId = unsignedAt(bytes, i + 6);
    i = cursor;
  }
  if (!keyAt(bytes, i, KEY_B) || bytes[i + 5] !== 91 /* [ */) return DECLINED;
  const bids = orderedLevels(bytes, i + 6);
  i = levelsEnd;
  if (!keyAt(bytes, i, KEY_A_ID) || bytes[i + 5] !== 91) return DECLINED;
  const asks = orderedLevels(bytes, i + 6);
  i = levelsEnd;
  if (i !== close || eventMs > MAX_TIME_MS || symbolEnd <= symbolStart) return DECLINED;
  const symbol = known >= 0 ? naming.lastSymbol : naming.symbolOf(bytes, symbolStart, symbolEnd);
  out.push(bookChangeRecord(naming.exchangeOf(prevId >= 0), symbol, eventMs, tsRecv, firstId, lastId, prevId, bids, asks));
  return DECODED;
}

/** The keys of a book ticker's decimals, in order: bid price and amount, ask price and amount. */
const TICKER_KEYS = Int32Array.of(KEY_B, KEY_B_QTY, KEY_A_ID, KEY_A_QTY);
/** The keys of a trade's decimals, in order: price, amount. */
const TRADE_KEYS = Int32Array.of(KEY_P, KEY_Q);
/** The values `decimalRun` read, in its keys' order (unboxed: no number object per value). */
const decimals = new Float64Array(4);

/**
 * Reads the decimal strings of `keys`, one after the other from the `,` at `i` (each
 * `,"<key>":"<decimal>"`, in the form of `shortDecimalAt`), into `decimals`; returns the index
 * past the last, or -1. One loop, so `shortDecimalAt` has one call site here: V8 inlines a
 * function at only so many sites of one caller, and a number returned by a call it did not
 * inline is boxed on the heap.
 */
function decimalRun(bytes: Buffer, i: number, keys: Int32Array): number {
  for (let k = 0; k < keys.length; k++) {
    if (!keyAt(bytes, i, keys[k]!) || bytes[i + 5] !== 34 /* " */) return -1;
    decimals[k] = shortDecimalAt(bytes, i + 5);
    i = cursor;
  }
  return i;
}

/**
 * The index past the unsigned safe integer at `i`, or -1 (none, or not safe): `unsignedAt` for a
 * value not kept. Up to 15 digits are always safe; only longer runs are read to tell.
 */
function unsignedEnd(bytes: Buffer, i: number): number {
  const start = i;
  let c = bytes[i]!;
  while (c >= 48 && c <= 57) c = bytes[++i]!;
  if (i - start <= 15) return i > start ? i : -1;
  unsignedAt(bytes, start);
  return cursor;
}

/** Where `orderedLevels` stopped: past the array's `]`, or -1. */
let levelsEnd = 0;

/**
 * The levels of the array whose first level's `[` (or, empty, whose `]`) is at `i`, each
 * `["<decimal>","<decimal>"]` in the short form of `shortDecimalAt`, `levelsEnd` past the array's
 * `]`; `levelsEnd` -1 at anything else (the message is then declined, and the keyed pass's
 * `parseLevels` decides). Each level is one object literal of one shape, as `parseLevels` makes.
 */
function orderedLevels(bytes: Buffer, i: number): BookLevel[] {
  const levels: BookLevel[] = [];
  if (bytes[i] === 93 /* ] */) {
    levelsEnd = i + 1;
    return levels;
  }
  // Price and amount read at one call site (see `decimalRun`): at even `n` a level's `["`, at odd
  // `n` the `,"` between its price and amount.
  let price = 0;
  for (let n = 0; ; n++) {
    if (bytes[i] !== ((n & 1) === 0 ? 91 /* [ */ : 44) /* , */ || bytes[i + 1] !== 34 /* " */) break;
    const value = shortDecimalAt(bytes, i + 1);
    i = cursor;
    if ((n & 1) === 0) {
      price = value;
      continue;
    }
    if (bytes[i] !== 93 /* ] */) break;
    levels.push({ price, amount: value });
    const c = bytes[i + 1];
    if (c === 93) {
      levelsEnd = i + 2;
      return levels;
    }
    if (c !== 44) break;
    i += 2;
  }
  levelsEnd = -1;
  return levels;
}
