/**
 * The journal codec: one normalized record ↔ one NDJSON line (tickflow's own recording format).
 *
 * A journal line is exactly `JSON.stringify(record)` of a record built in its interface's key order,
 * so any JSON tool reads it, but written by hand per record type (no generic object walk).
 * Non-finite numbers have no JSON form: they are written `null`, which the validating decoder then
 * rejects (the normalized records never hold them).
 *
 * Reading a line of unknown origin validates it against the zod schemas (`schemas.ts`) and fails
 * with a `DATA_MALFORMED_LINE` error that lists every bad field; reading a journal this engine wrote
 * can skip validation (`trusted`), leaving only `JSON.parse`.
 */
import { TickflowError } from '../runtime/errors.js';
import type { BookLevel, MarketRecord } from './records.js';
import { MarketRecordSchema } from './schemas.js';

/** Encodes a record as one JSON line, without the trailing newline. */
export function encodeRecord(record: MarketRecord): string {
  const head = `{"type":"${record.type}","exchange":${str(record.exchange)},"symbol":${str(record.symbol)},"ts":${num(record.ts)},"tsRecv":${num(record.tsRecv)}`;
  switch (record.type) {
    case 'trade':
      return `${head},"id":${str(record.id)},"price":${num(record.price)},"amount":${num(record.amount)},"side":${str(record.side)}}`;
    case 'book_ticker':
      return `${head},"bidPrice":${num(record.bidPrice)},"bidAmount":${num(record.bidAmount)},"askPrice":${num(record.askPrice)},"askAmount":${num(record.askAmount)}}`;
    case 'book_change':
      return `${head},"isSnapshot":false,"firstUpdateId":${num(record.firstUpdateId)},"lastUpdateId":${num(record.lastUpdateId)},"prevUpdateId":${num(record.prevUpdateId)},"bids":${levels(record.bids)},"asks":${levels(record.asks)}}`;
    case 'depth_snapshot':
      return `${head},"lastUpdateId":${num(record.lastUpdateId)},"bids":${levels(record.bids)},"asks":${levels(record.asks)}}`;
    case 'trade_bar':
      return `${head},"interval":${str(record.interval)},"open":${num(record.open)},"high":${num(record.high)},"low":${num(record.low)},"close":${num(record.close)},"volume":${num(record.volume)},"buyVolume":${num(record.buyVolume)},"sellVolume":${num(record.sellVolume)},"trades":${num(record.trades)},"vwap":${num(record.vwap)},"openTs":${num(record.openTs)},"closeTs":${num(record.closeTs)}}`;
  }
}

/** Options of the decoders. */
export interface DecodeRecordOptions {
  /**
   * Skip schema validation: only for journals this engine wrote itself. A wrong line then yields a
   * wrong record instead of an error; only the JSON syntax and a known `type` are checked.
   */
  readonly trusted?: boolean;
}

/**
 * Decodes one journal line (a trailing `\r` or spaces are ignored). Throws a `TickflowError`
 * `DATA_MALFORMED_LINE` naming every invalid field, with `context.issues`.
 */
export function decodeRecord(line: string, options?: DecodeRecordOptions): MarketRecord {
  const result = decodeRecordOrError(line, options);
  if (typeof result === 'string') throw new TickflowError('DATA_MALFORMED_LINE', result, { line: excerpt(line) });
  return result;
}

/**
 * Like `decodeRecord`, without throwing: returns the record, or a message saying what is wrong.
 * For readers that count bad lines rather than stop on them.
 */
export function decodeRecordOrError(line: string, options?: DecodeRecordOptions): MarketRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (options?.trusted === true) {
    const type = (value as { type?: unknown } | null)?.type;
    return typeof type === 'string' && KNOWN_TYPES.has(type) ? (value as MarketRecord) : `not a record: unknown type ${JSON.stringify(type)}`;
  }
  const parsed = MarketRecordSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const type = (value as { type?: unknown } | null)?.type;
  const what = typeof type === 'string' && KNOWN_TYPES.has(type) ? `invalid ${type} record` : 'not a record';
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.length === 0 ? '(record)' : issue.path.join('.');
    return `${path}: ${issue.message.replace(/^Invalid input: /, '')}`;
  });
  return `${what}: ${problems.join('; ')}`;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(['trade', 'book_ticker', 'book_change', 'depth_snapshot', 'trade_bar']);

function num(x: number): string {
  return Number.isFinite(x) ? '' + x : 'null';
}

/** Strings needing JSON escapes (quotes, backslash, controls, surrogates) go through JSON.stringify. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function str(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

function levels(list: readonly BookLevel[]): string {
  if (list.length === 0) return '[]';
  let out = '[';
  for (let i = 0; i < list.length; i++) {
    const level = list[i]!;
    out += `${i === 0 ? '' : ','}{"price":${num(level.price)},"amount":${num(level.amount)}}`;
  }
  return out + ']';
}

function excerpt(line: string): string {
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
