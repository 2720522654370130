/**
 * A writer of line-oriented, gzip-compressed segment files, rotated by size and by age: what
 * `tickflow record` writes (journal NDJSON, or raw frames in the capture layout) and what later
 * readers (`tickflow backtest --data <segment>`) read back with the same decoders as the shared
 * captures.
 *
 * Naming and completeness. Segment `n` is written as `<prefix>-<n, 6 digits>.<ext>.part` and renamed
 * to `<prefix>-<n>.<ext>` once its gzip stream is finished, so a complete name always holds a
 * complete file; a crash leaves at most one `.part` file, which is readable up to its last flush.
 *
 * Rotation: a new segment starts before a line that would take the current one past `maxBytes`
 * (uncompressed; a segment always takes at least one line), or when the segment is older than
 * `maxAgeUs` by the injected clock, checked at each write.
 *
 * Flush policy: the gzip stream is sync-flushed (every byte written so far becomes decodable) when
 * `flush()` is called, and by `write` when `flushEveryUs` has passed since the last flush; between
 * flushes, a crash loses at most that much data. `close()` finishes and renames the last segment.
 *
 * Backpressure: `write` returns false when the file stream's buffer is over its high-water mark;
 * the caller awaits `drained()` before writing more, so memory stays bounded by that mark.
 *
 * Batching: lines reach gzip in batches of `BATCH_BYTES` (and at every flush and rotation), not one
 * by one: each write to a zlib stream is a compression call of its own, and one per line capped a
 * writer at about 35,000 journal lines/s. A line waiting in the batch is no less safe than one in
 * gzip's own buffer: neither is in the file before the next flush.
 */
import { createWriteStream, mkdirSync, renameSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { constants, createGzip, type Gzip } from 'node:zlib';
import type { Clock } from '../../runtime/clock.js';
import { TickflowError } from '../../runtime/errors.js';

/** Bytes of lines gathered before they are handed to gzip in one write. */
const BATCH_BYTES = 64 * 1024;

/** Options of `createSegmentWriter`. */
export interface SegmentWriterOptions {
  readonly dir: string;
  /** File name prefix (`btcusdt`, `journal`). */
  readonly prefix: string;
  /** Extension after the sequence number, without the dot (`ndjson.gz`, `raw.gz`). */
  readonly extension: string;
  /** Uncompressed bytes per segment before rotation (default 64 MiB). */
  readonly maxBytes?: number;
  /** Segment age (µs of `clock`) before rotation (default 1 h). */
  readonly maxAgeUs?: number;
  /** Sync-flush period (µs of `clock`, default 1 s); 0 flushes after every write. */
  readonly flushEveryUs?: number;
  /**
   * Final file name of segment `sequence` (1-based) in `dir`, for layouts that name files
   * otherwise (the raw capture's `<symbol>_<yyyymmdd>.gz`); default `<prefix>-<sequence, 6 digits>.<extension>`.
   */
  readonly fileName?: (sequence: number) => string;
  readonly clock: Clock;
}

/** What a writer has done. */
export interface SegmentWriterStats {
  lines: number;
  bytes: number;
  segments: number;
  flushes: number;
}

/** A rotating segment writer; create with `createSegmentWriter`. */
export class SegmentWriter {
  readonly stats: SegmentWriterStats;
  /** Final names of the segments finished so far, in order (each on disk under it once `close()` resolves). */
  readonly completed: string[];
  private readonly options: Required<Omit<SegmentWriterOptions, 'clock' | 'fileName'>> & { clock: Clock; fileName: ((sequence: number) => string) | undefined };
  private gzip: Gzip | undefined;
  private file: WriteStream | undefined;
  private finished: Promise<void>[];
  private partName: string;
  private segmentBytes: number;
  private segmentStartUs: number;
  private lastFlushUs: number;
  /** Lines not yet handed to gzip, and their bytes. */
  private batch: string;
  private batchBytes: number;
  private closed: boolean;
  /** The first error of a file or gzip stream (a full disk, a removed folder); every later call fails with it. */
  private failure: TickflowError | null;
  /** Rejections of the `drained()` waits in progress, called if a stream fails meanwhile. */
  private readonly waiting: Set<(error: TickflowError) => void>;

  constructor(options: SegmentWriterOptions) {
    this.stats = { lines: 0, bytes: 0, segments: 0, flushes: 0 };
    this.completed = [];
    this.options = { maxBytes: 64 * 1024 * 1024, maxAgeUs: 3_600_000_000, flushEveryUs: 1_000_000, fileName: undefined, ...options };
    if (!(this.options.maxBytes > 0) || !(this.options.maxAgeUs > 0) || !(this.options.flushEveryUs >= 0)) {
      throw new TickflowError('CONFIG_INVALID', 'segment writer: maxBytes and maxAgeUs must be positive, flushEveryUs not negative', { dir: options.dir });
    }
    mkdirSync(options.dir, { recursive: true });
    this.gzip = undefined;
    this.file = undefined;
    this.finished = [];
    this.partName = '';
    this.segmentBytes = 0;
    this.segmentStartUs = 0;
    this.lastFlushUs = 0;
    this.batch = '';
    this.batchBytes = 0;
    this.closed = false;
    this.failure = null;
    this.waiting = new Set();
  }

  /** The error that stopped this writer, if any (it is also thrown by `write` and rejected by `drained` and `close`). */
  get error(): TickflowError | null {
    return this.failure;
  }

  /** Appends one line (a newline is added). Returns false when the caller should await `drained()`. */
  write(line: string): boolean {
    if (this.failure !== null) throw this.failure;
    if (this.closed) throw new TickflowError('IO_UNAVAILABLE', `segment writer for ${this.options.dir} is closed`, { dir: this.options.dir });
    const now = this.options.clock.now();
    const size = Buffer.byteLength(line) + 1;
    if (this.gzip !== undefined && this.segmentBytes > 0 && (this.segmentBytes + size > this.options.maxBytes || now - this.segmentStartUs >= this.options.maxAgeUs)) this.finishSegment();
    if (this.gzip === undefined) this.openSegment(now);
    this.segmentBytes += size;
    this.stats.lines++;
    this.stats.bytes += size;
    this.batch += line + '\n';
    this.batchBytes += size;
    if (this.batchBytes >= BATCH_BYTES) this.handOver();
    if (now - this.lastFlushUs >= this.options.flushEveryUs) this.flush();
    return !(this.gzip as Gzip).writableNeedDrain;
  }

  /** Resolves when the current segment can take more (at once when it can). */
  drained(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const gzip = this.gzip;
    if (gzip === undefined || !gzip.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.add(reject);
      gzip.once('drain', () => {
        this.waiting.delete(reject);
        resolve();
      });
    });
  }

  /** Makes everything written so far decodable from the file (gzip sync flush). */
  flush(): void {
    this.lastFlushUs = this.options.clock.now();
    if (this.gzip === undefined) return;
    this.handOver();
    this.stats.flushes++;
    this.gzip.flush(constants.Z_SYNC_FLUSH);
  }

  /** Finishes the last segment and waits until every segment is on disk under its final name. */
  async close(): Promise<void> {
    if (this.closed) return Promise.all(this.finished).then(() => undefined);
    this.closed = true;
    if (this.gzip !== undefined) this.finishSegment();
    await Promise.all(this.finished);
    if (this.failure !== null) throw this.failure;
  }

  private openSegment(now: number): void {
    const sequence = this.stats.segments + 1;
    const name = this.options.fileName?.(sequence) ?? `${this.options.prefix}-${String(sequence).padStart(6, '0')}.${this.options.extension}`;
    this.partName = join(this.options.dir, `${name}.part`);
    const gzip = createGzip();
    const file = createWriteStream(this.partName);
    // Without a listener a stream error (ENOSPC, EACCES, a folder removed) would crash the process.
    const part = this.partName;
    const onError = (error: Error): void => this.fail(part, error);
    gzip.on('error', onError);
    file.on('error', onError);
    gzip.pipe(file);
    this.gzip = gzip;
    this.file = file;
    this.segmentBytes = 0;
    this.segmentStartUs = now;
    this.stats.segments++;
  }

  private fail(part: string, error: Error): void {
    if (this.failure !== null) return;
    this.failure = new TickflowError('IO_UNAVAILABLE', `cannot write ${part}: ${error.message}`, { file: part });
    for (const reject of this.waiting) reject(this.failure);
    this.waiting.clear();
  }

  /** Hands the batch to gzip. */
  private handOver(): void {
    if (this.batchBytes === 0) return;
    (this.gzip as Gzip).write(this.batch);
    this.batch = '';
    this.batchBytes = 0;
  }

  private finishSegment(): void {
    this.handOver();
    const gzip = this.gzip as Gzip;
    const file = this.file as WriteStream;
    const part = this.partName;
    const final = part.slice(0, -'.part'.length);
    this.gzip = undefined;
    this.file = undefined;
    this.completed.push(final);
    const done = new Promise<void>((resolve, reject) => {
      file.once('error', () => reject(this.failure));
      file.once('close', () => {
        if (this.failure !== null) return reject(this.failure);
        try {
          renameSync(part, final);
          resolve();
        } catch (error) {
          reject(error);
        }
      });
      gzip.end();
    });
    // Awaited by close(); until then a failure is kept in `failure`, not left as an unhandled rejection.
    done.catch(() => undefined);
    this.finished.push(done);
  }
}

/** A segment writer; throws `CONFIG_INVALID` for a non-positive size or age. */
export function createSegmentWriter(options: SegmentWriterOptions): SegmentWriter {
  return new SegmentWriter(options);
}
