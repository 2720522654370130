/**
 * The recording formats tickflow reads, by name: parsing a user's format name, detecting the format
 * of a file from its first bytes, and building the format's line decoder.
 */
import { TickflowError } from '../src/runtime/errors.js';
import { BarsCsvDecoder, isBarsHeader } from './formats/bars-csv.js';
import { CryptofeedCaptureDecoder, isCryptofeedLine } from './formats/cryptofeed-capture.js';
import { isJournalLine, JournalDecoder } from './formats/journal-lines.js';
import { leanEntryInfo, LeanTradesDecoder } from './formats/lean-trades.js';
import { isQuotesHeader, QuotesCsvDecoder } from './formats/quotes-csv.js';
import { isTradesHeader, TradesCsvDecoder } from './formats/trades-csv.js';
import type { LineDecoder } from './line-decoder.js';
import { normalizeHeader, splitCsvLine } from './text/csv.js';
import type { FileProbe } from './text-stream.js';
import { BinanceCaptureDecoder, isBinanceCaptureLine } from './venues/binance/binance-capture.js';

/**
 * A recording format:
 * - `binance`: raw Binance combined-stream capture, `<receive ns> <json>` a line (spot or USD-M);
 * - `cryptofeed`: cryptofeed capture, subscribe URL then `<unix seconds>: <json>` (Binance payloads);
 * - `journal`: tickflow's own NDJSON journal;
 * - `trades-csv`: Tardis-style trades CSV; `quotes-csv`: `timestamp,bid,ask`-style quotes;
 *   `bars-csv`: OHLCV bars;
 * - `lean-trades`: a LEAN equity trade-tick zip.
 */
export type SourceFormat = 'binance' | 'cryptofeed' | 'journal' | 'trades-csv' | 'quotes-csv' | 'bars-csv' | 'lean-trades';

/** Every format name, in documentation order. */
export const SOURCE_FORMATS: readonly SourceFormat[] = ['binance', 'cryptofeed', 'journal', 'trades-csv', 'quotes-csv', 'bars-csv', 'lean-trades'];

const ALIASES: Readonly<Record<string, SourceFormat>> = {
  'binance-capture': 'binance',
  tardis: 'trades-csv',
  'tardis-trades': 'trades-csv',
  trades: 'trades-csv',
  quotes: 'quotes-csv',
  bars: 'bars-csv',
  ndjson: 'journal',
  jsonl: 'journal',
  lean: 'lean-trades',
};

/**
 * A user's format name (case-insensitive; aliases such as `tardis`, `bars`, `ndjson` accepted) to a
 * `SourceFormat`. Throws `DATA_UNKNOWN_FORMAT` listing the valid names.
 */
export function parseSourceFormat(name: string): SourceFormat {
  const key = name.trim().toLowerCase();
  if ((SOURCE_FORMATS as readonly string[]).includes(key)) return key as SourceFormat;
  const alias = ALIASES[key];
  if (alias !== undefined) return alias;
  throw new TickflowError('DATA_UNKNOWN_FORMAT', `unknown data format "${name}"; known: ${SOURCE_FORMATS.join(', ')}`, { format: name });
}

/**
 * The format of a probed file, from its first line (the zip entry's name for LEAN), or `null` when
 * nothing matches. Gzip is transparent: the probe holds decompressed text.
 */
export function detectFormat(probe: FileProbe): SourceFormat | null {
  if (probe.zipEntry !== null && leanEntryInfo(probe.zipEntry.name) !== null) return 'lean-trades';
  const newline = probe.head.indexOf('\n');
  const first = (newline < 0 ? probe.head : probe.head.slice(0, newline)).replace(/\r$/, '').replace(/^\ufeff/, '');
  if (isBinanceCaptureLine(first)) return 'binance';
  if (isCryptofeedLine(first)) return 'cryptofeed';
  if (isJournalLine(first)) return 'journal';
  const fields = splitCsvLine(first, 0, first.length);
  if (fields === null || fields.length < 3) return null;
  const header = normalizeHeader(fields);
  if (isTradesHeader(header)) return 'trades-csv';
  if (isQuotesHeader(header)) return 'quotes-csv';
  if (isBarsHeader(header)) return 'bars-csv';
  return null;
}

/** What a decoder needs beyond the format. */
export interface DecoderOptions {
  /** Symbol for inputs that name none (the caller's, or one derived from the file name). */
  readonly symbol: string;
  /** When true the symbol was given by the caller, not derived: LEAN then prefers it to its entry name. */
  readonly symbolGiven?: boolean;
  /** Exchange name overriding the input's own. */
  readonly exchange?: string | undefined;
  /** Bar length in µs for `bars-csv` (inferred when absent). */
  readonly intervalUs?: number | undefined;
  /** Skip schema validation of a `journal` this engine wrote. */
  readonly trusted?: boolean | undefined;
  /** The zip entry's name, for `lean-trades`. */
  readonly entryName?: string | undefined;
}

/** A fresh line decoder for one input of the format. */
export function createDecoder(format: SourceFormat, options: DecoderOptions): LineDecoder {
  const naming = { exchange: options.exchange, symbol: options.symbol };
  switch (format) {
    case 'binance':
      return new BinanceCaptureDecoder(naming);
    case 'cryptofeed':
      return new CryptofeedCaptureDecoder(naming);
    case 'journal':
      return new JournalDecoder(options.trusted === true);
    case 'trades-csv':
      return new TradesCsvDecoder(naming);
    case 'quotes-csv':
      return new QuotesCsvDecoder(naming);
    case 'bars-csv':
      return new BarsCsvDecoder(naming, { intervalUs: options.intervalUs });
    case 'lean-trades':
      return new LeanTradesDecoder(options.entryName ?? '', {
        exchange: options.exchange,
        symbol: options.symbolGiven === true ? options.symbol : undefined,
      });
  }
}
