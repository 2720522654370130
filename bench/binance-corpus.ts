/**
 * The benchmark corpus of the backtest and core-path benchmarks: the Binance spot BTCUSDT capture
 * (`binance-spot/btcusdt_20240808.gz` then `_20240809.gz`, under `TICKFLOW_DATA_DIR`, default
 * `../shared/data`), decompressed once into memory and repeated with receive times shifted past
 * the previous repeat, so a run holds as many records as asked and gzip is out of every
 * measurement. One line of the capture is one record (trades, book tickers, depth updates).
 *
 * Without the recordings, `loadBinanceCorpus` prints a skip message and exits the process with 0:
 * a benchmark run on a machine without the shared data is not a failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { MarketRecord, Trade } from '../src/model/records.js';
import { createLineSource } from '../streams/line-source.js';
import type { RecordSource } from '../streams/record-source.js';
import { BinanceCaptureDecoder } from '../streams/venues/binance/binance-capture.js';

/** The capture files, relative to the data folder, in replay order. */
export const CORPUS_FILES: readonly string[] = ['binance-spot/btcusdt_20240808.gz', 'binance-spot/btcusdt_20240809.gz'];

/** The symbol the capture's records carry. */
export const CORPUS_SYMBOL = 'BTCUSDT';

/** Bytes handed to a line source at a time, as a file stream gives them. */
const READ_CHUNK = 64 * 1024;

/** The capture in memory, repeated; `texts[k]` is repeat `k` (every line ends with `\n`). */
export interface BinanceCorpus {
  readonly texts: readonly Buffer[];
  readonly linesPerRepeat: number;
  readonly repeats: number;
  readonly totalLines: number;
  /** Megabytes of text over all repeats. */
  readonly megabytes: number;
}

/**
 * Loads the capture and repeats it until it holds at least `minLines` lines (one record each).
 * Exits the process with 0, after saying why, when the files are not there.
 */
export function loadBinanceCorpus(bench: string, minLines: number): BinanceCorpus {
  const dataDir = resolve(process.env.TICKFLOW_DATA_DIR ?? '../shared/data');
  const files = CORPUS_FILES.map((f) => resolve(dataDir, f));
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    console.log(`skipping ${bench}: ${missing.join(', ')} not found (set TICKFLOW_DATA_DIR to the shared data folder)`);
    process.exit(0);
  }
  const original = Buffer.concat(files.map((f) => gunzipSync(readFileSync(f))));
  const linesPerRepeat = countLines(original);
  const repeats = Math.max(1, Math.ceil(minLines / linesPerRepeat));
  const span = spanSeconds(original);
  const texts = Array.from({ length: repeats }, (_, k) => shifted(original, k * span));
  return { texts, linesPerRepeat, repeats, totalLines: linesPerRepeat * repeats, megabytes: (original.length * repeats) / 1e6 };
}

function countLines(text: Buffer): number {
  let n = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return n;
}

/** Whole seconds the capture covers, plus one: the shift between repeats. */
function spanSeconds(text: Buffer): number {
  const first = Number(text.toString('latin1', 0, 10));
  const lastLine = text.lastIndexOf(10, text.length - 2) + 1;
  return Number(text.toString('latin1', lastLine, lastLine + 10)) - first + 1;
}

/**
 * A copy with every line's receive time moved `seconds` later (the first 10 of the 19 digits of
 * nanoseconds are seconds). Venue times inside the JSON are left alone: the pipeline runs on
 * engine time (`tsRecv`).
 */
function shifted(text: Buffer, seconds: number): Buffer {
  const copy = Buffer.from(text);
  if (seconds === 0) return copy;
  for (let start = 0; start < copy.length; ) {
    const s = Number(copy.toString('latin1', start, start + 10)) + seconds;
    copy.write(String(s), start, 10, 'latin1');
    const nl = copy.indexOf(10, start);
    start = nl < 0 ? copy.length : nl + 1;
  }
  return copy;
}

async function* chunksOf(buffers: readonly Buffer[]): AsyncGenerator<Buffer> {
  for (const b of buffers) for (let i = 0; i < b.length; i += READ_CHUNK) yield b.subarray(i, i + READ_CHUNK);
}

/** The `binance` line source over in-memory text, fed in 64 KiB pieces like a file. */
export function memorySource(buffers: readonly Buffer[], chunkSize?: number): RecordSource {
  return createLineSource({
    name: 'memory:binance-spot',
    format: 'binance',
    open: () => chunksOf(buffers),
    decoder: new BinanceCaptureDecoder({ symbol: CORPUS_SYMBOL }),
    ...(chunkSize === undefined ? {} : { chunkSize }),
  });
}

/** Every trade of `text`, decoded with the capture decoder, in line order. */
export function decodeTrades(text: Buffer): Trade[] {
  const decoder = new BinanceCaptureDecoder({ symbol: CORPUS_SYMBOL });
  const out: MarketRecord[] = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(10, start);
    if (end < 0) end = text.length;
    decoder.decode(text, start, end, out);
    start = end + 1;
  }
  return out.filter((r): r is Trade => r.type === 'trade');
}
