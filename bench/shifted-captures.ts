/**
 * A longer market from the shared Binance spot captures, as `.gz` files the command line reads:
 * `copies` copies of each symbol's capture, copy `k` moved `k` × the captures' span (rounded up to
 * a whole minute) later, with its ids moved on so the copies chain as one continuous stream rather
 * than repeat. One gzip file per symbol holds all its copies, in order (BTCUSDT: `_20240808` then
 * `_20240809`, per copy; ETHUSDT: `_20240808`), read with `--data <file>@<SYMBOL>`.
 *
 * What moves in copy `k` (the data README gives the line format `<receive ns> <combined-stream JSON>`):
 * - times: the receive-time prefix, and the exchange's `E` (event) and `T` (trade) times;
 * - trade ids `t`, by the capture's trade-id span (its ids run without a gap, so copy `k + 1` starts
 *   right after copy `k` ends);
 * - order-book update ids (`U`, `u`, `pu` of depth diffs, `u` of book tickers, `lastUpdateId` of the
 *   REST snapshot; one sequence per symbol), by the span of the depth diffs, so the first diff of
 *   copy `k + 1` starts right after the last diff of copy `k`.
 *
 * One thing moves in place as well: in copies after the first, the REST snapshot line goes to the
 * head of its copy, with the copy's first receive time. In the capture the snapshot arrives after
 * three diffs that run past its `lastUpdateId`; on an empty book (copy 0) those are buffered and
 * replayed on it, but on a book already valid from the previous copy they are applied first, and
 * the snapshot then winds the book back behind them, so the next diff is a gap and the book stays
 * invalid to the end. At the head of the copy the snapshot resets the book to the copy's own start,
 * like a recorder fetching a fresh snapshot on reconnecting, and every copy's book counts the same
 * as the first one's: no gap, two diffs dropped. Everything else keeps its bytes and its order.
 */
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

/** One symbol's capture: its files (read in order, as one stream) and the symbol for `--data`. */
export interface CaptureSet {
  readonly symbol: string;
  readonly files: readonly string[];
}

/** The shared Binance spot captures, relative to the data folder. */
export const SPOT_CAPTURES: readonly CaptureSet[] = [
  { symbol: 'BTCUSDT', files: ['binance-spot/btcusdt_20240808.gz', 'binance-spot/btcusdt_20240809.gz'] },
  { symbol: 'ETHUSDT', files: ['binance-spot/ethusdt_20240808.gz'] },
];

/** How far each copy moves from the previous one. */
export interface CopyShift {
  /** Whole seconds (a whole minute's multiple): receive times and `E`/`T`. */
  readonly seconds: number;
  readonly tradeIds: number;
  readonly updateIds: number;
}

/** One symbol's capture text (its files' texts, in order, latin1) and the shifts between copies. */
export interface LoadedCapture {
  readonly symbol: string;
  readonly texts: readonly string[];
  readonly lines: number;
  readonly tradeIdSpan: number;
  readonly updateIdSpan: number;
}

/** What `writeShiftedCaptures` wrote. */
export interface ShiftedCaptures {
  /** `--data` arguments, `path@SYMBOL`, one per symbol. */
  readonly dataArgs: readonly string[];
  readonly copies: number;
  /** Records (lines) in one copy of every symbol; the files hold `copies` times as many. */
  readonly linesPerCopy: number;
  readonly shiftSeconds: number;
  readonly compressedBytes: number;
}

/** Reads one symbol's capture: its texts, line count and id spans. Throws if a span cannot be found. */
export function loadCapture(symbol: string, texts: readonly string[]): LoadedCapture {
  const all = texts.join('');
  const trades = [...all.matchAll(/"t":(\d+)/g)];
  const diffs = [...all.matchAll(/"U":(\d+),"u":(\d+)/g)];
  if (trades.length === 0 || diffs.length === 0) throw new Error(`${symbol}: no trades or no depth diffs in the capture; cannot chain its copies`);
  const tradeIdSpan = Number(trades.at(-1)![1]) - Number(trades[0]![1]) + 1;
  const updateIdSpan = Number(diffs.at(-1)![2]) - Number(diffs[0]![1]) + 1;
  let lines = 0;
  for (let i = all.indexOf('\n'); i >= 0; i = all.indexOf('\n', i + 1)) lines++;
  return { symbol, texts, lines, tradeIdSpan, updateIdSpan };
}

/** Seconds from the earliest to the latest receive time over every capture, rounded up to a minute. */
export function shiftSecondsOf(captures: readonly LoadedCapture[]): number {
  let first = Infinity;
  let last = -Infinity;
  for (const c of captures) {
    for (const text of c.texts) {
      first = Math.min(first, receiveSeconds(text, 0));
      last = Math.max(last, receiveSeconds(text, text.lastIndexOf('\n', text.length - 2) + 1));
    }
  }
  return Math.ceil((last - first) / 60) * 60;
}

/** The receive time of the line at `at`, in seconds (a double: ample for a span). */
function receiveSeconds(text: string, at: number): number {
  return Number(text.slice(at, at + 19)) / 1e9;
}

const RECEIVE_PREFIX = /^(\d{10})(\d{9}) /gm;
const SHIFTED_FIELDS = /"(E|T|t|U|u|pu|lastUpdateId)":(\d+)/g;
const SNAPSHOT_LINE = /^\d{19} \{"lastUpdateId":[^\n]*\n/m;

/**
 * Copy `k` of one capture file's text (`k = 0` is the text itself). `first` says whether this file
 * starts its copy (the snapshot, if the file holds one, moves to its head; see the file comment).
 * Every line's receive time must have 19 digits (nanoseconds since the epoch, true from 2001 to 2286).
 */
export function shiftCopy(text: string, k: number, shift: CopyShift, first: boolean): string {
  if (k === 0) return text;
  const seconds = k * shift.seconds;
  const ms = seconds * 1000;
  const trades = k * shift.tradeIds;
  const updates = k * shift.updateIds;
  let out = text
    .replace(RECEIVE_PREFIX, (_, s: string, ns: string) => `${Number(s) + seconds}${ns} `)
    .replace(SHIFTED_FIELDS, (_, key: string, n: string) => {
      const by = key === 'E' || key === 'T' ? ms : key === 't' ? trades : updates;
      return `"${key}":${Number(n) + by}`;
    });
  const snapshot = first ? SNAPSHOT_LINE.exec(out) : null;
  if (snapshot !== null) {
    const line = snapshot[0];
    out = out.slice(0, 20) + line.slice(20) + out.slice(0, snapshot.index) + out.slice(snapshot.index + line.length);
  }
  return out;
}

/**
 * Writes `copies` shifted copies of every capture into `dir`, one gzip file per symbol
 * (`<symbol>_x<copies>.gz`, default compression level). Returns the `--data` arguments and counts.
 */
export async function writeShiftedCaptures(dir: string, captures: readonly LoadedCapture[], copies: number): Promise<ShiftedCaptures> {
  const seconds = shiftSecondsOf(captures);
  const dataArgs: string[] = [];
  let compressedBytes = 0;
  for (const c of captures) {
    const shift: CopyShift = { seconds, tradeIds: c.tradeIdSpan, updateIds: c.updateIdSpan };
    const path = join(dir, `${c.symbol.toLowerCase()}_x${copies}.gz`);
    const out = createWriteStream(path);
    await pipeline(Readable.from(copiesOf(c, copies, shift)), createGzip(), out);
    compressedBytes += out.bytesWritten;
    dataArgs.push(`${path}@${c.symbol}`);
  }
  return { dataArgs, copies, linesPerCopy: captures.reduce((n, c) => n + c.lines, 0), shiftSeconds: seconds, compressedBytes };
}

function* copiesOf(c: LoadedCapture, copies: number, shift: CopyShift): Generator<Buffer> {
  for (let k = 0; k < copies; k++) {
    for (let f = 0; f < c.texts.length; f++) yield Buffer.from(shiftCopy(c.texts[f]!, k, shift, f === 0), 'latin1');
  }
}
