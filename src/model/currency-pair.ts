/**
 * The two currencies of a symbol (`BTCUSDT` is BTC priced in USDT), for the balances an account
 * reports. Venues do not say it in their trade streams, so it is read off the symbol: the longest
 * known quote currency that ends the symbol and leaves a base of at least three letters (else any
 * base). A symbol that ends in none
 * (`SPY`, `BTCPERP`) is its own base, quoted in `USD` (`DEFAULT_QUOTE_CURRENCY`), and the pair says
 * it was assumed.
 */

/** Quote currencies recognised at the end of a symbol, longest first where one ends another. */
export const QUOTE_CURRENCIES: readonly string[] = [
  'FDUSD', 'USDT', 'USDC', 'BUSD', 'TUSD', 'USDP', 'DAI', 'USD', 'EUR', 'GBP', 'JPY', 'CHF', 'AUD', 'CAD', 'TRY', 'BRL', 'BTC', 'ETH', 'BNB',
];

/** The quote currency of a symbol that ends in none of `QUOTE_CURRENCIES`. */
export const DEFAULT_QUOTE_CURRENCY = 'USD';

/** A symbol's base and quote currencies. */
export interface CurrencyPair {
  readonly base: string;
  readonly quote: string;
  /** True when the symbol ends in no known quote currency and `quote` is the default. */
  readonly quoteAssumed: boolean;
}

/** The base and quote of `symbol` (upper-cased; `BTC-USDT` and `btc/usdt` read as `BTCUSDT`). */
export function currencyPairOf(symbol: string): CurrencyPair {
  const s = symbol.toUpperCase().replace(/[-/_]/g, '');
  // The longest quote that leaves a base of 3 or more letters (XBTUSD is XBT/USD, not XB/TUSD),
  // else the longest that leaves any.
  let best = '';
  let fallback = '';
  for (const q of QUOTE_CURRENCIES) {
    if (s.length <= q.length || !s.endsWith(q)) continue;
    if (s.length - q.length >= 3 && q.length > best.length) best = q;
    if (q.length > fallback.length) fallback = q;
  }
  if (best === '') best = fallback;
  if (best === '') return { base: s, quote: DEFAULT_QUOTE_CURRENCY, quoteAssumed: true };
  return { base: s.slice(0, s.length - best.length), quote: best, quoteAssumed: false };
}
