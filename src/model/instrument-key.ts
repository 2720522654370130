/**
 * Instrument keys: one instrument is one symbol on one exchange, so everything kept per instrument
 * (instruments, books, positions, open orders, market snapshots, risk limits, report entries) is
 * keyed by `exchange:SYMBOL` (`binance:BTCUSDT`, `binance-futures:BTCUSDT`), never by the symbol
 * alone: the same symbol on two venues is two instruments with their own prices, grids and
 * positions. A colon, since exchange names use dashes and bus topics dots.
 *
 * Kept apart from `instrument.ts` (the grid and precisions): this is the identity, that the figures.
 */

/** Most keys kept by `instrumentKey`; past it a key is built every time (a feed naming endless symbols). */
const MAX_INTERNED = 4096;
const interned = new Map<string, Map<string, string>>();
let internedCount = 0;

/**
 * The key of `symbol` on `exchange`: `exchange:SYMBOL`. The hot paths ask for it on every record
 * and order event; a key seen before comes back as the same string object, already flat and with
 * its hash computed, so it costs two map reads instead of a new string to build and hash.
 */
export function instrumentKey(exchange: string, symbol: string): string {
  let bySymbol = interned.get(exchange);
  if (bySymbol === undefined) {
    if (internedCount >= MAX_INTERNED) return `${exchange}:${symbol}`;
    bySymbol = new Map();
    interned.set(exchange, bySymbol);
  }
  let key = bySymbol.get(symbol);
  if (key === undefined) {
    key = `${exchange}:${symbol}`;
    if (internedCount >= MAX_INTERNED) return key;
    bySymbol.set(symbol, key);
    internedCount++;
  }
  return key;
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
 * `instrumentKey` with the last pair asked for checked first, for the per-record paths (marks,
 * market snapshots, the paper venue's books): a stream of one instrument costs two string
 * comparisons.
 */
export class InstrumentKeys {
  private lastExchange: string;
  private lastSymbol: string;
  private lastKey: string;

  constructor() {
    // Fields in one fixed order (hidden class).
    this.lastExchange = '';
    this.lastSymbol = '';
    this.lastKey = '';
  }

  /** `instrumentKey(exchange, symbol)`. */
  of(exchange: string, symbol: string): string {
    if (symbol === this.lastSymbol && exchange === this.lastExchange && this.lastKey !== '') return this.lastKey;
    const key = instrumentKey(exchange, symbol);
    this.lastExchange = exchange;
    this.lastSymbol = symbol;
    this.lastKey = key;
    return key;
  }
}
