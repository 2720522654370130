/**
 * Reading recordings: the Binance decoder, and read + decode of the spot BTCUSDT capture
 * (`btcusdt_20240808.gz` then `_20240809.gz`, 99,574 lines) repeated with receive times shifted
 * forward so a run holds at least a million lines (about 200,000 with `--quick`), beside
 * `JSON.parse` of the same lines (the baseline the decoder must beat by 2.5x) and gunzip alone (for
 * context). The captures are decompressed once into memory (`binance-corpus.ts`).
 *
 * Every contender runs once per round, the rounds interleaved in this process (`interleave`), so a
 * slow spell of a shared machine hits all of them; each row's value is the median over the rounds of
 * CPU time (`process.cpuUsage`, which includes GC), with the wall-clock median, the slowest and
 * fastest round, and the median of the per-round ratios beside it as extra fields. A minor
 * collection, in no row, runs before each decoder (`settle`).
 *
 * Rows:
 * - `binance decoder`: `BinanceCaptureDecoder.decode` on every line (lines split beforehand, untimed,
 *   as offsets into the text), records appended to an array emptied every 1,024 records.
 *   Baseline: `JSON.parse` of each line's JSON (lines split beforehand into strings, untimed). Extra
 *   fields give the same run against the previous decoder (`previousDecoder`, `ratioOverPrevious`).
 * - `binance decoder (vs previous decoder)`: the same, against the decoder as it was before the keyed
 *   and ordered passes (commit 9d02dea, "today's decoder" of issue 13; a frozen copy,
 *   `previous-binance-decoder/`), on the same lines in the same rounds.
 * - `binance decoder, every level read (vs previous decoder)`: the same, each batch's depth records
 *   then read level by level (every price and amount summed, the two decoders' sums compared) before
 *   the batch is let go: the cost for a reader that uses every level (an L2 book), against the
 *   previous decoder read the same way.
 * - `replay decode binance spot`: the `binance` line source over the in-memory text (64 KiB chunks,
 *   as a file stream gives them) pulled in chunks of 1,024 records: line splitting, parsing,
 *   normalizing, counting. Same baseline.
 * - from .gz files: `openSource` on the two files on disk, once per repeat, gunzip included.
 * - merge: two interleaved inputs (the repeats and a copy 0.5 ms later) through the k-way merge.
 * - gunzip alone, in lines/s, for context (no parsing at all).
 *
 * Without the recordings (`TICKFLOW_DATA_DIR`, default `../shared/data`) it prints a skip message and
 * exits 0.
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { MarketRecord } from '../src/model/records.js';
import { createMergedSource } from '../streams/merge-sources.js';
import { openSource } from '../streams/open-source.js';
import type { RecordSource } from '../streams/record-source.js';
import { BinanceCaptureDecoder } from '../streams/venues/binance/binance-capture.js';
import { BinanceCaptureDecoder as PreviousBinanceCaptureDecoder } from './previous-binance-decoder/binance-capture.js';
import { CORPUS_FILES, CORPUS_SYMBOL, loadBinanceCorpus, memorySource } from './binance-corpus.js';
import { interleave, median, quick, report, row, type BenchRow, type ContenderTimings } from './harness.js';

const ROUNDS = quick ? 5 : 7;
const corpus = loadBinanceCorpus('replay bench', quick ? 200_000 : 1_000_000);
const { texts, totalLines } = corpus;
const files = CORPUS_FILES.map((f) => resolve(process.env.TICKFLOW_DATA_DIR ?? '../shared/data', f));
const compressed = files.map((f) => readFileSync(f));
console.log(`${corpus.repeats} × ${corpus.linesPerRepeat.toLocaleString('en-US')} lines = ${totalLines.toLocaleString('en-US')} lines (${corpus.megabytes.toFixed(0)} MB of text), ${ROUNDS} rounds`);

/** Line `k` of a text is `[starts[k], ends[k])`, without its newline. */
interface LineIndex {
  readonly text: Buffer;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

function indexLines(text: Buffer): LineIndex {
  const starts: number[] = [];
  const ends: number[] = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(10, start);
    if (end < 0) end = text.length;
    starts.push(start);
    ends.push(end);
    start = end + 1;
  }
  return { text, starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
}

const indexes = texts.map(indexLines);
// The baseline's lines as strings, split once here: only `JSON.parse` is timed.
const lineStrings = texts.map((t) => {
  const lines = t.toString('latin1').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
});

/** Sum of every level's price and amount read in the last run: the two decoders' must be equal. */
let levelSum = 0;
/** `levelSum` of the new decoder's run in this round, which the previous decoder's must equal. */
let decoderLevelSum = 0;

/*
 * The loop over the lines and the reading of levels are written twice, once per decoder, on
 * purpose: V8 keeps type feedback per function, so one loop shared by both would make a polymorphic
 * call of `decode`, and one reader shared by both would see both decoders' records (whose maps may
 * differ in field representation), where a replay only ever meets one decoder's.
 */

/**
 * The decoder alone over every line; returns the records decoded. With `readLevels`, every level of
 * each depth record is read (its price and amount summed into `levelSum`) before the batch is let go.
 */
function decodeLines(readLevels: boolean): number {
  levelSum = 0;
  let records = 0;
  let out: MarketRecord[] = [];
  for (const { text, starts, ends } of indexes) {
    // One decoder per input, as a source has.
    const decoder = new BinanceCaptureDecoder({ symbol: CORPUS_SYMBOL });
    for (let k = 0; k < starts.length; k++) {
      decoder.decode(text, starts[k]!, ends[k]!, out);
      if (out.length >= 1024) {
        if (readLevels) readEveryLevel(out);
        records += out.length;
        out = [];
      }
    }
  }
  if (readLevels) readEveryLevel(out);
  return records + out.length;
}

/** Adds the price and amount of every level of the depth records among `records` to `levelSum`. */
function readEveryLevel(records: readonly MarketRecord[]): void {
  let sum = 0;
  for (const r of records) {
    if (r.type !== 'book_change' && r.type !== 'depth_snapshot') continue;
    for (const level of r.bids) sum += level.price + level.amount;
    for (const level of r.asks) sum += level.price + level.amount;
  }
  levelSum += sum;
}

/**
 * `readEveryLevel` for the previous decoder's records. This and `decodeLinesPrevious` are copies of
 * the current decoder's functions on purpose: one loop shared by both contenders would see two
 * decoder classes and two record shapes at its call sites, which neither decoder's real source
 * ever does, and would time both through polymorphic calls.
 */
function readEveryLevelPrevious(records: readonly MarketRecord[]): void {
  let sum = 0;
  for (const r of records) {
    if (r.type !== 'book_change' && r.type !== 'depth_snapshot') continue;
    for (const level of r.bids) sum += level.price + level.amount;
    for (const level of r.asks) sum += level.price + level.amount;
  }
  levelSum += sum;
}

/** `decodeLines` with the previous decoder (a frozen copy, `previous-binance-decoder/`). */
function decodeLinesPrevious(readLevels: boolean): number {
  levelSum = 0;
  let records = 0;
  let out: MarketRecord[] = [];
  for (const { text, starts, ends } of indexes) {
    const decoder = new PreviousBinanceCaptureDecoder({ symbol: CORPUS_SYMBOL });
    for (let k = 0; k < starts.length; k++) {
      decoder.decode(text, starts[k]!, ends[k]!, out);
      if (out.length >= 1024) {
        if (readLevels) readEveryLevelPrevious(out);
        records += out.length;
        out = [];
      }
    }
  }
  if (readLevels) readEveryLevelPrevious(out);
  return records + out.length;
}

/** `JSON.parse` of each line's JSON; returns the messages parsed. */
function jsonParseLines(): number {
  let n = 0;
  for (const lines of lineStrings) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const msg = JSON.parse(line.slice(line.indexOf(' ') + 1)) as { data?: unknown };
      if (msg !== null) n++;
    }
  }
  return n;
}

/** Pulls a source to its end; returns the number of records (checksum of the work). */
async function drain(source: RecordSource): Promise<number> {
  let n = 0;
  for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) n += chunk.length;
  return n;
}

async function decodeFiles(): Promise<number> {
  let n = 0;
  for (let k = 0; k < corpus.repeats; k++) for (const f of files) n += await drain(await openSource(f, { format: 'binance' }));
  return n;
}

function gunzipLines(): number {
  for (let k = 0; k < corpus.repeats; k++) for (const c of compressed) gunzipSync(c);
  return totalLines;
}

/** Adds 500,000 ns to each line's 19-digit receive time: the second input of the merge. */
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

const later = texts.map(halfMsLater);
const expect = (what: string, want: number) => (got: unknown) => {
  if (got !== want) throw new Error(`${what}: ${String(got)}, expected ${want}`);
};

/** Rates per round (count / seconds) of one contender, CPU and wall. */
function rates(t: ContenderTimings, count: number): { cpu: number[]; wall: number[] } {
  return { cpu: t.samples.map((s) => count / s.cpuSeconds), wall: t.samples.map((s) => count / s.wallSeconds) };
}

/**
 * A row of `value` against `baseline` (both counted per second): CPU medians as value and baseline,
 * plus wall medians, the slowest and fastest round of each, and the median of per-round ratios
 * (each round's contender over the same round's baseline, which cancels most machine drift).
 */
function rateRow(name: string, unit: string, scale: number, value: ContenderTimings, count: number, baseline: ContenderTimings, baseCount: number): BenchRow {
  const v = rates(value, count);
  const b = rates(baseline, baseCount);
  const r = (x: number) => Math.round((x / scale) * 1000) / 1000;
  const perRound = v.cpu.map((x, i) => x / b.cpu[i]!);
  return {
    ...row(name, unit, median(v.cpu) / scale, median(b.cpu) / scale),
    clock: 'cpu',
    rounds: v.cpu.length,
    valueRange: [r(Math.min(...v.cpu)), r(Math.max(...v.cpu))],
    baselineRange: [r(Math.min(...b.cpu)), r(Math.max(...b.cpu))],
    roundRatioMedian: Math.round(median(perRound) * 1000) / 1000,
    roundRatioRange: [Math.round(Math.min(...perRound) * 1000) / 1000, Math.round(Math.max(...perRound) * 1000) / 1000],
    wallValue: r(median(v.wall)),
    wallBaseline: r(median(b.wall)),
    wallRatio: Math.round((median(v.wall) / median(b.wall)) * 1000) / 1000,
  } as BenchRow;
}

/**
 * An unreported contender that empties the young generation (under `--expose-gc`, as `npm run
 * bench` runs; a no-op otherwise), placed before each decoder so that none of them pays for the
 * garbage of the contender before it: the new decoder followed `JSON.parse`, which leaves far more
 * than either decoder, and the order of the rounds then decided about 3% of their ratio. A minor
 * collection only: a full one also shrinks the heap, which slows the next run (`interleave`).
 */
const settle = { name: 'settle', run: (): void => globalThis.gc?.({ type: 'minor' }) };

async function main(): Promise<void> {
  const timings = await interleave(
    [
      { name: 'json', run: jsonParseLines, check: expect('JSON.parse messages', totalLines) },
      settle,
      { name: 'decoder', run: () => decodeLines(false), check: expect('decoder records', totalLines) },
      settle,
      { name: 'previous decoder', run: () => decodeLinesPrevious(false), check: expect('previous decoder records', totalLines) },
      settle,
      {
        name: 'decoder, levels read',
        run: () => decodeLines(true),
        check: (n) => {
          expect('decoder records, levels read', totalLines)(n);
          decoderLevelSum = levelSum;
        },
      },
      settle,
      {
        name: 'previous decoder, levels read',
        run: () => decodeLinesPrevious(true),
        check: (n) => {
          expect('previous decoder records, levels read', totalLines)(n);
          expect('sum of every level, against the new decoder', decoderLevelSum)(levelSum);
        },
      },
      { name: 'line source', run: () => drain(memorySource(texts)), check: expect('line source records', totalLines) },
      { name: 'files', run: decodeFiles, check: expect('records from .gz files', totalLines) },
      {
        name: 'merge',
        run: () => drain(createMergedSource([memorySource(texts), memorySource(later)])),
        check: expect('merged records', 2 * totalLines),
      },
      { name: 'gunzip', run: gunzipLines },
    ],
    ROUNDS,
    1,
  );
  const [json, decoder, previous, decoderLevels, previousLevels, lineSource, fromFiles, merge, gunzip] = timings.filter((t) => t.name !== settle.name) as [
    ContenderTimings,
    ContenderTimings,
    ContenderTimings,
    ContenderTimings,
    ContenderTimings,
    ContenderTimings,
    ContenderTimings,
    ContenderTimings,
    ContenderTimings,
  ];
  const overPrevious = rateRow('binance decoder (vs previous decoder)', 'records/s', 1, decoder, totalLines, previous, totalLines);
  const rows: BenchRow[] = [
    {
      ...rateRow('binance decoder', 'records/s', 1, decoder, totalLines, json, totalLines),
      previousDecoder: overPrevious.baseline,
      ratioOverPrevious: overPrevious.ratio,
    } as BenchRow,
    overPrevious,
    rateRow('binance decoder, every level read (vs previous decoder)', 'records/s', 1, decoderLevels, totalLines, previousLevels, totalLines),
    rateRow('replay decode binance spot (vs JSON.parse)', 'M records/s', 1e6, lineSource, totalLines, json, totalLines),
    rateRow('replay read .gz files + decode (vs JSON.parse)', 'M records/s', 1e6, fromFiles, totalLines, json, totalLines),
    rateRow('replay merge 2 inputs + decode (vs JSON.parse)', 'M records/s', 1e6, merge, 2 * totalLines, json, totalLines),
    rateRow('replay gunzip alone (vs JSON.parse)', 'M lines/s', 1e6, gunzip, totalLines, json, totalLines),
  ];
  report(rows);
  for (const r of rows as unknown as Record<string, unknown>[]) {
    console.log(`${String(r.name)}: CPU rounds ${JSON.stringify(r.valueRange)} vs ${JSON.stringify(r.baselineRange)}; per-round ratio median ${String(r.roundRatioMedian)} ${JSON.stringify(r.roundRatioRange)}; wall ${String(r.wallValue)} vs ${String(r.wallBaseline)} (${String(r.wallRatio)})`);
  }
}

await main();
