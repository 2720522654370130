/**
 * Trades in the Tardis CSV layout, `exchange,symbol,timestamp,local_timestamp,id,side,price,amount`
 * (times in µs since the epoch), or any CSV whose header names a time, a price and an amount.
 *
 * Columns are found by header name, in any order: time `timestamp` (or `time`, `date`); receive
 * time `local_timestamp` (else the time); `price`; `amount` (or `size`, `quantity`, `qty`,
 * `volume`); optional `exchange`, `symbol`, `id` (else the row number), `side` (`buy`/`sell`,
 * anything else is `unknown`). Times are parsed by `parseTimeUs` (epoch numbers or ISO). A missing
 * exchange or symbol column takes the caller's naming (default exchange `DEFAULT_FILE_EXCHANGE`).
 */
import { TickflowError } from '../../src/runtime/errors.js';
import type { MarketRecord, Side } from '../../src/model/records.js';
import { DEFAULT_FILE_EXCHANGE, DECODED, MALFORMED, SKIPPED, type DecodeOutcome, type DecoderNaming, type LineDecoder } from '../line-decoder.js';
import type { SourceFormatDefinition } from '../source-format-definition.js';
import { columnOf, csvDecimal, csvTime, normalizeHeader, splitCsvLine } from '../text/csv.js';

/** Line decoder for trade CSVs; one per input. */
export class TradesCsvDecoder implements LineDecoder {
  reason: string;
  private readonly naming: DecoderNaming;
  private columns: TradeColumns | null;
  private rows: number;
  private lastExchange: string;
  private lastSymbol: string;

  constructor(naming: DecoderNaming) {
    this.reason = '';
    this.naming = naming;
    this.columns = null;
    this.rows = 0;
    this.lastExchange = '';
    this.lastSymbol = '';
  }

  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome {
    const line = bytes.toString('utf8', start, end);
    const fields = splitCsvLine(line, 0, line.length);
    if (fields === null) return this.malformed('unterminated quote');
    if (this.columns === null) {
      this.columns = tradeColumns(normalizeHeader(fields));
      return SKIPPED;
    }
    const c = this.columns;
    if (fields.length < c.width) return this.malformed(`expected ${c.width} fields, found ${fields.length}`);
    this.rows++;
    const ts = csvTime(fields[c.ts]!);
    const tsRecv = c.tsRecv < 0 ? ts : csvTime(fields[c.tsRecv]!);
    const price = csvDecimal(fields[c.price]!);
    const amount = csvDecimal(fields[c.amount]!);
    if (ts !== ts || tsRecv !== tsRecv) return this.malformed('bad timestamp');
    if (price !== price || amount !== amount) return this.malformed('bad price or amount');
    out.push({
      type: 'trade',
      exchange: this.naming.exchange ?? (c.exchange < 0 ? DEFAULT_FILE_EXCHANGE : this.exchangeOf(fields[c.exchange]!)),
      symbol: c.symbol < 0 ? this.naming.symbol : this.symbolOf(fields[c.symbol]!),
      ts,
      tsRecv,
      id: c.id < 0 ? String(this.rows) : fields[c.id]!,
      price,
      amount,
      side: c.side < 0 ? 'unknown' : sideOf(fields[c.side]!),
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

interface TradeColumns {
  readonly exchange: number;
  readonly symbol: number;
  readonly ts: number;
  readonly tsRecv: number;
  readonly id: number;
  readonly side: number;
  readonly price: number;
  readonly amount: number;
  /** Fields a row needs: one past the highest column used. */
  readonly width: number;
}

function tradeColumns(header: readonly string[]): TradeColumns {
  const columns = {
    exchange: columnOf(header, 'exchange'),
    symbol: columnOf(header, 'symbol'),
    ts: columnOf(header, 'timestamp', 'time', 'date', 'datetime'),
    tsRecv: columnOf(header, 'local_timestamp'),
    id: columnOf(header, 'id', 'trade_id'),
    side: columnOf(header, 'side'),
    price: columnOf(header, 'price'),
    amount: columnOf(header, 'amount', 'size', 'quantity', 'qty', 'volume'),
    width: 0,
  };
  const missing = (['ts', 'price', 'amount'] as const).filter((k) => columns[k] < 0);
  if (missing.length > 0) {
    throw new TickflowError('DATA_UNKNOWN_FORMAT', `trades CSV header lacks ${missing.join(', ')} (header: ${header.join(',')})`, { header });
  }
  columns.width = Math.max(...Object.values(columns)) + 1;
  return columns;
}

function sideOf(value: string): Side {
  const v = value.toLowerCase();
  return v === 'buy' || v === 'b' ? 'buy' : v === 'sell' || v === 's' ? 'sell' : 'unknown';
}

/** True when a CSV header looks like trades (for format detection). */
export function isTradesHeader(header: readonly string[]): boolean {
  return columnOf(header, 'price') >= 0 && columnOf(header, 'amount', 'size', 'quantity', 'qty') >= 0 && columnOf(header, 'timestamp', 'time') >= 0;
}

/** The `trades-csv` format, recognised by a CSV header that looks like trades (`isTradesHeader`). */
export const tradesCsvFormat: SourceFormatDefinition<'trades-csv'> = {
  name: 'trades-csv',
  aliases: ['tardis', 'tardis-trades', 'trades'],
  description: 'Tardis-style trades CSV, or any CSV naming a time, a price and an amount',
  detect: { by: 'csv-header', matches: isTradesHeader },
  createDecoder: (options) => new TradesCsvDecoder({ exchange: options.exchange, symbol: options.symbol }),
};
