/**
 * The pull-based source contract every reader (file formats, the k-way merge, later the WebSocket
 * source) implements, and the statistics each one keeps.
 *
 * A source is pulled, never pushed: nothing is read until `next()` is called, and each call reads
 * only as much input as it takes to fill one chunk, so memory is bounded by the chunk size plus the
 * read buffer. Records come out in the order of the input (for the merge: by `tsRecv`, see
 * `merge-sources.ts`).
 */
import { TickflowError, type TickflowErrorCode } from '../src/runtime/errors.js';
import type { MarketRecord, MarketRecordType } from '../src/model/records.js';

/**
 * A pull-based stream of normalized records, delivered in chunks.
 *
 * - `next()` resolves to the next chunk (1 to `chunkSize` records, never empty) or `null` at the end.
 *   Calls must not overlap: await one before the next.
 * - Bad lines never reject: they are skipped and counted in `stats` (with file and line number for
 *   the first few). A failure of the file itself (unreadable, truncated or corrupted gzip, not the
 *   declared format) is delivered after every record decoded before it: `next()` rejects once with a
 *   `TickflowError` naming the file, and resolves `null` after that. The same error is kept in
 *   `stats.failure`, so a driver that prefers to continue can catch the rejection and read it there.
 * - `close()` releases the file early; afterwards `next()` resolves `null`. It is idempotent and
 *   safe to call after the end.
 */
export interface RecordSource {
  /** A label for reports and errors: the file path for file sources. */
  readonly name: string;
  next(): Promise<readonly MarketRecord[] | null>;
  close(): Promise<void>;
  /** Live counters; read them at any time (cheap: no work is done unless read). */
  readonly stats: SourceStats;
}

/** One reported problem with a line or a file: where, and what was wrong. */
export interface SourceIssue {
  readonly code: TickflowErrorCode;
  /** Source name (the file path for file sources). */
  readonly file: string;
  /** 1-based line number in the decompressed text, or 0 for an issue with the file as a whole. */
  readonly line: number;
  readonly message: string;
}

/** Counts of records produced, by record type. */
export type RecordTypeCounts = Record<MarketRecordType, number>;

/**
 * What a source has read so far. `lines` counts every input line (blank ones included);
 * `records` what was produced; `skipped` lines that are valid but carry no record (headers, the
 * capture's subscribe line, klines not yet closed, blank lines); `malformed` lines that could not be
 * decoded; `unknownTypes` well-formed messages of a kind no decoder handles (by name in
 * `unknownByName`, at most `MAX_UNKNOWN_NAMES` names). `issues` keeps the first `maxIssues` problems;
 * `failure` is the error that ended the source early, if any.
 */
export interface SourceStats {
  readonly name: string;
  readonly format: string;
  readonly lines: number;
  readonly records: number;
  readonly byType: Readonly<RecordTypeCounts>;
  readonly skipped: number;
  readonly malformed: number;
  readonly unknownTypes: number;
  readonly unknownByName: Readonly<Record<string, number>>;
  readonly issues: readonly SourceIssue[];
  readonly failure: TickflowError | null;
  /** True once the source has delivered its end (or failure) or was closed. */
  readonly done: boolean;
}

/** Records per chunk unless told otherwise. */
export const DEFAULT_CHUNK_SIZE = 1024;
/** Bytes per file read unless told otherwise (a compressed file inflates in blocks of four reads, `blockBytesFor`). */
export const DEFAULT_READ_BUFFER_SIZE = 64 * 1024;
/** Issues kept per source unless told otherwise; the counters go on past it. */
export const DEFAULT_MAX_ISSUES = 20;
/** Distinct unknown message names tracked per source; further names count under `(other)`. */
export const MAX_UNKNOWN_NAMES = 32;

/** Sizing options shared by every source. */
export interface SourceSizing {
  /** Records per chunk returned by `next()` (default 1024). Does not change the record sequence. */
  readonly chunkSize?: number;
  /** Bytes read from the file at a time (default 64 KiB). */
  readonly readBufferSize?: number;
  /** How many issues `stats.issues` keeps (default 20). */
  readonly maxIssues?: number;
}

/** A fresh zeroed count per record type, keys always in the same order. */
export function emptyTypeCounts(): RecordTypeCounts {
  return { trade: 0, book_ticker: 0, book_change: 0, depth_snapshot: 0, trade_bar: 0 };
}

/**
 * Counts `record` under its type. A switch on the tag, not `counts[record.type]++`: a store by a
 * computed key goes through V8's megamorphic keyed-access stubs (about 2% of a decode-only replay in
 * a profile). Shared by the line source, the time window and the replay driver.
 */
export function countRecordType(counts: RecordTypeCounts, record: MarketRecord): void {
  switch (record.type) {
    case 'trade':
      counts.trade++;
      break;
    case 'book_ticker':
      counts.book_ticker++;
      break;
    case 'book_change':
      counts.book_change++;
      break;
    case 'depth_snapshot':
      counts.depth_snapshot++;
      break;
    case 'trade_bar':
      counts.trade_bar++;
      break;
  }
}

/**
 * The mutable counters behind a `SourceStats`. Sources own one and expose it read-only; every
 * field is initialised here, in one order, so all instances share a hidden class.
 */
export class MutableSourceStats implements SourceStats {
  readonly name: string;
  format: string;
  lines: number;
  records: number;
  readonly byType: RecordTypeCounts;
  skipped: number;
  malformed: number;
  unknownTypes: number;
  readonly unknownByName: Record<string, number>;
  readonly issues: SourceIssue[];
  failure: TickflowError | null;
  done: boolean;
  // ES private fields: kept out of JSON.stringify(stats) and of the public shape.
  readonly #maxIssues: number;
  #unknownNames: number;
  readonly #onIssue: ((issue: SourceIssue) => void) | null;

  /** `onIssue` is told every issue as it happens, kept or not (live sources report through it). */
  constructor(name: string, format: string, maxIssues: number = DEFAULT_MAX_ISSUES, onIssue: ((issue: SourceIssue) => void) | null = null) {
    this.name = name;
    this.format = format;
    this.lines = 0;
    this.records = 0;
    this.byType = emptyTypeCounts();
    this.skipped = 0;
    this.malformed = 0;
    this.unknownTypes = 0;
    this.unknownByName = Object.create(null) as Record<string, number>;
    this.issues = [];
    this.failure = null;
    this.done = false;
    this.#maxIssues = maxIssues;
    this.#unknownNames = 0;
    this.#onIssue = onIssue;
  }

  /**
   * Keeps an issue if there is room and passes every one, kept or not, to the `onIssue` listener;
   * counters are the caller's business.
   */
  addIssue(code: TickflowErrorCode, line: number, message: string): void {
    if (this.issues.length < this.#maxIssues) this.issues.push({ code, file: this.name, line, message });
    if (this.#onIssue !== null) this.pass({ code, file: this.name, line, message });
  }

  /**
   * Passes an issue to the listener without keeping it (one a source keeps in its own stats). A
   * listener that throws is not the source's failure: the throw is ignored.
   */
  pass(issue: SourceIssue): void {
    if (this.#onIssue === null) return;
    try {
      this.#onIssue(issue);
    } catch {
      // A listener's bug must not end the source.
    }
  }

  /** Counts one well-formed message of a kind no decoder handles. */
  addUnknown(typeName: string, line: number): void {
    this.unknownTypes++;
    let key = typeName;
    if (this.unknownByName[key] === undefined) {
      if (this.#unknownNames >= MAX_UNKNOWN_NAMES) key = '(other)';
      else this.#unknownNames++;
    }
    this.unknownByName[key] = (this.unknownByName[key] ?? 0) + 1;
    if (this.unknownByName[key] === 1) this.addIssue('DATA_UNKNOWN_TYPE', line, `unknown message type "${typeName}"`);
  }

  /** Records the error that ends the source and keeps it as an issue. */
  fail(error: TickflowError): void {
    if (this.failure !== null) return;
    this.failure = error;
    this.addIssue(error.code, typeof error.context.line === 'number' ? error.context.line : 0, error.message);
  }
}

/** Normalizes a sizing option: a positive integer or the default. */
export function sizeOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new TickflowError('CONFIG_INVALID', `${name} must be a positive integer, got ${value}`, { option: name, value });
  }
  return value;
}
