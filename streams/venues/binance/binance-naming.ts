/**
 * What the Binance parser remembers between messages of one input: the exchange and symbol names
 * to give records (see the exchange detection in `binance-message.ts`). Shared by the parser's
 * fast paths (`binance-ordered-pass.ts`, `binance-keyed-pass.ts`) and its general path, so all
 * name records alike.
 */
import { bytesEqual, latin1Text } from '../../text/ascii-bytes.js';

/** Exchange name of Binance spot records. */
export const BINANCE_SPOT = 'binance';
/** Exchange name of Binance USD-M futures records. */
export const BINANCE_FUTURES = 'binance-futures';

/** Naming options of the Binance parser. */
export interface BinanceParserOptions {
  /** Exchange name for every record, overriding detection. */
  readonly exchange?: string | undefined;
  /** Exchange of messages with no spot or futures marker, until one is seen (default `binance`). */
  readonly defaultExchange?: string | undefined;
  /** Name detection gives futures messages (default `binance-futures`; `binance-delivery` for COIN-M). */
  readonly futuresExchange?: string | undefined;
  /** Symbol for a snapshot seen before any message naming one. */
  readonly symbol?: string | undefined;
  /**
   * `false` sends every message through the general path, skipping the keyed pass (default `true`):
   * the two must agree, and tests compare them.
   */
  readonly keyedPass?: boolean | undefined;
  /**
   * `false` skips the ordered pass (`binance-ordered-pass.ts`), which comes before the keyed pass
   * (default `true`; no effect without the keyed pass): the three paths must agree, and tests
   * compare them.
   */
  readonly orderedPass?: boolean | undefined;
}

/**
 * The last exchange and symbol seen, and the caller's overrides. Fields are initialised in the
 * constructor in a fixed order (hidden class).
 */
export class BinanceNaming {
  readonly fixedExchange: string | null;
  readonly futuresExchange: string;
  /** The exchange last detected (or the default): a kline, which carries no marker, takes it. */
  lastExchange: string;
  /** The symbol last read (or the caller's): a REST snapshot, which names none, takes it. Set only by `symbolOf`. */
  lastSymbol: string;
  /** Whether `lastSymbol` holds neither `"` nor `\`: only then can `knownSymbolEnd` find it. */
  private lastSymbolPlain: boolean;

  constructor(options: BinanceParserOptions) {
    this.fixedExchange = options.exchange ?? null;
    this.futuresExchange = options.futuresExchange ?? BINANCE_FUTURES;
    this.lastExchange = options.defaultExchange ?? BINANCE_SPOT;
    this.lastSymbol = options.symbol ?? '';
    this.lastSymbolPlain = isPlain(this.lastSymbol);
  }

  /**
   * The index of the quote closing the string whose text starts at `start` when that text is
   * `lastSymbol`, else -1; not past `close`. What `plainStringEnd` finds less one, for the symbol a
   * message most often names, without scanning it and without `symbolOf` comparing it again: a
   * caller given an index takes `lastSymbol` as the symbol. -1 for an empty or unplain `lastSymbol`
   * (a general path's text with an escape, which the fast paths do not take).
   */
  knownSymbolEnd(bytes: Buffer, start: number, close: number): number {
    const symbol = this.lastSymbol;
    const n = symbol.length;
    if (n === 0 || !this.lastSymbolPlain || start + n >= close || bytes[start + n] !== 34 /* " */) return -1;
    return bytesEqual(bytes, start, start + n, symbol) ? start + n : -1;
  }

  /** The exchange of a message with (`true`) or without a futures marker; remembered for klines. */
  exchangeOf(futures: boolean): string {
    if (this.fixedExchange !== null) return this.fixedExchange;
    return (this.lastExchange = futures ? this.futuresExchange : BINANCE_SPOT);
  }

  /** The symbol in `bytes[start, end)`, reusing the previous string when equal so records share one. */
  symbolOf(bytes: Buffer, start: number, end: number): string {
    if (bytesEqual(bytes, start, end, this.lastSymbol)) return this.lastSymbol;
    this.lastSymbol = latin1Text(bytes, start, end);
    this.lastSymbolPlain = isPlain(this.lastSymbol);
    return this.lastSymbol;
  }
}

function isPlain(text: string): boolean {
  return !text.includes('"') && !text.includes('\\');
}
