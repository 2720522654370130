/**
 * The raw side of `tickflow record --raw`: the frames and REST depth snapshots the live feed used,
 * written in the Binance capture layout of `shared/data/binance-*` (`<receive ns> <json>` a line,
 * gzip), so they replay through the very decoders that read those captures (`--format binance`).
 *
 * Layout. One file per symbol and UTC day, `<dir>/<symbol lower case>_<yyyymmdd>.gz`, named by the
 * receive time of its first line, like the shared captures (`btcusdt_20240808.gz` continued by
 * `btcusdt_20240809.gz`); a name already taken (an earlier run the same day) gets `_2`, `_3`, ...
 * before `.gz`: nothing is overwritten. A file is written as `.part` and renamed when finished
 * (see `segment-writer.ts`). A snapshot line names no symbol: the capture reader gives it the last
 * symbol seen in the file, else the file name's, so replay a file as `<file>@<SYMBOL>` in case its
 * first line is a snapshot.
 *
 * Time. The receive time is the feed's stamp in µs (the `tsRecv` of the frame's record), not a
 * clock read of its own, written as ns by appending `000` to its digits (no arithmetic on numbers
 * past 2^53). The capture reader truncates it back to the same µs.
 *
 * Order: lines go to their symbol's file in the order the feed taps them: arrival order, except
 * at a rollover switch (see `FeedRawTap`), where a reader, like the replay driver, goes by file order. One
 * message stays one line: trailing line breaks (which the frame decoder ignores) are cut, and any
 * other (JSON whitespace; a JSON string cannot hold a raw one) becomes a space, counted in `joined`.
 *
 * Backpressure and flushing are the segment writers' (`drained()`, `flush()`); `seal()` makes the
 * writer ignore everything tapped after it (a recorder's stop), `close()` finishes every file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../runtime/clock.js';
import type { FeedRawTap } from '../../../streams/live/binance-feed-options.js';
import { createSegmentWriter, type SegmentWriter } from './segment-writer.js';

/** Options of `createRawCaptureWriter`. */
export interface RawCaptureWriterOptions {
  /** Folder of the capture files (created if missing). */
  readonly dir: string;
  /** Sync-flush period of each file (µs of `clock`, default 1 s); see `SegmentWriterOptions.flushEveryUs`. */
  readonly flushEveryUs?: number;
  readonly clock: Clock;
}

/** What the writer has done. */
export interface RawCaptureStats {
  frames: number;
  snapshots: number;
  /** Uncompressed bytes written, newlines included. */
  bytes: number;
  /** Lines whose line breaks were replaced by spaces. */
  joined: number;
  /** Taps ignored after `seal()`. */
  afterSeal: number;
  /** Lines that could not be written because a file failed (see `error`). */
  lost: number;
}

const US_PER_DAY = 86_400_000_000;

/** One symbol's current file. */
interface SymbolFile {
  readonly day: number;
  readonly writer: SegmentWriter;
}

/** Writes raw captures per symbol and day; a `FeedRawTap` to hand to the feed. */
export class RawCaptureWriter implements FeedRawTap {
  readonly stats: RawCaptureStats;
  private readonly options: RawCaptureWriterOptions;
  private readonly files: Map<string, SymbolFile>;
  /** Every writer opened, in order (finished ones included), for `close()` and `completed`. */
  private readonly writers: SegmentWriter[];
  private sealed: boolean;
  /** The first write failure: the tap never throws into the feed, so it is kept here and rejected by `drained()`. */
  private failure: unknown;

  constructor(options: RawCaptureWriterOptions) {
    this.stats = { frames: 0, snapshots: 0, bytes: 0, joined: 0, afterSeal: 0, lost: 0 };
    this.options = options;
    this.files = new Map();
    this.writers = [];
    this.sealed = false;
    this.failure = undefined;
  }

  /** Final paths of the files, in the order they were started (on disk under them once `close()` resolves). */
  get completed(): string[] {
    return this.writers.flatMap((w) => w.completed);
  }

  frame(frame: Buffer, tsRecvUs: number, symbol: string): void {
    if (this.sealed) return void this.stats.afterSeal++;
    this.stats.frames++;
    this.guarded(symbol, tsRecvUs, frame.toString('utf8'));
  }

  snapshot(symbol: string, body: string, tsRecvUs: number): void {
    if (this.sealed) return void this.stats.afterSeal++;
    this.stats.snapshots++;
    this.guarded(symbol, tsRecvUs, body);
  }

  /** Ignores every tap from now on (counted in `afterSeal`). */
  seal(): void {
    this.sealed = true;
  }

  /** Sync-flushes every open file. */
  flush(): void {
    for (const f of this.files.values()) f.writer.flush();
  }

  /** Resolves when every open file can take more. */
  async drained(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    for (const f of this.files.values()) await f.writer.drained();
  }

  /** Seals, finishes every file and waits until each is on disk under its final name. */
  async close(): Promise<void> {
    this.seal();
    this.files.clear();
    await Promise.all(this.writers.map((w) => w.close()));
  }

  // The tap runs on the feed's path and must never throw into it (see `FeedRawTap`).
  private guarded(symbol: string, tsRecvUs: number, json: string): void {
    if (this.failure !== undefined) return void this.stats.lost++;
    try {
      this.line(symbol, tsRecvUs, json);
    } catch (error) {
      this.failure = error;
      this.stats.lost++;
    }
  }

  private line(symbol: string, tsRecvUs: number, json: string): void {
    if (json.includes('\n') || json.includes('\r')) {
      json = json.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ');
      this.stats.joined++;
    }
    const line = `${tsRecvUs}000 ${json}`;
    this.stats.bytes += Buffer.byteLength(line) + 1;
    this.fileFor(symbol, tsRecvUs).write(line);
  }

  private fileFor(symbol: string, tsRecvUs: number): SegmentWriter {
    const day = Math.floor(tsRecvUs / US_PER_DAY);
    const current = this.files.get(symbol);
    if (current !== undefined && current.day === day) return current.writer;
    // Finished in the background; a failure there surfaces from `close()`, which awaits it again.
    if (current !== undefined) current.writer.close().catch(() => undefined);
    const name = freeName(this.options.dir, `${symbol.toLowerCase()}_${yyyymmdd(day)}`, '.gz');
    const writer = createSegmentWriter({
      dir: this.options.dir,
      prefix: symbol.toLowerCase(),
      extension: 'gz',
      // One file a day: neither size nor age rotates it (the day does, above).
      maxBytes: Number.MAX_SAFE_INTEGER,
      maxAgeUs: Number.MAX_SAFE_INTEGER,
      fileName: () => name,
      ...(this.options.flushEveryUs === undefined ? {} : { flushEveryUs: this.options.flushEveryUs }),
      clock: this.options.clock,
    });
    this.writers.push(writer);
    this.files.set(symbol, { day, writer });
    return writer;
  }
}

/** `base` + `ext`, or `base_2` + `ext`, ... : the first name neither on disk nor being written (`.part`). */
function freeName(dir: string, base: string, ext: string): string {
  for (let n = 1; ; n++) {
    const name = `${base}${n === 1 ? '' : `_${n}`}${ext}`;
    if (!existsSync(join(dir, name)) && !existsSync(join(dir, `${name}.part`))) return name;
  }
}

/** The UTC date of day `day` since the epoch, as `yyyymmdd`. */
function yyyymmdd(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/** A raw capture writer over `options.dir` (created at the first line). */
export function createRawCaptureWriter(options: RawCaptureWriterOptions): RawCaptureWriter {
  return new RawCaptureWriter(options);
}
