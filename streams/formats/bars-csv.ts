/**
 * OHLCV bars as CSV: `timestamp,open,high,low,close,volume` (Nautilus) or
 * `date,open,high,low,close,adjclose,volume` (Yahoo-style daily bars), or any header naming a time
 * and open, high, low, close (volume optional; other columns ignored). Each row becomes a
 * `trade_bar`.
 *
 * Time: the row's time is the bar's open. The interval is the caller's (`intervalUs`) or inferred as
 * the smallest positive spacing between the first `INTERVAL_LOOKAHEAD` rows' times (gaps such as
 * weekends only ever make a spacing larger), so those rows are held back until it is known. A bar is
 * known only when it closes, so it arrives at its close: `tsRecv = ts = closeTs = openTs + interval`.
 * Rows must be in ascending time order.
 *
 * What a plain bar file does not say is left neutral: `buyVolume` and `sellVolume` 0, `trades` 0,
 * `vwap` the close (as for quote bars), `volume` 0 without a volume column.
 */
import { TickflowError } from '../../src/runtime/errors.js';
import type { MarketRecord, TradeBar } from '../../src/model/records.js';
import { DEFAULT_FILE_EXCHANGE, DECODED, MALFORMED, SKIPPED, type DecodeOutcome, type DecoderNaming, type LineDecoder } from '../line-decoder.js';
import type { SourceFormatDefinition } from '../source-format-definition.js';
import { columnOf, csvDecimal, csvTime, normalizeHeader, splitCsvLine } from '../text/csv.js';
import { formatDurationUs } from '../text/time.js';

/** Rows examined to infer a bar file's interval. */
export const INTERVAL_LOOKAHEAD = 16;

/** Options of the bars decoder beyond naming. */
export interface BarsCsvOptions {
  /** Bar length in µs; inferred from the rows when absent. */
  readonly intervalUs?: number | undefined;
}

/** Line decoder for bar CSVs; one per input. */
export class BarsCsvDecoder implements LineDecoder {
  reason: string;
  private readonly exchange: string;
  private readonly symbol: string;
  private columns: BarColumns | null;
  private intervalUs: number;
  private interval: string;
  /** Rows held back until the interval is known: [openTs, open, high, low, close, volume] each. */
  private held: number[][] | null;

  constructor(naming: DecoderNaming, options: BarsCsvOptions = {}) {
    this.reason = '';
    this.exchange = naming.exchange ?? DEFAULT_FILE_EXCHANGE;
    this.symbol = naming.symbol;
    this.columns = null;
    this.intervalUs = options.intervalUs ?? 0;
    this.interval = this.intervalUs > 0 ? formatDurationUs(this.intervalUs) : '';
    this.held = this.intervalUs > 0 ? null : [];
  }

  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome {
    const line = bytes.toString('utf8', start, end);
    const fields = splitCsvLine(line, 0, line.length);
    if (fields === null) return this.malformed('unterminated quote');
    if (this.columns === null) {
      this.columns = barColumns(normalizeHeader(fields));
      return SKIPPED;
    }
    const c = this.columns;
    if (fields.length < c.width) return this.malformed(`expected ${c.width} fields, found ${fields.length}`);
    const openTs = csvTime(fields[c.ts]!);
    const open = csvDecimal(fields[c.open]!);
    const high = csvDecimal(fields[c.high]!);
    const low = csvDecimal(fields[c.low]!);
    const close = csvDecimal(fields[c.close]!);
    const volume = c.volume < 0 ? 0 : csvDecimal(fields[c.volume]!);
    if (openTs !== openTs) return this.malformed('bad timestamp');
    if (open !== open || high !== high || low !== low || close !== close || volume !== volume) return this.malformed('bad open, high, low, close or volume');
    if (this.held === null) {
      out.push(this.bar(openTs, open, high, low, close, volume));
      return DECODED;
    }
    this.held.push([openTs, open, high, low, close, volume]);
    if (this.held.length >= INTERVAL_LOOKAHEAD) this.release(out);
    return DECODED;
  }

  finish(out: MarketRecord[]): void {
    if (this.held !== null && this.held.length > 0) this.release(out);
  }

  /** Infers the interval from the rows held back, then emits them. */
  private release(out: MarketRecord[]): void {
    const held = this.held!;
    let spacing = Infinity;
    for (let i = 1; i < held.length; i++) {
      const gap = held[i]![0]! - held[i - 1]![0]!;
      if (gap > 0 && gap < spacing) spacing = gap;
    }
    if (spacing === Infinity) {
      throw new TickflowError('DATA_UNKNOWN_FORMAT', `cannot infer the bar interval from ${held.length} row(s) with no spacing between them: give the interval`, {});
    }
    this.intervalUs = spacing;
    this.interval = formatDurationUs(spacing);
    this.held = null;
    for (const [openTs, open, high, low, close, volume] of held) out.push(this.bar(openTs!, open!, high!, low!, close!, volume!));
  }

  private bar(openTs: number, open: number, high: number, low: number, close: number, volume: number): TradeBar {
    const closeTs = openTs + this.intervalUs;
    return {
      type: 'trade_bar',
      exchange: this.exchange,
      symbol: this.symbol,
      ts: closeTs,
      tsRecv: closeTs,
      interval: this.interval,
      open,
      high,
      low,
      close,
      volume,
      buyVolume: 0,
      sellVolume: 0,
      trades: 0,
      vwap: close,
      openTs,
      closeTs,
    };
  }

  private malformed(reason: string): DecodeOutcome {
    this.reason = reason;
    return MALFORMED;
  }
}

interface BarColumns {
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly width: number;
}

function barColumns(header: readonly string[]): BarColumns {
  const columns = {
    ts: columnOf(header, 'timestamp', 'date', 'time', 'datetime', 'open_time'),
    open: columnOf(header, 'open'),
    high: columnOf(header, 'high'),
    low: columnOf(header, 'low'),
    close: columnOf(header, 'close'),
    volume: columnOf(header, 'volume'),
    width: 0,
  };
  const missing = (['ts', 'open', 'high', 'low', 'close'] as const).filter((k) => columns[k] < 0);
  if (missing.length > 0) {
    throw new TickflowError('DATA_UNKNOWN_FORMAT', `bars CSV header lacks ${missing.join(', ')} (header: ${header.join(',')})`, { header });
  }
  columns.width = Math.max(...Object.values(columns)) + 1;
  return columns;
}

/** True when a CSV header looks like bars (for format detection). */
export function isBarsHeader(header: readonly string[]): boolean {
  return ['open', 'high', 'low', 'close'].every((h) => header.includes(h)) && columnOf(header, 'timestamp', 'date', 'time', 'datetime', 'open_time') >= 0;
}

/** The `bars-csv` format, recognised by a CSV header that looks like bars (`isBarsHeader`). */
export const barsCsvFormat: SourceFormatDefinition<'bars-csv'> = {
  name: 'bars-csv',
  aliases: ['bars'],
  description: 'OHLCV bars CSV (Nautilus, Yahoo-style daily bars)',
  detect: { by: 'csv-header', matches: isBarsHeader },
  createDecoder: (options) => new BarsCsvDecoder({ exchange: options.exchange, symbol: options.symbol }, { intervalUs: options.intervalUs }),
};
