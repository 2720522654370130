/**
 * QuantConnect LEAN equity trade ticks: a zip holding `YYYYMMDD_<symbol>_Trade_Tick.csv`, rows
 * `ms since midnight (US/Eastern), price × 10000, quantity, exchange, condition, suspicious`.
 *
 * Each row becomes a `trade` with `ts = tsRecv` = the date's midnight in New York plus the
 * milliseconds (the UTC offset is the one in force at noon that day, from Node's time-zone data), id
 * the row number, side `unknown`. Rows flagged suspicious (last field `1`) are skipped and counted
 * as such. The date and the symbol come from the entry name.
 */
import { TickflowError } from '../../src/runtime/errors.js';
import type { MarketRecord } from '../../src/model/records.js';
import { DECODED, MALFORMED, SKIPPED, type DecodeOutcome, type LineDecoder } from '../line-decoder.js';
import type { SourceFormatDefinition } from '../source-format-definition.js';
import { parseDecimal, parseUnsigned } from '../text/decimal.js';

/** Exchange name of LEAN records unless the caller gives one. */
export const LEAN_EXCHANGE = 'lean';

const ENTRY_NAME = /^(\d{4})(\d{2})(\d{2})_([a-z0-9.]+)_trade_tick\.csv$/i;

/** The date (midnight New York time, in µs) and symbol named by a LEAN tick file's entry name. */
export function leanEntryInfo(entryName: string): { readonly midnightUs: number; readonly symbol: string } | null {
  const m = ENTRY_NAME.exec(entryName.split('/').pop() ?? '');
  if (m === null) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const noonUtc = Date.UTC(year, month - 1, day, 12);
  return { midnightUs: (Date.UTC(year, month - 1, day) - newYorkOffsetMs(noonUtc)) * 1000, symbol: m[4]!.toUpperCase() };
}

/** Offset of New York time from UTC at `utcMs`, in ms (negative: -4 h in summer, -5 h in winter). */
function newYorkOffsetMs(utcMs: number): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'shortOffset' })
    .formatToParts(utcMs)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d+)(?::(\d+))?/.exec(name ?? '');
  if (m === null) return -5 * 3_600_000;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3] ?? 0) * 60_000);
}

/** Line decoder for LEAN trade ticks; one per input. */
export class LeanTradesDecoder implements LineDecoder {
  reason: string;
  private readonly exchange: string;
  private readonly symbol: string;
  private readonly midnightUs: number;
  private rows: number;

  constructor(entryName: string, naming: { readonly exchange?: string | undefined; readonly symbol?: string | undefined }) {
    const info = leanEntryInfo(entryName);
    if (info === null) {
      throw new TickflowError('DATA_UNKNOWN_FORMAT', `LEAN entry name ${entryName} is not YYYYMMDD_<symbol>_Trade_Tick.csv`, { entry: entryName });
    }
    this.reason = '';
    this.exchange = naming.exchange ?? LEAN_EXCHANGE;
    this.symbol = naming.symbol ?? info.symbol;
    this.midnightUs = info.midnightUs;
    this.rows = 0;
  }

  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome {
    const line = bytes.toString('utf8', start, end);
    const c1 = line.indexOf(',');
    const c2 = line.indexOf(',', c1 + 1);
    const c3 = line.indexOf(',', c2 + 1);
    const last = line.lastIndexOf(',');
    if (c1 < 0 || c2 < 0 || c3 < 0) return this.malformed('expected ms,price,quantity,...');
    this.rows++;
    const ms = parseUnsigned(line, 0, c1);
    const scaledPrice = parseDecimal(line, c1 + 1, c2);
    const amount = parseDecimal(line, c2 + 1, c3);
    if (ms < 0 || scaledPrice !== scaledPrice || amount !== amount) return this.malformed('bad time, price or quantity');
    if (last > c3 && line.charCodeAt(last + 1) === 49 /* 1 */ && last + 2 === line.length) return SKIPPED;
    const ts = this.midnightUs + ms * 1000;
    out.push({
      type: 'trade',
      exchange: this.exchange,
      symbol: this.symbol,
      ts,
      tsRecv: ts,
      id: String(this.rows),
      price: scaledPrice / 10000,
      amount,
      side: 'unknown',
    });
    return DECODED;
  }

  finish(): void {
    // Nothing held back.
  }

  private malformed(reason: string): DecodeOutcome {
    this.reason = reason;
    return MALFORMED;
  }
}

/**
 * The `lean-trades` format, recognised by its zip entry's name. The symbol comes from that name unless
 * the caller gave one: a symbol merely derived from the zip's file name would be less precise.
 */
export const leanTradesFormat: SourceFormatDefinition<'lean-trades'> = {
  name: 'lean-trades',
  aliases: ['lean'],
  description: 'LEAN equity trade-tick zip (`YYYYMMDD_<symbol>_Trade_Tick.csv` inside)',
  detect: { by: 'zip-entry', matches: (entryName) => leanEntryInfo(entryName) !== null },
  createDecoder: (options) =>
    new LeanTradesDecoder(options.entryName ?? '', {
      exchange: options.exchange,
      symbol: options.symbolGiven === true ? options.symbol : undefined,
    }),
};
