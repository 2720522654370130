/**
 * The registry of built-in recording formats, in the order `detectFormat` tries them: the first
 * match wins, so this order is the precedence of detection. Adding a format is one file defining its
 * `SourceFormatDefinition` plus one line here.
 *
 * Why this order: a zip entry's name is the most specific evidence, so LEAN comes first; then the
 * first-line shapes (a capture or journal line is unmistakable, and could in principle split into
 * three CSV fields); the CSV headers last, trades before quotes before bars (a header naming a price,
 * an amount and a time is read as trades even when it also has bid and ask columns).
 */
import { barsCsvFormat } from './formats/bars-csv.js';
import { cryptofeedFormat } from './formats/cryptofeed-capture.js';
import { journalFormat } from './formats/journal-lines.js';
import { leanTradesFormat } from './formats/lean-trades.js';
import { quotesCsvFormat } from './formats/quotes-csv.js';
import { tradesCsvFormat } from './formats/trades-csv.js';
import type { SourceFormatDefinition } from './source-format-definition.js';
import { binanceFormat } from './venues/binance/binance-capture.js';

/** The built-in formats, in detection order (`as const`: their names make the `SourceFormat` union). */
export const SOURCE_FORMAT_DEFINITIONS = [
  leanTradesFormat,
  binanceFormat,
  cryptofeedFormat,
  journalFormat,
  tradesCsvFormat,
  quotesCsvFormat,
  barsCsvFormat,
] as const satisfies readonly SourceFormatDefinition[];
