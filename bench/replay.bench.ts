/**
 * Reading recordings: read + decode + normalize of the Binance spot BTCUSDT capture
 * (`btcusdt_20240808.gz` then `_20240809.gz`, 99,574 lines), repeated with receive times shifted
 * forward so the run holds at least a million records (about 200,000 with `--quick`), beside
 * `JSON.parse` of the same lines alone (the baseline the decoder must beat) and gunzip alone (for
 * context). The captures are decompressed once into memory; each repeat is a copy whose receive
 * times are moved past the previous repeat's.
 *
 * Rows (each side: a warm-up, then three timed passes alternating with the baseline, fastest counts):
 * - decode: the `binance` line source over the in-memory text (64 KiB chunks, as a file stream
 *   gives them) pulled in chunks of 1,024 records: line splitting, parsing, normalizing, counting.
 *   Baseline: `JSON.parse` of each line's JSON (lines already split into strings, untimed).
 * - from .gz files: `openSource` on the two files on disk, once per repeat, gunzip included.
 * - merge: two interleaved inputs (the repeats and a copy 0.5 ms later) through the k-way merge.
 * - gunzip alone, in lines/s, for context (no parsing at all).
 *
 * Without the recordings (`TICKFLOW_DATA_DIR`, default `../shared/data`) it prints a skip message and
 * exits 0.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createLineSource } from '../streams/line-source.js';
import { createMergedSource } from '../streams/merge-sources.js';
import { openSource } from '../streams/open-source.js';
import type { RecordSource } from '../streams/record-source.js';
import { BinanceCaptureDecoder } from '../streams/venues/binance/binance-capture.js';
import { quick, report, row, timeIt, timeItAsync, type BenchRow } from './harness.js';

const TARGET_RECORDS = quick ? 200_000 : 1_000_000;
const PASSES = 3;
const READ_CHUNK = 64 * 1024;

const dataDir = resolve(process.env.TICKFLOW_DATA_DIR ?? '../shared/data');
const files = ['binance-spot/btcusdt_20240808.gz', 'binance-spot/btcusdt_20240809.gz'].map((f) => resolve(dataDir, f));
const missing = files.filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.log(`skipping replay bench: ${missing.join(', ')} not found (set TICKFLOW_DATA_DIR to the shared data folder)`);
  process.exit(0);
}

const compressed = files.map((f) => readFileSync(f));
const original = Buffer.concat(compressed.map((c) => gunzipSync(c)));
const linesPerPass = countLines(original);
const repeats = Math.ceil(TARGET_RECORDS / linesPerPass);
const span = spanSeconds(original);
const texts = Array.from({ length: repeats }, (_, k) => shifted(original, k * span));
const totalLines = linesPerPass * repeats;
console.log(`${repeats} × ${linesPerPass.toLocaleString('en-US')} lines = ${totalLines.toLocaleString('en-US')} lines (${((original.length * repeats) / 1e6).toFixed(0)} MB of text)`);

function countLines(text: Buffer): number {
  let n = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return n;
}

/** Whole seconds covered by the capture, plus one: the shift between repeats. */
function spanSeconds(text: Buffer): number {
  const first = Number(text.toString('latin1', 0, 10));
  const lastLine = text.lastIndexOf(10, text.length - 2) + 1;
  return Number(text.toString('latin1', lastLine, lastLine + 10)) - first + 1;
}

/** A copy with every line's receive time moved `seconds` later (the first 10 digits are seconds). */
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

/** Shifts receive times by half a millisecond (adds 500,000 ns to the 19-digit prefix). */
function halfMsLater(text: Buffer): Buffer {
  const copy = Buffer.from(text);
  for (let start = 0; start < copy.length; ) {
    const ns = BigInt(copy.toString('latin1', start, start + 19)) + 500_000n;
    copy.write(ns.toString(), start, 19, 'latin1');
    const nl = copy.indexOf(10, start);
    start = nl < 0 ? copy.length : nl + 1;
  }
  return copy;
}

async function* chunksOf(buffers: readonly Buffer[]): AsyncGenerator<Buffer> {
  for (const b of buffers) for (let i = 0; i < b.length; i += READ_CHUNK) yield b.subarray(i, i + READ_CHUNK);
}

function memorySource(name: string, buffers: readonly Buffer[]): RecordSource {
  return createLineSource({ name, format: 'binance', open: () => chunksOf(buffers), decoder: new BinanceCaptureDecoder({ symbol: 'BTCUSDT' }) });
}

/** Pulls a source to its end; returns the number of records (checksum of the work). */
async function drain(source: RecordSource): Promise<number> {
  let n = 0;
  for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) n += chunk.length;
  return n;
}

async function decodeInMemory(buffers: readonly Buffer[]): Promise<number> {
  return drain(memorySource('memory', buffers));
}

async function decodeFiles(times: number): Promise<number> {
  let n = 0;
  for (let k = 0; k < times; k++) for (const f of files) n += await drain(await openSource(f, { format: 'binance' }));
  return n;
}

/** JSON.parse of each line's JSON, lines split beforehand (untimed); returns seconds spent parsing. */
function jsonParseSeconds(buffers: readonly Buffer[]): number {
  let seconds = 0;
  let sink = 0;
  for (const b of buffers) {
    const lines = b.toString('latin1').split('\n');
    lines.pop();
    seconds += timeIt(() => {
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i]!;
        const msg = JSON.parse(line.slice(line.indexOf(' ') + 1)) as { data?: unknown };
        if (msg.data !== undefined) sink++;
      }
    });
  }
  if (sink < 0) throw new Error('unreachable');
  return seconds;
}

function gunzipSeconds(times: number): number {
  return timeIt(() => {
    for (let k = 0; k < times; k++) for (const c of compressed) gunzipSync(c);
  });
}

async function main(): Promise<void> {
  const warm = texts.slice(0, 1);
  await decodeInMemory(warm);
  jsonParseSeconds(warm);
  const best = { decode: Infinity, json: Infinity, files: Infinity, merge: Infinity, gunzip: Infinity };
  let records = 0;
  const later = texts.map(halfMsLater);
  for (let p = 0; p < PASSES; p++) {
    best.decode = Math.min(best.decode, await timeItAsync(async () => void (records = await decodeInMemory(texts))));
    best.json = Math.min(best.json, jsonParseSeconds(texts));
    best.files = Math.min(best.files, await timeItAsync(async () => void (await decodeFiles(repeats))));
    best.merge = Math.min(
      best.merge,
      await timeItAsync(async () => void (await drain(createMergedSource([memorySource('a', texts), memorySource('b', later)])))),
    );
    best.gunzip = Math.min(best.gunzip, gunzipSeconds(repeats));
  }
  if (records !== totalLines) throw new Error(`decoded ${records} records from ${totalLines} lines`);
  const m = (count: number, seconds: number): number => count / seconds / 1e6;
  const json = m(totalLines, best.json);
  const rows: BenchRow[] = [
    row('replay decode binance spot (vs JSON.parse)', 'M records/s', m(records, best.decode), json),
    row('replay read .gz files + decode (vs JSON.parse)', 'M records/s', m(records, best.files), json),
    row('replay merge 2 inputs + decode (vs JSON.parse)', 'M records/s', m(2 * records, best.merge), json),
    row('replay gunzip alone (vs JSON.parse)', 'M lines/s', m(totalLines, best.gunzip), json),
  ];
  report(rows);
}

await main();
