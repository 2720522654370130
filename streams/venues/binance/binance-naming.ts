/**
 * What the Binance parser remembers between messages of one input: the exchange and symbol names
 * to give records (see the exchange detection in `binance-message.ts`). Shared by the parser's fast
 * path (`binance-keyed-pass.ts`) and its general path, so both name records alike.
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
  /** The symbol last read (or the caller's): a REST snapshot, which names none, takes it. */
  lastSymbol: string;

  constructor(options: BinanceParserOptions) {
    this.fixedExchange = options.exchange ?? null;
    this.futuresExchange = options.futuresExchange ?? BINANCE_FUTURES;
    this.lastExchange = options.defaultExchange ?? BINANCE_SPOT;
    this.lastSymbol = options.symbol ?? '';
  }

  /** The exchange of a message with (`true`) or without a futures marker; remembered for klines. */
  exchangeOf(futures: boolean): string {
    if (this.fixedExchange !== null) return this.fixedExchange;
    return (this.lastExchange = futures ? this.futuresExchange : BINANCE_SPOT);
  }

  /** The symbol in `bytes[start, end)`, reusing the previous string when equal so records share one. */
  symbolOf(bytes: Buffer, start: number, end: number): string {
    if (bytesEqual(bytes, start, end, this.lastSymbol)) return this.lastSymbol;
    return (this.lastSymbol = latin1Text(bytes, start, end));
  }
}
