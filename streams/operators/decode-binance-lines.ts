/**
 * The `decodeBinanceLines` operator: raw Binance capture lines (`<receive ns> <json>`) to
 * normalized records, as the `binance` file source decodes them.
 */
import type { OperatorFunction } from 'rxjs';
import type { MarketRecord } from '../../src/model/records.js';
import { decodeLines, type DecodeLinesOptions } from './decode-lines.js';

/**
 * Decodes capture lines; `tsRecv` is each line's prefix. Exchange detected per message (`binance`
 * or `binance-futures`) unless `options.exchange` is given. Bad lines are counted in
 * `options.stats` and dropped.
 */
export function decodeBinanceLines(options: DecodeLinesOptions = {}): OperatorFunction<string | Uint8Array, MarketRecord> {
  return decodeLines('binance', options);
}
