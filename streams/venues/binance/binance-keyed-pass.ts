/**
 * The Binance parser's second fast path: one keyed pass over a trade, aggTrade, bookTicker or
 * depthUpdate message in the form Binance sends it but in any key order (a combined-stream envelope
 * `{"stream":..,"data":{..}}` or the bare object; no whitespace, no escapes, each key read at most
 * once), taking each value into a field as its key is met and building the record from the fields.
 * Those four types are every line of the shared raw captures but their one REST snapshot each (and
 * 95% of the cryptofeed one); with their keys in Binance's order, the ordered pass
 * (`binance-ordered-pass.ts`) decodes them first, and this pass is what it declines to.
 *
 * The general path (`BinanceScanner` noting spans in tables, then `BinanceMessageParser` reading
 * them) costs a table write per field, a lookup per read and several calls V8 does not inline; this
 * pass does without them. It decodes only what the general path would decode, to the same record
 * (same fields, numbers read with the same arithmetic: `shortDecimalAt` and `unsignedAt` are
 * `shortDecimalUntilQuote` and `unsignedDigits` bounded by the object's `}`, levels `parseLevels`);
 * on anything else (another type, an unusual form, a field missing or invalid) it declines, having
 * changed no naming state, and the general path decides and names what is wrong. The identity of
 * the paths is tested on every line of the shared captures and on mutated lines.
 */
import type { BookLevel, MarketRecord } from '../../../src/model/records.js';
import { DECODED } from '../../line-decoder.js';
import { latin1Text } from '../../text/ascii-bytes.js';
import type { BinanceNaming } from './binance-naming.js';
import { bookChangeRecord, bookTickerRecord, tradeRecord } from './binance-records.js';
import { MAX_TIME_MS } from './binance-scanner.js';
import { booleanAt, cursor, messageBody, parseLevels, plainStringEnd, shortDecimalAt, unsignedAt } from './binance-values.js';
import { word, wordOf } from './binance-words.js';

/** What `decode` returns when it leaves the message to the general path. */
export const DECLINED = -1;

// One bit per key the pass reads; `seen` collects them (a key met twice declines).
const E_TYPE = 1 << 0; // e
const E_TIME = 1 << 1; // E
const S = 1 << 2; // s
const T_ID = 1 << 3; // t
const A = 1 << 4; // a: ask price, aggregate trade id, or ask levels
const P = 1 << 5; // p
const Q = 1 << 6; // q
const T_TIME = 1 << 7; // T
const M_MAKER = 1 << 8; // m
const M_SPOT = 1 << 9; // M
const U_LAST = 1 << 10; // u
const U_FIRST = 1 << 11; // U
const B = 1 << 12; // b: bid price or bid levels
const B_QTY = 1 << 13; // B
const A_QTY = 1 << 14; // A
const PU = 1 << 15; // pu

/** The bit of each single-letter key by character code (0: a key the pass skips). */
const KEY_BITS: Uint16Array = (() => {
  const bits = new Uint16Array(256);
  const keys: Record<string, number> = { e: E_TYPE, E: E_TIME, s: S, t: T_ID, a: A, p: P, q: Q, T: T_TIME, m: M_MAKER, M: M_SPOT, u: U_LAST, U: U_FIRST, b: B, B: B_QTY, A: A_QTY };
  for (const [key, bit] of Object.entries(keys)) bits[key.charCodeAt(0)] = bit;
  return bits;
})();

// Kinds of value; what `a` and `b` hold differs by message type.
const DECIMAL = 1;
const INTEGER = 2;
const LEVELS = 3;
const STRING = 4;
const BOOLEAN = 5;

/** Keys whose string values are decimals, read as numbers on the way. */
const DECIMAL_KEYS = P | Q | B | B_QTY | A | A_QTY;

/**
 * One pass's fields, reused from message to message (only fields whose bit is in `seen` are read).
 * Every field is initialised in the constructor, in one order (hidden class); numbers stay doubles.
 */
export class BinanceKeyedPass {
  private seen: number;
  private typeStart: number;
  private typeEnd: number;
  private symbolStart: number;
  private symbolEnd: number;
  private idStart: number;
  private idEnd: number;
  private aKind: number;
  private aStart: number;
  private aEnd: number;
  private aNumber: number;
  private bKind: number;
  private bNumber: number;
  private bids: BookLevel[] | null;
  private asks: BookLevel[] | null;
  private eventMs: number;
  private tradeMs: number;
  private price: number;
  private amount: number;
  private bidAmount: number;
  private askAmount: number;
  private firstId: number;
  private lastId: number;
  private prevId: number;
  private maker: number;

  constructor() {
    this.seen = 0;
    this.typeStart = 0;
    this.typeEnd = 0;
    this.symbolStart = 0;
    this.symbolEnd = 0;
    this.idStart = 0;
    this.idEnd = 0;
    this.aKind = 0;
    this.aStart = 0;
    this.aEnd = 0;
    this.aNumber = 0.5;
    this.bKind = 0;
    this.bNumber = 0.5;
    this.bids = null;
    this.asks = null;
    // Non-integer starting values give the number fields a double representation from the start.
    this.eventMs = 0.5;
    this.tradeMs = 0.5;
    this.price = 0.5;
    this.amount = 0.5;
    this.bidAmount = 0.5;
    this.askAmount = 0.5;
    this.firstId = 0.5;
    this.lastId = 0.5;
    this.prevId = 0.5;
    this.maker = 0;
  }

  /**
   * Decodes the message in `bytes[start, end)` received at `tsRecv` µs, appending its record to
   * `out` and returning `DECODED`, or returns `DECLINED` having appended nothing and changed no
   * naming state.
   */
  decode(bytes: Buffer, start: number, end: number, tsRecv: number, naming: BinanceNaming, out: MarketRecord[]): number {
    const i = messageBody(bytes, start, end);
    if (i < 0) return DECLINED;
    // The `}` at `close` is the one `fields` must end at; `messageBody` found it there, so it bounds
    // every scan of digits.
    const close = cursor;
    if (this.fields(bytes, i, close) !== close) return DECLINED;
    const seen = this.seen;
    if ((seen & E_TYPE) !== 0) {
      const at = this.typeStart;
      const n = this.typeEnd - at;
      const head = word(bytes, at);
      if (n === 5 && head === TRAD && bytes[at + 4] === 101 /* e */) return this.trade(bytes, T_ID, tsRecv, naming, out);
      if (n === 10 && head === BOOK && word(bytes, at + 4) === TICK && bytes[at + 8] === 101 && bytes[at + 9] === 114 /* r */) return this.bookTicker(bytes, true, tsRecv, naming, out);
      if (n === 11 && head === DEPT && word(bytes, at + 4) === HUPD && bytes[at + 8] === 97 /* a */ && bytes[at + 9] === 116 /* t */ && bytes[at + 10] === 101) {
        return this.depthUpdate(bytes, tsRecv, naming, out);
      }
      if (n === 8 && head === AGGT && word(bytes, at + 4) === RADE) return this.trade(bytes, A, tsRecv, naming, out);
      return DECLINED;
    }
    // Spot book tickers name no type; the general path tells them by `u` and a string `b`.
    if ((seen & U_LAST) !== 0 && (seen & B) !== 0 && this.bKind === DECIMAL) return this.bookTicker(bytes, false, tsRecv, naming, out);
    return DECLINED;
  }

  /**
   * Reads the fields from the first key at `i` to the object's `}`; returns that `}`'s index, or -1
   * (decline) at anything outside the form this pass takes. Nothing past `close` is accepted: the
   * caller requires the `}` to be there. Each kind of value is read at one call site (V8 inlines a
   * function called from one place more readily than from several), then stored by its key.
   */
  private fields(bytes: Buffer, i: number, close: number): number {
    let seen = 0;
    for (;;) {
      if (bytes[i] !== 34 /* " */) return -1;
      const key = bytes[i + 1]!;
      let bit: number;
      if (bytes[i + 2] === 34) {
        bit = KEY_BITS[key]!;
        i += 3;
      } else if (key === 112 /* p */ && bytes[i + 2] === 117 /* u */ && bytes[i + 3] === 34) {
        bit = PU;
        i += 4;
      } else {
        return -1;
      }
      if (bytes[i] !== 58 /* : */ || (seen & bit) !== 0) return -1;
      seen |= bit;
      const at = ++i;
      const c = bytes[i]!;
      let kind: number;
      let value = 0;
      if (c === 34) {
        if ((bit & DECIMAL_KEYS) !== 0) {
          value = shortDecimalAt(bytes, i);
          i = cursor;
          kind = DECIMAL;
        } else {
          i = plainStringEnd(bytes, i, close);
          kind = STRING;
        }
      } else if (c - 48 >= 0 && c - 48 <= 9) {
        value = unsignedAt(bytes, i);
        i = cursor;
        kind = INTEGER;
      } else if (c === 91 /* [ */ && (bit & (A | B)) !== 0) {
        const levels: BookLevel[] = [];
        i = parseLevels(bytes, i + 1, close, levels);
        if (bit === A) this.asks = levels;
        else this.bids = levels;
        kind = LEVELS;
      } else {
        value = booleanAt(bytes, i);
        i = cursor;
        kind = BOOLEAN;
      }
      if (i < 0 || !this.store(bit, kind, value, at, i)) return -1;
      const next = bytes[i];
      if (next === 44 /* , */) {
        i++;
      } else {
        this.seen = seen;
        return next === 125 /* } */ ? i : -1;
      }
    }
  }

  /** Keeps the value of key `bit` (of `kind`, at `bytes[start, end)`); false if the key takes no such value. */
  private store(bit: number, kind: number, value: number, start: number, end: number): boolean {
    switch (bit) {
      case E_TYPE:
        this.typeStart = start + 1;
        this.typeEnd = end - 1;
        return kind === STRING;
      case S:
        this.symbolStart = start + 1;
        this.symbolEnd = end - 1;
        return kind === STRING;
      case E_TIME:
        this.eventMs = value;
        return kind === INTEGER;
      case T_TIME:
        this.tradeMs = value;
        return kind === INTEGER;
      case U_FIRST:
        this.firstId = value;
        return kind === INTEGER;
      case U_LAST:
        this.lastId = value;
        return kind === INTEGER;
      case PU:
        this.prevId = value;
        return kind === INTEGER;
      case T_ID:
        this.idStart = start;
        this.idEnd = end;
        return kind === INTEGER;
      case P:
        this.price = value;
        return kind === DECIMAL;
      case Q:
        this.amount = value;
        return kind === DECIMAL;
      case B_QTY:
        this.bidAmount = value;
        return kind === DECIMAL;
      case A_QTY:
        this.askAmount = value;
        return kind === DECIMAL;
      case B:
        this.bKind = kind;
        this.bNumber = value;
        return kind === DECIMAL || kind === LEVELS;
      case A:
        this.aKind = kind;
        this.aNumber = value;
        this.aStart = start;
        this.aEnd = end;
        return kind !== BOOLEAN;
      case M_MAKER:
        this.maker = value;
        return kind === BOOLEAN;
      default:
        // `M` (present means spot, whatever its value) and keys this pass does not read.
        return true;
    }
  }

  private trade(bytes: Buffer, idBit: number, tsRecv: number, naming: BinanceNaming, out: MarketRecord[]): number {
    const seen = this.seen;
    const need = S | idBit | P | Q | T_TIME | M_MAKER;
    const idIsInteger = idBit === T_ID || this.aKind === INTEGER;
    if ((seen & need) !== need || !idIsInteger || this.symbolEnd === this.symbolStart || this.tradeMs > MAX_TIME_MS) return DECLINED;
    const symbol = naming.symbolOf(bytes, this.symbolStart, this.symbolEnd);
    const id = idBit === T_ID ? latin1Text(bytes, this.idStart, this.idEnd) : latin1Text(bytes, this.aStart, this.aEnd);
    out.push(tradeRecord(naming.exchangeOf((seen & M_SPOT) === 0), symbol, this.tradeMs, tsRecv, id, this.price, this.amount, this.maker));
    return DECODED;
  }

  private bookTicker(bytes: Buffer, futures: boolean, tsRecv: number, naming: BinanceNaming, out: MarketRecord[]): number {
    const seen = this.seen;
    const need = S | B | B_QTY | A | A_QTY;
    const hasEvent = (seen & E_TIME) !== 0;
    if ((seen & need) !== need || this.bKind !== DECIMAL || this.aKind !== DECIMAL || this.symbolEnd === this.symbolStart || (hasEvent && this.eventMs > MAX_TIME_MS)) {
      return DECLINED;
    }
    const symbol = naming.symbolOf(bytes, this.symbolStart, this.symbolEnd);
    out.push(bookTickerRecord(naming.exchangeOf(futures || hasEvent), symbol, hasEvent ? this.eventMs : -1, tsRecv, this.bNumber, this.bidAmount, this.aNumber, this.askAmount));
    return DECODED;
  }

  private depthUpdate(bytes: Buffer, tsRecv: number, naming: BinanceNaming, out: MarketRecord[]): number {
    const seen = this.seen;
    const need = S | E_TIME | U_FIRST | U_LAST | B | A;
    const hasPrev = (seen & PU) !== 0;
    if ((seen & need) !== need || this.bKind !== LEVELS || this.aKind !== LEVELS || this.symbolEnd === this.symbolStart || this.eventMs > MAX_TIME_MS) return DECLINED;
    const symbol = naming.symbolOf(bytes, this.symbolStart, this.symbolEnd);
    out.push(bookChangeRecord(naming.exchangeOf(hasPrev), symbol, this.eventMs, tsRecv, this.firstId, this.lastId, hasPrev ? this.prevId : -1, this.bids!, this.asks!));
    return DECODED;
  }
}

const TRAD = wordOf('trad');
const BOOK = wordOf('book');
const TICK = wordOf('Tick');
const DEPT = wordOf('dept');
const HUPD = wordOf('hUpd');
const AGGT = wordOf('aggT');
const RADE = wordOf('rade');
