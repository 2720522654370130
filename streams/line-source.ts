/**
 * A `RecordSource` over any text stream of lines and a format's `LineDecoder`: splits the text into
 * lines, decodes them, counts what happened, and hands out the records in chunks. The file sources
 * (`open-source.ts`) are this plus a file stream; tests and benchmarks feed it text from memory.
 */
import { isTickflowError, TickflowError } from '../src/runtime/errors.js';
import type { MarketRecord } from '../src/model/records.js';
import { DECODED, MALFORMED, SKIPPED, type DecodeOutcome, type LineDecoder } from './line-decoder.js';
import {
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_ISSUES,
  MutableSourceStats,
  countRecordType,
  sizeOption,
  type RecordSource,
  type SourceSizing,
  type SourceStats,
} from './record-source.js';

/** Malformed lines with no record yet after which a source gives up on the format (default). */
export const DEFAULT_MAX_LEADING_MALFORMED = 64;
/** Longest line kept, in bytes; a longer one is counted malformed and skipped. */
export const MAX_LINE_LENGTH = 16 * 1024 * 1024;

/** A piece of input: bytes from a file or socket, or text (encoded as UTF-8 on arrival). */
export type TextChunk = Buffer | Uint8Array | string;

function asBuffer(chunk: TextChunk): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** How to build a line source. */
export interface LineSourceOptions extends Omit<SourceSizing, 'readBufferSize'> {
  /** Label for stats and errors (the file path for files). */
  readonly name: string;
  /** Format name, for stats and errors. */
  readonly format: string;
  /** Opens the input, on the first `next()`: UTF-8 bytes (or strings) in chunks of any size, split anywhere. */
  readonly open: () => AsyncIterable<TextChunk>;
  readonly decoder: LineDecoder;
  /** Turns an error of the text stream into a `TickflowError` (default: `DATA_FILE_UNREADABLE`). */
  readonly describeError?: (error: unknown) => TickflowError;
  /**
   * When this many lines are malformed before any record, the input is not in the format: the
   * source fails with `DATA_UNKNOWN_FORMAT` instead of counting a whole file of errors (default 64;
   * 0 never gives up).
   */
  readonly maxLeadingMalformed?: number;
  /**
   * When the input ends, without an error, having given no record: `end` (the default) ends the
   * source; `fail` fails it (the file sources of `open-source.ts`), with `DATA_UNKNOWN_FORMAT` when
   * some line was malformed or of an unknown type (the input has lines, none in the format) and
   * `DATA_EMPTY` when every line was blank or carried nothing (a header alone). The message names
   * the input and counts its lines.
   */
  readonly onNoRecords?: 'end' | 'fail';
}

/** Creates a line source. Nothing is opened until the first `next()`. */
export function createLineSource(options: LineSourceOptions): RecordSource {
  return new LineSource(options);
}

/**
 * Ordering: records come out in line order (a decoder may hold some back, never reorder). Memory:
 * one text chunk of the input, the records decoded from it, and one partial line.
 */
class LineSource implements RecordSource {
  readonly name: string;
  private readonly counters: MutableSourceStats;
  private readonly decoder: LineDecoder;
  private readonly chunkSize: number;
  private readonly maxLeadingMalformed: number;
  private readonly failOnNoRecords: boolean;
  private readonly maxIssues: number;
  private readonly open: () => AsyncIterable<TextChunk>;
  private readonly describeError: (error: unknown) => TickflowError;
  private input: AsyncIterator<TextChunk> | null;
  /** The partial line at the end of the last chunk, in pieces. */
  private carry: Buffer[];
  private carryLength: number;
  private skippingLongLine: boolean;
  private pending: MarketRecord[];
  private head: number;
  private inputEnded: boolean;
  private failureDelivered: boolean;
  private closed: boolean;

  constructor(options: LineSourceOptions) {
    this.name = options.name;
    this.maxIssues = sizeOption(options.maxIssues, DEFAULT_MAX_ISSUES, 'maxIssues');
    this.counters = new MutableSourceStats(options.name, options.format, this.maxIssues);
    this.decoder = options.decoder;
    this.chunkSize = sizeOption(options.chunkSize, DEFAULT_CHUNK_SIZE, 'chunkSize');
    this.maxLeadingMalformed = options.maxLeadingMalformed ?? DEFAULT_MAX_LEADING_MALFORMED;
    this.failOnNoRecords = options.onNoRecords === 'fail';
    this.open = options.open;
    this.describeError = options.describeError ?? ((error) => defaultError(options.name, error));
    this.input = null;
    this.carry = [];
    this.carryLength = 0;
    this.skippingLongLine = false;
    this.pending = [];
    this.head = 0;
    this.inputEnded = false;
    this.failureDelivered = false;
    this.closed = false;
  }

  get stats(): SourceStats {
    return this.counters;
  }

  async next(): Promise<readonly MarketRecord[] | null> {
    while (!this.closed && !this.inputEnded && this.pending.length - this.head < this.chunkSize) await this.readMore();
    if (this.closed) return null;
    const available = this.pending.length - this.head;
    if (available > 0) return this.take(available < this.chunkSize ? available : this.chunkSize);
    this.counters.done = true;
    if (this.counters.failure !== null && !this.failureDelivered) {
      this.failureDelivered = true;
      throw this.counters.failure;
    }
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.counters.done = true;
    this.pending = [];
    this.head = 0;
    await this.release();
  }

  private take(n: number): MarketRecord[] {
    const chunk = this.pending.slice(this.head, this.head + n);
    this.head += n;
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head >= this.chunkSize) {
      // Drop the records handed out, so the queue holds at most one chunk plus one read's worth.
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
    return chunk;
  }

  private async readMore(): Promise<void> {
    let result: IteratorResult<TextChunk>;
    try {
      if (this.input === null) this.input = this.open()[Symbol.asyncIterator]();
      result = await this.input.next();
    } catch (error) {
      await this.endInput(isTickflowError(error) ? error : this.describeError(error));
      return;
    }
    if (result.done === true) await this.endInput(null);
    else this.consume(asBuffer(result.value));
  }

  /** Decodes every complete line of `chunk`, the first joined to the partial line before it. */
  private consume(chunk: Buffer): void {
    let start = 0;
    if (this.skippingLongLine || this.carryLength > 0) {
      const newline = chunk.indexOf(10);
      if (newline < 0) {
        if (!this.skippingLongLine) this.keep(chunk, 0);
        return;
      }
      if (this.skippingLongLine) {
        this.skippingLongLine = false;
      } else {
        this.carry.push(chunk.subarray(0, newline));
        const line = Buffer.concat(this.carry);
        this.carry = [];
        this.carryLength = 0;
        this.line(line, 0, line.length);
      }
      start = newline + 1;
    }
    while (!this.inputEnded) {
      const newline = chunk.indexOf(10, start);
      if (newline < 0) break;
      this.line(chunk, start, newline);
      start = newline + 1;
    }
    if (start < chunk.length && !this.inputEnded) this.keep(chunk, start);
  }

  /** Keeps the partial line at the end of a chunk, up to `MAX_LINE_LENGTH` bytes. */
  private keep(chunk: Buffer, start: number): void {
    this.carry.push(chunk.subarray(start));
    this.carryLength += chunk.length - start;
    if (this.carryLength > MAX_LINE_LENGTH) {
      // Count the overlong line once, then drop bytes up to its end.
      const head = this.carry[0]!;
      this.carry = [];
      this.carryLength = 0;
      this.skippingLongLine = true;
      this.counters.lines++;
      this.countMalformed(`line longer than ${MAX_LINE_LENGTH} bytes`, head, 0, head.length);
    }
  }

  private line(bytes: Buffer, start: number, end: number): void {
    const counters = this.counters;
    counters.lines++;
    if (end > start && bytes[end - 1] === 13) end--;
    if (end === start) {
      counters.skipped++;
      return;
    }
    const pending = this.pending;
    const before = pending.length;
    let outcome: DecodeOutcome;
    try {
      outcome = this.decoder.decode(bytes, start, end, pending);
    } catch (error) {
      pending.length = before;
      if (isTickflowError(error, 'DATA_UNKNOWN_FORMAT')) {
        this.fail(new TickflowError('DATA_UNKNOWN_FORMAT', `${this.name} line ${counters.lines}: ${error.message}`, { ...error.context, file: this.name, line: counters.lines }));
        return;
      }
      this.countMalformed(`decoder failed: ${error instanceof Error ? error.message : String(error)}`, bytes, start, end);
      return;
    }
    if (outcome === DECODED) this.countRecords(before);
    else if (outcome === SKIPPED) counters.skipped++;
    else if (outcome === MALFORMED) this.countMalformed(this.decoder.reason, bytes, start, end);
    else counters.addUnknown(this.decoder.reason, counters.lines);
  }

  private countRecords(from: number): void {
    const pending = this.pending;
    const byType = this.counters.byType;
    for (let i = from; i < pending.length; i++) {
      countRecordType(byType, pending[i]!);
    }
    this.counters.records += pending.length - from;
  }

  private countMalformed(reason: string, bytes: Buffer, start: number, end: number): void {
    const counters = this.counters;
    counters.malformed++;
    if (counters.issues.length < this.maxIssues) {
      const excerpt = bytes.toString('utf8', start, Math.min(end, start + 60));
      counters.addIssue('DATA_MALFORMED_LINE', counters.lines, `${reason} (line starts ${JSON.stringify(excerpt)})`);
    }
    if (counters.records === 0 && this.maxLeadingMalformed > 0 && counters.malformed >= this.maxLeadingMalformed) {
      this.fail(
        new TickflowError('DATA_UNKNOWN_FORMAT', `${this.name} is not in the ${counters.format} format: its first ${counters.malformed} lines are malformed (line ${counters.issues[0]?.line ?? counters.lines}: ${counters.issues[0]?.message ?? reason})`, {
          file: this.name,
          format: counters.format,
        }),
      );
    }
  }

  /** Ends the input early with an error (records already decoded are still delivered). */
  private fail(error: TickflowError): void {
    this.counters.fail(error);
    this.inputEnded = true;
    this.carry = [];
    this.carryLength = 0;
    void this.release();
  }

  private async endInput(error: TickflowError | null): Promise<void> {
    if (this.inputEnded) return;
    if (this.carryLength > 0) {
      const last = Buffer.concat(this.carry);
      this.carry = [];
      this.carryLength = 0;
      this.line(last, 0, last.length);
    }
    if (this.inputEnded) return; // the last line failed the source
    this.inputEnded = true;
    if (error === null) {
      const before = this.pending.length;
      try {
        this.decoder.finish(this.pending);
        this.countRecords(before);
      } catch (finishError) {
        this.pending.length = before;
        const e = isTickflowError(finishError) ? finishError : defaultError(this.name, finishError);
        error = new TickflowError(e.code, `${this.name}: ${e.message}`, { ...e.context, file: this.name });
      }
    }
    if (error === null && this.failOnNoRecords && this.counters.records === 0) error = noRecordsError(this.counters);
    if (error !== null) this.counters.fail(error);
    await this.release();
  }

  /** Closes the underlying stream; never throws. */
  private async release(): Promise<void> {
    const input = this.input;
    this.input = null;
    if (input?.return === undefined) return;
    try {
      await input.return();
    } catch {
      // Already failed or closed: nothing more to release.
    }
  }
}

/** Why an input that ended cleanly gave no record (see `LineSourceOptions.onNoRecords`). */
function noRecordsError(stats: SourceStats): TickflowError {
  const context = { file: stats.name, format: stats.format, lines: stats.lines, skipped: stats.skipped, malformed: stats.malformed, unknownTypes: stats.unknownTypes };
  const lines = `${stats.lines} ${stats.lines === 1 ? 'line' : 'lines'}`;
  if (stats.malformed === 0 && stats.unknownTypes === 0) {
    return new TickflowError('DATA_EMPTY', `${stats.name} holds no record: its ${lines} ${stats.lines === 1 ? 'is' : 'are'} blank, a header or carry nothing to replay (read as ${stats.format})`, context);
  }
  const unknown = Object.keys(stats.unknownByName);
  const first = stats.issues[0];
  const parts = [`${stats.malformed} malformed`, `${stats.unknownTypes} of unknown types${unknown.length === 0 ? '' : ` (${unknown.join(', ')})`}`, `${stats.skipped} skipped`];
  return new TickflowError(
    'DATA_UNKNOWN_FORMAT',
    `${stats.name} has no line in the ${stats.format} format: of its ${lines}, ${parts.join(', ')}${first === undefined ? '' : `; line ${first.line}: ${first.message}`}`,
    context,
  );
}

function defaultError(name: string, error: unknown): TickflowError {
  const message = error instanceof Error ? error.message : String(error);
  return new TickflowError('DATA_FILE_UNREADABLE', `cannot read ${name}: ${message}`, { file: name, reason: message }, { cause: error });
}
