/**
 * The Binance wire parser: one JSON message (a combined-stream envelope `{"stream":..,"data":..}`,
 * a raw stream message, or a REST depth snapshot), as bytes, to normalized records, without
 * `JSON.parse` (see `binance-scanner.ts`). Used by the raw capture reader, the cryptofeed capture
 * reader and the live frame operator.
 *
 * Mapping (spot and USD-M futures alike):
 * - `trade` → `trade` (id `t`), `aggTrade` → `trade` (id `a`); `ts` = `T`; `m: true` (buyer is
 *   maker) means the aggressor sold.
 * - `bookTicker` → `book_ticker`; `ts` = `E`, or the receive time on spot, which sends none.
 * - `depthUpdate` → `book_change` (`U`, `u`, and `pu` on USD-M, else -1); `ts` = `E`.
 * - `{"lastUpdateId","bids","asks"}` → `depth_snapshot`; `ts` = `E` (USD-M) or the receive time.
 *   It names no symbol: it takes the envelope's stream name (partial-depth streams), else the last
 *   symbol seen, else the caller's.
 * - `kline` → `trade_bar` when closed (`x: true`), else skipped; `openTs` = `t`, `closeTs` = `T` + 1 ms
 *   (Binance's `T` is the last millisecond inside the bar), `ts` = `E`, `tsRecv` = the receive time
 *   (a bar from a capture is received after its close), `buyVolume` = `V` (taker buy volume),
 *   `vwap` = quote volume / volume (the close when there was no volume).
 * - Subscription replies (`{"result":..,"id":..}`) are skipped; other event types are unknown.
 *
 * Exchange: the caller's `exchange` if given; otherwise detected per message: USD-M messages carry
 * `e` and `E` on `bookTicker`, `pu` on `depthUpdate`, `E` on snapshots, and lack spot's `M` on
 * trades. A kline carries no marker and takes the last exchange detected (or `defaultExchange`).
 *
 * Validation is of the message's framing and of every field used (present, of the right kind, a
 * valid number); fields not used are skipped, not validated. A valid number is a decimal with a
 * finite value (`"1e400"` is refused, not read as Infinity) or an unsigned integer; a time in ms
 * must be at most `MAX_TIME_MS`, so that its µs are a safe integer. A refused message's `reason`
 * names the first bad field (`binance-field-rules.ts`).
 */
import type { MarketRecord } from '../../../src/model/records.js';
import { DECODED, MALFORMED, SKIPPED, UNKNOWN, type DecodeOutcome } from '../../line-decoder.js';
import {
  AGG_TRADE_RULES,
  BOOK_TICKER_RULES,
  DEPTH_UPDATE_RULES,
  invalidFieldReason,
  KLINE_RULES,
  SNAPSHOT_RULES,
  TRADE_RULES,
  type MessageRules,
} from './binance-field-rules.js';
import {
  KIND_OBJECT,
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
} from './binance-field-table.js';
import { BinanceKeyedPass } from './binance-keyed-pass.js';
import { BinanceNaming, type BinanceParserOptions } from './binance-naming.js';
import { bookChangeRecord, bookTickerRecord, tradeRecord } from './binance-records.js';
import { decodeInOrder } from './binance-ordered-pass.js';
import { BinanceScanner, MAX_TIME_MS } from './binance-scanner.js';

// Part of the parser's API, defined beside the naming state they configure.
export { BINANCE_FUTURES, BINANCE_SPOT, type BinanceParserOptions } from './binance-naming.js';

// Single-letter keys by character code.
const E_TYPE = 101; // e
const E_TIME = 69; // E
const T_TIME = 84; // T
const S = 115; // s
const T_ID = 116; // t
const A = 97; // a (ask price; aggregate trade id)
const P = 112; // p
const Q = 113; // q
const M_MAKER = 109; // m
const M_SPOT = 77; // M
const U_FIRST = 85; // U
const U_LAST = 117; // u
const B = 98; // b
const B_QTY = 66; // B
const A_QTY = 65; // A
const K = 107; // k
const X_CLOSED = 120; // x
const I = 105; // i
const O = 111; // o
const H = 104; // h
const L = 108; // l
const C = 99; // c
const V = 118; // v
const V_BUY = 86; // V
const N = 110; // n

/**
 * Parses Binance messages. Stateful only in naming (last symbol and exchange seen), so one instance
 * serves one input. Fields are initialised in the constructor in a fixed order (hidden class).
 *
 * Three paths, one outcome: the ordered pass (`binance-ordered-pass.ts`) decodes the common message
 * types with their keys in the order Binance writes them; the keyed pass (`binance-keyed-pass.ts`)
 * those types in any key order; whatever both decline goes through the scanner's tables and the
 * readers below, which decide every other message and name the reason for refusing one.
 */
export class BinanceMessageParser {
  /** After `MALFORMED`, why; after `UNKNOWN`, the message type. */
  reason: string;
  private readonly fast: BinanceKeyedPass | null;
  /** Whether the ordered pass runs before the keyed pass. */
  private readonly ordered: boolean;
  private readonly scanner: BinanceScanner;
  private readonly naming: BinanceNaming;
  /** Depth of the message's table (1 inside an envelope) during a parse. */
  private depth: number;

  constructor(options: BinanceParserOptions = {}) {
    this.reason = '';
    this.fast = options.keyedPass === false ? null : new BinanceKeyedPass();
    this.ordered = this.fast !== null && options.orderedPass !== false;
    this.scanner = new BinanceScanner();
    this.naming = new BinanceNaming(options);
    this.depth = 0;
  }

  /**
   * Parses the message in `bytes[start, end)` (no surrounding whitespace), received at `tsRecv`
   * µs, appending at most one record to `out`.
   */
  parse(bytes: Buffer, start: number, end: number, tsRecv: number, out: MarketRecord[]): DecodeOutcome {
    if (this.ordered && decodeInOrder(bytes, start, end, tsRecv, this.naming, out) === DECODED) return DECODED;
    if (this.fast !== null && this.fast.decode(bytes, start, end, tsRecv, this.naming, out) === DECODED) return DECODED;
    if (!this.scanner.scan(bytes, start, end)) return this.malformed('not a well-formed JSON object');
    const scanner = this.scanner;
    this.depth = scanner.has(0, SLOT_DATA) ? 1 : 0;
    const d = this.depth;
    if (d === 1 && scanner.table(0).kind[SLOT_DATA] !== KIND_OBJECT) return this.malformed('envelope without a data object');
    if (this.has(E_TYPE, KIND_STRING)) {
      // Cheapest test first: the type's length and first letter, then the whole name.
      const t = scanner.table(d);
      const n = t.end[E_TYPE]! - t.start[E_TYPE]!;
      const first = bytes[t.start[E_TYPE]!];
      if (n === 5 && first === 116 && scanner.textEquals(d, E_TYPE, 'trade')) return this.trade(T_ID, tsRecv, out);
      if (n === 10 && first === 98 && scanner.textEquals(d, E_TYPE, 'bookTicker')) return this.bookTicker(tsRecv, true, out);
      if (n === 11 && first === 100 && scanner.textEquals(d, E_TYPE, 'depthUpdate')) return this.depthUpdate(tsRecv, out);
      if (n === 8 && first === 97 && scanner.textEquals(d, E_TYPE, 'aggTrade')) return this.trade(A, tsRecv, out);
      if (n === 5 && first === 107 && scanner.textEquals(d, E_TYPE, 'kline')) return this.kline(tsRecv, out);
      this.reason = scanner.text(d, E_TYPE);
      return UNKNOWN;
    }
    if (scanner.has(d, SLOT_LAST_UPDATE_ID)) return this.snapshot(tsRecv, out);
    if (scanner.has(d, U_LAST) && this.has(B, KIND_STRING)) return this.bookTicker(tsRecv, false, out);
    if (scanner.has(0, SLOT_RESULT) || (d === 0 && scanner.has(0, SLOT_ID))) return SKIPPED;
    this.reason = d === 1 && scanner.has(0, SLOT_STREAM) ? this.streamChannel() : 'unknown';
    return UNKNOWN;
  }

  private trade(idSlot: number, tsRecv: number, out: MarketRecord[]): DecodeOutcome {
    const symbol = this.symbol();
    const idOk = this.has(idSlot, KIND_SCALAR) && this.integer(idSlot) >= 0;
    const price = this.decimal(P);
    const amount = this.decimal(Q);
    const time = this.time(T_TIME);
    const maker = this.scanner.boolean(this.depth, M_MAKER);
    if (symbol === null || !idOk || price !== price || amount !== amount || time < 0 || maker < 0) {
      return this.invalid(idSlot === T_ID ? TRADE_RULES : AGG_TRADE_RULES);
    }
    out.push(tradeRecord(this.naming.exchangeOf(!this.scanner.has(this.depth, M_SPOT)), symbol, time, tsRecv, this.scanner.text(this.depth, idSlot), price, amount, maker));
    return DECODED;
  }

  private bookTicker(tsRecv: number, futures: boolean, out: MarketRecord[]): DecodeOutcome {
    const symbol = this.symbol();
    const bidPrice = this.decimal(B);
    const bidAmount = this.decimal(B_QTY);
    const askPrice = this.decimal(A);
    const askAmount = this.decimal(A_QTY);
    const hasEvent = this.scanner.has(this.depth, E_TIME);
    const event = hasEvent ? this.time(E_TIME) : tsRecv;
    if (symbol === null || bidPrice !== bidPrice || bidAmount !== bidAmount || askPrice !== askPrice || askAmount !== askAmount || event < 0) {
      return this.invalid(BOOK_TICKER_RULES);
    }
    out.push(bookTickerRecord(this.naming.exchangeOf(futures || hasEvent), symbol, hasEvent ? event : -1, tsRecv, bidPrice, bidAmount, askPrice, askAmount));
    return DECODED;
  }

  private depthUpdate(tsRecv: number, out: MarketRecord[]): DecodeOutcome {
    const symbol = this.symbol();
    const event = this.time(E_TIME);
    const first = this.integer(U_FIRST);
    const last = this.integer(U_LAST);
    const hasPrev = this.scanner.has(this.depth, SLOT_PU);
    const prev = hasPrev ? this.integer(SLOT_PU) : -1;
    const bids = this.scanner.bids;
    const asks = this.scanner.asks;
    if (symbol === null || event < 0 || first < 0 || last < 0 || (hasPrev && prev < 0) || bids === null || asks === null) {
      return this.invalid(DEPTH_UPDATE_RULES);
    }
    out.push(bookChangeRecord(this.naming.exchangeOf(hasPrev), symbol, event, tsRecv, first, last, prev, bids, asks));
    return DECODED;
  }

  private snapshot(tsRecv: number, out: MarketRecord[]): DecodeOutcome {
    const lastUpdateId = this.integer(SLOT_LAST_UPDATE_ID);
    const hasEvent = this.scanner.has(this.depth, E_TIME);
    const event = hasEvent ? this.time(E_TIME) : tsRecv;
    const bids = this.scanner.bids;
    const asks = this.scanner.asks;
    if (lastUpdateId < 0 || event < 0 || bids === null || asks === null || !this.scanner.has(this.depth, SLOT_BIDS) || !this.scanner.has(this.depth, SLOT_ASKS)) {
      return this.invalid(SNAPSHOT_RULES);
    }
    const symbol = this.depth === 1 && this.scanner.has(0, SLOT_STREAM) ? this.streamSymbol() : this.naming.lastSymbol;
    if (symbol === '') return this.malformed('depth snapshot before any message naming its symbol, and no symbol given');
    out.push({
      type: 'depth_snapshot',
      exchange: this.naming.exchangeOf(hasEvent),
      symbol,
      ts: hasEvent ? event * 1000 : tsRecv,
      tsRecv,
      lastUpdateId,
      bids,
      asks,
    });
    return DECODED;
  }

  private kline(tsRecv: number, out: MarketRecord[]): DecodeOutcome {
    const symbol = this.symbol();
    const event = this.time(E_TIME);
    const k = this.depth + 1;
    if (!this.scanner.has(this.depth, K) || !this.scanner.has(k, X_CLOSED)) return this.malformed('kline without a k object');
    const closed = this.scanner.boolean(k, X_CLOSED);
    if (closed === 0) return SKIPPED;
    const openMs = this.scanner.time(k, T_ID);
    const lastMs = this.scanner.time(k, T_TIME);
    const open = this.scanner.decimal(k, O);
    const high = this.scanner.decimal(k, H);
    const low = this.scanner.decimal(k, L);
    const close = this.scanner.decimal(k, C);
    const volume = this.scanner.decimal(k, V);
    const buyVolume = this.scanner.decimal(k, V_BUY);
    const quoteVolume = this.scanner.decimal(k, Q);
    const trades = this.scanner.integer(k, N);
    if (
      // `lastMs` + 1 ms is the close: it too must be within `MAX_TIME_MS`.
      symbol === null || event < 0 || closed < 0 || openMs < 0 || lastMs < 0 || lastMs === MAX_TIME_MS || !this.scanner.hasKind(k, I, KIND_STRING) ||
      open !== open || high !== high || low !== low || close !== close || volume !== volume || buyVolume !== buyVolume ||
      quoteVolume !== quoteVolume || trades < 0
    ) {
      return this.invalid(KLINE_RULES);
    }
    const scale = 10 ** Math.max(this.scanner.fractionDigits(k, V), this.scanner.fractionDigits(k, V_BUY));
    // Rounded at the inputs' precision so 0.3 - 0.1 reads 0.2, not 0.19999999999999998; unrounded
    // when that precision is beyond a double (hundreds of digits make `scale` Infinity).
    const rounded = Math.round((volume - buyVolume) * scale) / scale;
    const sellVolume = rounded - rounded === 0 ? rounded : volume - buyVolume;
    const vwap = volume > 0 ? quoteVolume / volume : close;
    if (sellVolume - sellVolume !== 0 || vwap - vwap !== 0) return this.malformed('kline whose v, V and q give a sellVolume or vwap beyond a double');
    out.push({
      type: 'trade_bar',
      exchange: this.naming.fixedExchange ?? this.naming.lastExchange,
      symbol,
      ts: event * 1000,
      tsRecv,
      interval: this.scanner.text(k, I),
      open,
      high,
      low,
      close,
      volume,
      buyVolume,
      sellVolume,
      trades,
      vwap,
      openTs: openMs * 1000,
      closeTs: (lastMs + 1) * 1000,
    });
    return DECODED;
  }

  private has(slot: number, kind: number): boolean {
    return this.scanner.hasKind(this.depth, slot, kind);
  }

  private decimal(slot: number): number {
    return this.scanner.decimal(this.depth, slot);
  }

  private integer(slot: number): number {
    return this.scanner.integer(this.depth, slot);
  }

  private time(slot: number): number {
    return this.scanner.time(this.depth, slot);
  }

  /** The `s` field, reusing the previous string when equal so records share one symbol string. */
  private symbol(): string | null {
    if (!this.has(S, KIND_STRING)) return null;
    const t = this.scanner.table(this.depth);
    if (t.end[S] === t.start[S]) return null;
    return this.naming.symbolOf(this.scanner.bytes, t.start[S]!, t.end[S]!);
  }

  /** `btcusdt@depth20` → `BTCUSDT`. */
  private streamSymbol(): string {
    const name = this.scanner.text(0, SLOT_STREAM);
    const at = name.indexOf('@');
    return (at < 0 ? name : name.slice(0, at)).toUpperCase();
  }

  /** `btcusdt@markPrice@1s` → `markPrice@1s`, naming an unknown message by its channel. */
  private streamChannel(): string {
    const name = this.scanner.text(0, SLOT_STREAM);
    return name.slice(name.indexOf('@') + 1) || 'unknown';
  }

  private malformed(reason: string): DecodeOutcome {
    this.reason = reason;
    return MALFORMED;
  }

  /** Refuses the message, naming its first field that breaks `rules` (off the hot path). */
  private invalid(rules: MessageRules): DecodeOutcome {
    return this.malformed(invalidFieldReason(this.scanner, this.depth, rules));
  }
}

