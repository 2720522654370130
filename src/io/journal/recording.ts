/**
 * `startRecording`: a live Binance feed written to disk while it runs, the engine of
 * `tickflow record` (`src/app/record-command.ts` adds flags, signals and the printed summary).
 *
 * What goes where, under `out`:
 * - `journal/journal-<start, yyyymmddThhmmssZ>-<n>.ndjson.gz`: every record the feed delivers, in
 *   delivery order, one `encodeRecord` line each (the `journal` format, read back by
 *   `tickflow backtest --data`). Segments rotate by uncompressed size and by age (`segmentBytes`,
 *   default 64 MiB; `segmentAgeUs`, default 1 h); each is `.part` until finished.
 * - with `raw`, `raw/<symbol>_<yyyymmdd>.gz`: the frames and REST snapshots behind those records,
 *   as received, in the Binance capture layout (see `raw-capture-writer.ts`).
 *
 * Flush policy: every file is gzip sync-flushed (what was written becomes decodable and goes to
 * the OS, without fsync) at most `flushEveryUs` (default 1 s) after a line was written, by the
 * write that finds the period passed or, when the feed is quiet, by a timer of that period. A
 * crash loses at most that much; a `.part` file is readable up to its last flush.
 *
 * Backpressure: after each chunk the recorder waits until every file can take more before it
 * asks the feed for the next, so a slow disk fills the feed's buffer, which pauses the sockets.
 *
 * Stop (`stop()`): the instant it is called, the raw tap is sealed and the number of records
 * the feed has delivered so far is the cut; the recorder writes up to the cut, closes the feed,
 * and finishes every file. So the journal holds every record delivered before the stop and the raw
 * files every frame received before it. Records delivered after the cut are counted in `notWritten`.
 *
 * Journal and raw tell the same story but for what the feed does between the wire and its
 * records: the raw files also hold the diffs the depth sync dropped as older than its snapshot
 * (`staleDiffs`) and any it still held at the stop; a record the feed released late carries its
 * release time in the journal (`restamped`), its receive time in the raw file.
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecord } from '../../model/journal-codec.js';
import type { MarketRecord } from '../../model/records.js';
import { TickflowError } from '../../runtime/errors.js';
import { createBinanceFeed, type BinanceFeed } from '../../../streams/live/binance-feed.js';
import type { BinanceFeedOptions } from '../../../streams/live/binance-feed-options.js';
import type { FeedStats } from '../../../streams/live/feed-stats.js';
import type { TimerHandle } from '../../../streams/live/feed-timers.js';
import { emptyTypeCounts, type RecordTypeCounts } from '../../../streams/record-source.js';
import { createRawCaptureWriter, type RawCaptureWriter } from './raw-capture-writer.js';
import { createSegmentWriter, type SegmentWriter } from './segment-writer.js';

/** Defaults of the journal's rotation and of the flush period. */
export const RECORDING_DEFAULTS = { segmentBytes: 64 * 1024 * 1024, segmentAgeUs: 3_600_000_000, flushEveryUs: 1_000_000 } as const;

/** Options of `startRecording`. */
export interface RecordingOptions {
  /** The feed to record; its clock also drives rotation and flushing, its timers the flush timer. */
  readonly feed: Omit<BinanceFeedOptions, 'rawTap'>;
  /** Output folder (created if missing): `journal/`, and `raw/` with `raw`. */
  readonly out: string;
  /** Also write the raw frames and snapshots (default false). */
  readonly raw?: boolean;
  /** Uncompressed bytes per journal segment (default 64 MiB). */
  readonly segmentBytes?: number;
  /** Age of a journal segment before the next one starts (µs, default 1 h). */
  readonly segmentAgeUs?: number;
  /** Flush period of every file (µs, default 1 s; 0: after every line). */
  readonly flushEveryUs?: number;
  /** Sees every chunk of records as it is written to the journal (progress, tests). Must not throw. */
  readonly onRecords?: (records: readonly MarketRecord[]) => void;
}

/** What a recording wrote, once stopped. */
export interface RecordSummary {
  /** Engine time at start and stop (µs). */
  readonly startedUs: number;
  readonly stoppedUs: number;
  /** Records written to the journal, and by type. */
  readonly records: number;
  readonly byType: Readonly<RecordTypeCounts>;
  /** Records the feed delivered after the stop instant, not written. */
  readonly notWritten: number;
  /** Raw lines written: frames and REST snapshots (0 without `raw`). */
  readonly frames: number;
  readonly snapshots: number;
  /** Finished files, in order, and their bytes (uncompressed as written; on disk, gzip). */
  readonly journalFiles: readonly string[];
  readonly journalBytes: number;
  readonly journalDiskBytes: number;
  readonly rawFiles: readonly string[];
  readonly rawBytes: number;
  readonly rawDiskBytes: number;
  /** The feed's counters at the stop (gaps, reconnects, resyncs, restamped, issues, ...). */
  readonly feed: FeedStats;
}

/** A recording under way. */
export interface Recording {
  readonly feed: BinanceFeed;
  readonly journalDir: string;
  /** Null without `raw`. */
  readonly rawDir: string | null;
  /** Records written to the journal so far. */
  readonly records: number;
  /** Rejects if writing fails (then call `stop()` to close what is open); never resolves. */
  readonly failed: Promise<never>;
  /** Stops as the file comment says; resolves once every file is finished. Idempotent. Rejects with a write failure. */
  stop(): Promise<RecordSummary>;
}

/**
 * Creates the output folders, connects the feed and starts writing. Throws `IO_UNAVAILABLE`
 * naming the folder when one cannot be created, `CONFIG_INVALID` for bad feed options.
 */
export function startRecording(options: RecordingOptions): Recording {
  return new RecordingImpl(options);
}

class RecordingImpl implements Recording {
  readonly feed: BinanceFeed;
  readonly journalDir: string;
  readonly rawDir: string | null;
  readonly failed: Promise<never>;
  private readonly options: RecordingOptions;
  private readonly journal: SegmentWriter;
  private readonly raw: RawCaptureWriter | null;
  private readonly byType: RecordTypeCounts;
  private readonly startedUs: number;
  private readonly flushEveryMs: number;
  private written: number;
  /** Records delivered when `stop()` was called; -1 before. */
  private cut: number;
  private flushTimer: TimerHandle | null;
  private flushedLines: number;
  private flushedRawBytes: number;
  private pumpError: unknown;
  private readonly pumped: Promise<void>;
  private fail: (error: unknown) => void;
  private stopping: Promise<RecordSummary> | null;

  constructor(options: RecordingOptions) {
    const clock = options.feed.clock;
    this.journalDir = makeDir(join(options.out, 'journal'));
    this.rawDir = options.raw === true ? makeDir(join(options.out, 'raw')) : null;
    this.options = options;
    this.startedUs = clock.now();
    const flushEveryUs = options.flushEveryUs ?? RECORDING_DEFAULTS.flushEveryUs;
    this.journal = createSegmentWriter({
      dir: this.journalDir,
      prefix: freePrefix(this.journalDir, `journal-${stamp(this.startedUs)}`),
      extension: 'ndjson.gz',
      maxBytes: options.segmentBytes ?? RECORDING_DEFAULTS.segmentBytes,
      maxAgeUs: options.segmentAgeUs ?? RECORDING_DEFAULTS.segmentAgeUs,
      flushEveryUs,
      clock,
    });
    this.raw = this.rawDir === null ? null : createRawCaptureWriter({ dir: this.rawDir, flushEveryUs, clock });
    this.byType = emptyTypeCounts();
    this.flushEveryMs = flushEveryUs / 1000;
    this.written = 0;
    this.cut = -1;
    this.flushTimer = null;
    this.flushedLines = 0;
    this.flushedRawBytes = 0;
    this.pumpError = null;
    this.fail = () => undefined;
    this.failed = new Promise<never>((_, reject) => (this.fail = reject));
    this.failed.catch(() => undefined); // observed through `stop()` when nobody listens
    this.stopping = null;
    this.feed = createBinanceFeed(this.raw === null ? options.feed : { ...options.feed, rawTap: this.raw });
    this.pumped = this.pump().catch((error: unknown) => {
      this.pumpError = error;
      this.fail(error);
    });
    this.armFlush();
  }

  get records(): number {
    return this.written;
  }

  stop(): Promise<RecordSummary> {
    this.stopping ??= this.finish();
    return this.stopping;
  }

  private async finish(): Promise<RecordSummary> {
    this.raw?.seal();
    this.cut = this.feed.stats.delivered;
    if (this.written >= this.cut) await this.feed.close();
    await this.pumped;
    await this.feed.close();
    if (this.flushTimer !== null) this.options.feed.timers.clearTimeout(this.flushTimer);
    this.flushTimer = null;
    await Promise.all([this.journal.close(), this.raw?.close()]);
    if (this.pumpError !== null) throw this.pumpError;
    const journalFiles = [...this.journal.completed];
    const rawFiles = this.raw?.completed ?? [];
    return {
      startedUs: this.startedUs,
      stoppedUs: this.options.feed.clock.now(),
      records: this.written,
      byType: { ...this.byType },
      notWritten: this.feed.stats.delivered - this.written,
      frames: this.raw?.stats.frames ?? 0,
      snapshots: this.raw?.stats.snapshots ?? 0,
      journalFiles,
      journalBytes: this.journal.stats.bytes,
      journalDiskBytes: diskBytes(journalFiles),
      rawFiles,
      rawBytes: this.raw?.stats.bytes ?? 0,
      rawDiskBytes: diskBytes(rawFiles),
      feed: this.feed.stats,
    };
  }

  /** Feed to journal, chunk by chunk, until the cut or the feed's end. */
  private async pump(): Promise<void> {
    const journal = this.journal;
    const byType = this.byType;
    for (;;) {
      const chunk = await this.feed.next();
      if (chunk === null) return;
      const n = this.cut < 0 ? chunk.length : Math.min(chunk.length, this.cut - this.written);
      for (let i = 0; i < n; i++) {
        const record = chunk[i]!;
        journal.write(encodeRecord(record));
        byType[record.type]++;
      }
      this.written += n;
      if (n > 0) this.options.onRecords?.(n === chunk.length ? chunk : chunk.slice(0, n));
      if (this.cut >= 0 && this.written >= this.cut) return;
      await journal.drained();
      await this.raw?.drained();
    }
  }

  /** The quiet-feed half of the flush policy: flush whatever the writes have not. */
  private armFlush(): void {
    if (this.flushEveryMs <= 0) return;
    this.flushTimer = this.options.feed.timers.setTimeout(() => {
      if (this.stopping !== null) return;
      if (this.journal.stats.lines > this.flushedLines) this.journal.flush();
      this.flushedLines = this.journal.stats.lines;
      if (this.raw !== null && this.raw.stats.bytes > this.flushedRawBytes) this.raw.flush();
      this.flushedRawBytes = this.raw?.stats.bytes ?? 0;
      this.armFlush();
    }, this.flushEveryMs);
  }
}

function makeDir(path: string): string {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TickflowError('IO_UNAVAILABLE', `cannot create the output folder ${path} (${why})`, { path }, { cause: error });
  }
  return path;
}

/** `prefix`, or `prefix-2`, ...: the first that no file in `dir` starts with (two runs in one second). */
function freePrefix(dir: string, prefix: string): string {
  const names = readdirSync(dir);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? prefix : `${prefix}-${n}`;
    if (!names.some((name) => name.startsWith(`${candidate}-0`))) return candidate;
  }
}

/** `yyyymmddThhmmssZ` of a time in µs. */
function stamp(us: number): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';
}

function diskBytes(files: readonly string[]): number {
  let total = 0;
  for (const file of files) total += statSync(file).size;
  return total;
}
