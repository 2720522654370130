/**
 * Instrument keys: one instrument is one symbol on one exchange, so everything kept per instrument
 * (instruments, books, positions, open orders, market snapshots, risk limits, report entries) is
 * keyed by `exchange:SYMBOL` (`binance:BTCUSDT`, `binance-futures:BTCUSDT`), never by the symbol
 * alone: the same symbol on two venues is two instruments with their own prices, grids and
 * positions. A colon, since exchange names use dashes and bus topics dots.
 *
 * Kept apart from `instrument.ts` (the grid and precisions): this is the identity, that the figures.
 */

/** The key of `symbol` on `exchange`: `exchange:SYMBOL`. */
export function instrumentKey(exchange: string, symbol: string): string {
  return `${exchange}:${symbol}`;
}

/**
 * The exchange and symbol of `text` when it is an instrument key (`exchange:SYMBOL`, split at the
 * first colon), else `undefined` (a bare symbol). Exchange names never hold a colon.
 */
export function parseInstrumentKey(text: string): { readonly exchange: string; readonly symbol: string } | undefined {
  const i = text.indexOf(':');
  if (i <= 0 || i === text.length - 1) return undefined;
  return { exchange: text.slice(0, i), symbol: text.slice(i + 1) };
}

/**
 * Interned keys for the per-record paths (marks, market snapshots, the paper venue's books): the
 * key of a record's exchange and symbol without building a string per record. The last pair asked
 * for is checked first, so a stream of one instrument costs two string comparisons. Grows by one
 * entry per instrument seen.
 */
export class InstrumentKeys {
  private readonly byExchange: Map<string, Map<string, string>>;
  private lastExchange: string;
  private lastSymbol: string;
  private lastKey: string;

  constructor() {
    // Fields in one fixed order (hidden class).
    this.byExchange = new Map();
    this.lastExchange = '';
    this.lastSymbol = '';
    this.lastKey = '';
  }

  /** `instrumentKey(exchange, symbol)`, the same string object every time. */
  of(exchange: string, symbol: string): string {
    if (symbol === this.lastSymbol && exchange === this.lastExchange && this.lastKey !== '') return this.lastKey;
    let bySymbol = this.byExchange.get(exchange);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.byExchange.set(exchange, bySymbol);
    }
    let key = bySymbol.get(symbol);
    if (key === undefined) {
      key = instrumentKey(exchange, symbol);
      bySymbol.set(symbol, key);
    }
    this.lastExchange = exchange;
    this.lastSymbol = symbol;
    this.lastKey = key;
    return key;
  }
}
