/**
 * Quotes as CSV: `timestamp,bid,ask` (TrueFX, Nautilus test data; ISO time with an offset), or the
 * Tardis quotes layout (`exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,
 * bid_amount`). Each row becomes a `book_ticker`.
 *
 * Columns by header name: time `timestamp` (or `time`, `date`, `datetime`), receive time
 * `local_timestamp` (else the time), `bid`/`bid_price`, `ask`/`ask_price`, and optionally
 * `bid_amount`/`bid_size`, `ask_amount`/`ask_size`, `exchange`, `symbol`.
 *
 * Where the file gives no sizes the amounts are 0, read as "size unknown". Not NaN: NaN has no JSON
 * form (a journal could not round-trip it), compares unequal to itself (a replay's determinism check
 * would fail) and spreads silently through arithmetic; a 0 size is visibly "nothing known" and safe to
 * sum. Consumers that weight by size must treat a 0-size quote as unweighted.
 */
import { TickflowError } from '../../src/runtime/errors.js';
import type { MarketRecord } from '../../src/model/records.js';
import { DEFAULT_FILE_EXCHANGE, DECODED, MALFORMED, SKIPPED, type DecodeOutcome, type DecoderNaming, type LineDecoder } from '../line-decoder.js';
import type { SourceFormatDefinition } from '../source-format-definition.js';
import { columnOf, csvDecimal, csvTime, normalizeHeader, splitCsvLine } from '../text/csv.js';

/** Line decoder for quote CSVs; one per input. */
export class QuotesCsvDecoder implements LineDecoder {
  reason: string;
  private readonly naming: DecoderNaming;
  private columns: QuoteColumns | null;
  private lastExchange: string;
  private lastSymbol: string;

  constructor(naming: DecoderNaming) {
    this.reason = '';
    this.naming = naming;
    this.columns = null;
    this.lastExchange = '';
    this.lastSymbol = '';
  }

  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome {
    const line = bytes.toString('utf8', start, end);
    const fields = splitCsvLine(line, 0, line.length);
    if (fields === null) return this.malformed('unterminated quote');
    if (this.columns === null) {
      this.columns = quoteColumns(normalizeHeader(fields));
      return SKIPPED;
    }
    const c = this.columns;
    if (fields.length < c.width) return this.malformed(`expected ${c.width} fields, found ${fields.length}`);
    const ts = csvTime(fields[c.ts]!);
    const tsRecv = c.tsRecv < 0 ? ts : csvTime(fields[c.tsRecv]!);
    const bidPrice = csvDecimal(fields[c.bid]!);
    const askPrice = csvDecimal(fields[c.ask]!);
    const bidAmount = c.bidAmount < 0 ? 0 : csvDecimal(fields[c.bidAmount]!);
    const askAmount = c.askAmount < 0 ? 0 : csvDecimal(fields[c.askAmount]!);
    if (ts !== ts || tsRecv !== tsRecv) return this.malformed('bad timestamp');
    if (bidPrice !== bidPrice || askPrice !== askPrice || bidAmount !== bidAmount || askAmount !== askAmount) {
      return this.malformed('bad bid or ask');
    }
    out.push({
      type: 'book_ticker',
      exchange: this.naming.exchange ?? (c.exchange < 0 ? DEFAULT_FILE_EXCHANGE : this.exchangeOf(fields[c.exchange]!)),
      symbol: c.symbol < 0 ? this.naming.symbol : this.symbolOf(fields[c.symbol]!),
      ts,
      tsRecv,
      bidPrice,
      bidAmount,
      askPrice,
      askAmount,
    });
    return DECODED;
  }

  finish(): void {
    // Nothing held back.
  }

  private exchangeOf(value: string): string {
    return value === this.lastExchange ? this.lastExchange : (this.lastExchange = value);
  }

  private symbolOf(value: string): string {
    return value === this.lastSymbol ? this.lastSymbol : (this.lastSymbol = value);
  }

  private malformed(reason: string): DecodeOutcome {
    this.reason = reason;
    return MALFORMED;
  }
}

interface QuoteColumns {
  readonly exchange: number;
  readonly symbol: number;
  readonly ts: number;
  readonly tsRecv: number;
  readonly bid: number;
  readonly ask: number;
  readonly bidAmount: number;
  readonly askAmount: number;
  readonly width: number;
}

function quoteColumns(header: readonly string[]): QuoteColumns {
  const columns = {
    exchange: columnOf(header, 'exchange'),
    symbol: columnOf(header, 'symbol'),
    ts: columnOf(header, 'timestamp', 'time', 'date', 'datetime'),
    tsRecv: columnOf(header, 'local_timestamp'),
    bid: columnOf(header, 'bid', 'bid_price'),
    ask: columnOf(header, 'ask', 'ask_price'),
    bidAmount: columnOf(header, 'bid_amount', 'bid_size', 'bid_qty'),
    askAmount: columnOf(header, 'ask_amount', 'ask_size', 'ask_qty'),
    width: 0,
  };
  const missing = (['ts', 'bid', 'ask'] as const).filter((k) => columns[k] < 0);
  if (missing.length > 0) {
    throw new TickflowError('DATA_UNKNOWN_FORMAT', `quotes CSV header lacks ${missing.join(', ')} (header: ${header.join(',')})`, { header });
  }
  columns.width = Math.max(...Object.values(columns)) + 1;
  return columns;
}

/** True when a CSV header looks like quotes (for format detection). */
export function isQuotesHeader(header: readonly string[]): boolean {
  return columnOf(header, 'bid', 'bid_price') >= 0 && columnOf(header, 'ask', 'ask_price') >= 0 && columnOf(header, 'timestamp', 'time', 'date', 'datetime') >= 0;
}

/** The `quotes-csv` format, recognised by a CSV header that looks like quotes (`isQuotesHeader`). */
export const quotesCsvFormat: SourceFormatDefinition<'quotes-csv'> = {
  name: 'quotes-csv',
  aliases: ['quotes'],
  description: 'quotes CSV, `timestamp,bid,ask` (TrueFX, Nautilus) or the Tardis quotes layout',
  detect: { by: 'csv-header', matches: isQuotesHeader },
  createDecoder: (options) => new QuotesCsvDecoder({ exchange: options.exchange, symbol: options.symbol }),
};
