/**
 * Gunzip off the main thread: reading + decoding the Binance spot BTCUSDT captures
 * (`binance-spot/btcusdt_20240808.gz` then `_20240809.gz`, 99,574 lines) straight from the `.gz`
 * files, end to end through `openSource` (probe, inflate, line splitting, the `binance` decoder),
 * each file opened and drained in turn, the pair read repeatedly until a pass holds at least a
 * million records (about 200,000 with `--quick`).
 *
 * Contenders, timed in interleaved rounds (`interleave`: a warm-up, then at least five measured
 * rounds, medians), all giving the same records (count and a checksum of receive times) every round:
 * - `inline`: `inflate: 'inline'`, the baseline (zlib on libuv's pool, driven from the main thread,
 *   256 KiB blocks; what `auto` does);
 * - `worker`: `inflate: 'worker'` (a worker thread per file reads and inflates, posting the text in
 *   batches of transferred buffers);
 * - `stream`: the path before the worker existed, kept as the reference it replaced: the file piped
 *   through a zlib stream in 64 KiB blocks and read with its async iterator (`openTextStream`);
 * - `memory`: the same text decoded from memory, no gunzip at all: the limit for any of them.
 *
 * Rows (value beside baseline):
 * - records/s by wall clock, worker beside inline: the ratio is what the worker's overlap buys.
 * - main-thread CPU per record (Linux: `/proc/thread-self/schedstat`, the calling thread's own run
 *   time; NaN elsewhere), worker beside inline: what is left of gunzip on the engine's thread.
 * - process CPU per record (every thread: main, worker, libuv pool, GC), worker beside inline:
 *   what the worker costs in total (its start, its messages, its own isolate).
 * - records/s by wall clock, inline beside the old stream, and inline beside decoding from memory.
 *
 * Without the recordings (`TICKFLOW_DATA_DIR`, default `../shared/data`) it prints a skip message and
 * exits 0.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { MarketRecord } from '../src/model/records.js';
import { createLineSource } from '../streams/line-source.js';
import { openSource } from '../streams/open-source.js';
import type { RecordSource } from '../streams/record-source.js';
import { createDecoder } from '../streams/source-format.js';
import type { InflateMode } from '../streams/text-chunks.js';
import { describeStreamError, openTextStream, probeFile } from '../streams/text-stream.js';
import { interleave, median, quick, report, row, type Contender } from './harness.js';

const TARGET_RECORDS = quick ? 200_000 : 1_000_000;
const ROUNDS = quick ? 5 : 7;
const READ_CHUNK = 64 * 1024;

const dataDir = resolve(process.env.TICKFLOW_DATA_DIR ?? '../shared/data');
const files = ['binance-spot/btcusdt_20240808.gz', 'binance-spot/btcusdt_20240809.gz'].map((f) => resolve(dataDir, f));
const missing = files.filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.log(`skipping gunzip bench: ${missing.join(', ')} not found (set TICKFLOW_DATA_DIR to the shared data folder)`);
  process.exit(0);
}

/** The text of each file, for the in-memory context row and the line count. */
const texts = files.map((f) => gunzipSync(readFileSync(f)));
const linesPerPass = texts.reduce((n, t) => n + countLines(t), 0);
const repeats = Math.ceil(TARGET_RECORDS / linesPerPass);
console.log(`${repeats} × ${linesPerPass.toLocaleString('en-US')} lines from ${files.length} .gz files per run, ${availableParallelism()} cores available`);

function countLines(text: Buffer): number {
  let n = 0;
  for (let i = text.indexOf(10); i >= 0; i = text.indexOf(10, i + 1)) n++;
  return n;
}

/** Nanoseconds this thread has run on a CPU (Linux), or NaN where the kernel does not say. */
function threadCpuNs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]);
  } catch {
    return NaN;
  }
}

/** What one run read: the record count and a checksum of receive times, so both sides must agree. */
interface Tally {
  records: number;
  sum: number;
}

async function drainInto(source: RecordSource, tally: Tally): Promise<void> {
  for (let chunk: readonly MarketRecord[] | null = await source.next(); chunk !== null; chunk = await source.next()) {
    tally.records += chunk.length;
    for (let i = 0; i < chunk.length; i++) tally.sum = (tally.sum + chunk[i]!.tsRecv) % 1_000_000_007;
  }
}

async function readFiles(inflate: InflateMode): Promise<Tally> {
  const tally = { records: 0, sum: 0 };
  for (let k = 0; k < repeats; k++) for (const f of files) await drainInto(await openSource(f, { format: 'binance', inflate }), tally);
  return tally;
}

/** The line source `openSource` built before the worker: a zlib stream's async iterator, 64 KiB blocks. */
async function readFilesAsStream(): Promise<Tally> {
  const tally = { records: 0, sum: 0 };
  for (let k = 0; k < repeats; k++) {
    for (const f of files) {
      const probe = await probeFile(f);
      const decoder = createDecoder('binance', { symbol: 'BTCUSDT' });
      const open = (): AsyncIterable<Buffer> => openTextStream(probe, READ_CHUNK);
      await drainInto(createLineSource({ name: f, format: 'binance', open, decoder, describeError: (e) => describeStreamError(f, e) }), tally);
    }
  }
  return tally;
}

async function* chunksOf(text: Buffer): AsyncGenerator<Buffer> {
  for (let i = 0; i < text.length; i += READ_CHUNK) yield text.subarray(i, i + READ_CHUNK);
}

async function decodeInMemory(): Promise<Tally> {
  const tally = { records: 0, sum: 0 };
  for (let k = 0; k < repeats; k++) {
    for (let i = 0; i < files.length; i++) {
      const decoder = createDecoder('binance', { symbol: 'BTCUSDT' });
      await drainInto(createLineSource({ name: files[i]!, format: 'binance', open: () => chunksOf(texts[i]!), decoder }), tally);
    }
  }
  return tally;
}

/** A contender that also records its main-thread CPU per run. */
function contender(name: string, run: () => Promise<Tally>, mainCpu: number[], check: (t: Tally) => void): Contender {
  return {
    name,
    run: async () => {
      const t0 = threadCpuNs();
      const tally = await run();
      mainCpu.push((threadCpuNs() - t0) / 1e9);
      return tally;
    },
    check: (result) => check(result as Tally),
  };
}

async function main(): Promise<void> {
  let expected: Tally | null = null;
  const agree = (t: Tally): void => {
    expected ??= t;
    if (t.records !== expected.records || t.sum !== expected.sum) throw new Error(`runs disagree: ${JSON.stringify(t)} against ${JSON.stringify(expected)}`);
  };
  const names = ['inline', 'worker', 'stream', 'memory'] as const;
  const runs = { inline: () => readFiles('inline'), worker: () => readFiles('worker'), stream: readFilesAsStream, memory: decodeInMemory };
  const cpu = { inline: [] as number[], worker: [] as number[], stream: [] as number[], memory: [] as number[] };
  const timings = await interleave(
    names.map((name) => contender(name, runs[name], cpu[name], agree)),
    ROUNDS,
    1,
  );
  const records = expected!.records;
  if (records !== linesPerPass * repeats) throw new Error(`decoded ${records} records from ${linesPerPass * repeats} lines`);
  const [inline, worker, stream, memory] = timings as [(typeof timings)[0], (typeof timings)[0], (typeof timings)[0], (typeof timings)[0]];
  // Warm-up runs pushed their CPU too: drop them, as interleave drops their timings.
  const mainCpu = (name: (typeof names)[number]): number => median(cpu[name].slice(cpu[name].length - ROUNDS));
  for (const t of timings) {
    const main = cpu[t.name as (typeof names)[number]].slice(-ROUNDS);
    console.log(`${t.name.padEnd(6)} wall ${t.samples.map((s) => s.wallSeconds.toFixed(3)).join(' ')} s; main-thread CPU ${main.map((c) => c.toFixed(3)).join(' ')} s; process CPU ${t.samples.map((s) => s.cpuSeconds.toFixed(3)).join(' ')} s`);
  }
  const perSecond = (seconds: number): number => records / seconds / 1e6;
  const perRecord = (seconds: number): number => (seconds / records) * 1e6;
  const rows = [
    row('gunzip worker: read .gz + decode, wall (vs inline)', 'M records/s', perSecond(worker.medianWallSeconds), perSecond(inline.medianWallSeconds)),
    row('gunzip worker: main-thread CPU (vs inline)', 'µs/record', perRecord(mainCpu('worker')), perRecord(mainCpu('inline'))),
    row('gunzip worker: process CPU, all threads (vs inline)', 'µs/record', perRecord(worker.medianCpuSeconds), perRecord(inline.medianCpuSeconds)),
    row('gunzip inline 256 KiB blocks: wall (vs zlib stream, 64 KiB)', 'M records/s', perSecond(inline.medianWallSeconds), perSecond(stream.medianWallSeconds)),
    row('gunzip inline: main-thread CPU (vs zlib stream, 64 KiB)', 'µs/record', perRecord(mainCpu('inline')), perRecord(mainCpu('stream'))),
    row('gunzip inline: wall (vs decode from memory, no gunzip)', 'M records/s', perSecond(inline.medianWallSeconds), perSecond(memory.medianWallSeconds)),
  ];
  report(rows);
}

await main();
