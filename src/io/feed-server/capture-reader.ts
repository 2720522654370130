/**
 * Reads a raw Binance capture (the `shared/data/binance-*` layout: `<receive ns> <JSON>` a line,
 * plain or gzip) as `FeedEvent`s, pulled in batches: memory is one read buffer, one partial line
 * and one batch, whatever the file's size. Reuses the engine's file opening (`text-stream.ts`) and
 * Binance parser. A line that is not `<digits> <well-formed message>` is skipped and counted.
 */
import type { Readable } from 'node:stream';
import type { DepthSnapshot } from '../../model/records.js';
import { TickflowError } from '../../runtime/errors.js';
import { nanosToMicrosBytes } from '../../../streams/text/ascii-bytes.js';
import { describeStreamError, openTextStream, probeFile, type FileProbe } from '../../../streams/text-stream.js';
import { isBinanceCaptureLine } from '../../../streams/venues/binance/binance-capture.js';
import type { FeedEvent, FeedMarket } from './feed-event.js';
import { FeedMessageDecoder } from './feed-message-decoder.js';
import { decimalsOf, type SymbolDecimals } from './market-state.js';

// Bytes read (and decompressed) at a time: one batch of events is what one such block holds.
const READ_BUFFER = 64 * 1024;

/** A pull-based source of events. `next()` calls must not overlap. */
export interface FeedEventSource {
  /** The next batch of events in replay order (never empty), or null at the end. Rejects on a read error. */
  next(): Promise<FeedEvent[] | null>;
  /** Releases the input; `next()` then resolves null. Idempotent. */
  close(): void;
}

/** A pull-based reader of one capture. */
export interface CaptureReader extends FeedEventSource {
  readonly path: string;
  /** Lines read so far, and those skipped as malformed. */
  readonly lines: number;
  readonly malformed: number;
}

/** What the start of a capture says: its market, its symbols, and its first depth snapshot per symbol. */
export interface CaptureSummary {
  readonly path: string;
  readonly market: FeedMarket | null;
  readonly symbols: readonly string[];
  readonly snapshots: readonly DepthSnapshot[];
  /** Decimals of prices and amounts per symbol, from its first `bookTicker`. */
  readonly decimals: ReadonlyMap<string, SymbolDecimals>;
}

/**
 * Opens a capture. Rejects with `DATA_FILE_UNREADABLE` (missing or unreadable) or
 * `DATA_UNKNOWN_FORMAT` (its first line is not `<receive ns> {...}`), naming the file.
 */
export async function openCapture(path: string): Promise<CaptureReader> {
  const probe = await probeFile(path);
  const first = probe.head.split('\n', 1)[0] ?? '';
  if (!isBinanceCaptureLine(first)) {
    throw new TickflowError('DATA_UNKNOWN_FORMAT', `${path} is not a raw Binance capture (lines "<receive ns> <json>"); its first line is ${JSON.stringify(first.slice(0, 120))}`, { file: path, firstLine: first.slice(0, 120) });
  }
  return new FileCaptureReader(probe);
}

/**
 * Reads the start of a capture, up to `maxLines` lines, for its market, symbols and first depth
 * snapshot per symbol (the server's books start from them: see `market-state.ts`).
 */
export async function summarizeCapture(path: string, maxLines = 5000): Promise<CaptureSummary> {
  const reader = await openCapture(path);
  const symbols = new Set<string>();
  const snapshots = new Map<string, DepthSnapshot>();
  const decimals = new Map<string, SymbolDecimals>();
  let market: FeedMarket | null = null;
  try {
    for (let batch = await reader.next(); batch !== null && reader.lines <= maxLines; batch = await reader.next()) {
      for (const event of batch) {
        const record = event.record;
        if (record === null) continue;
        symbols.add(record.symbol);
        if (market === null && record.type !== 'trade_bar' && record.type !== 'depth_snapshot') market = record.exchange === 'binance-futures' ? 'usdm' : 'spot';
        if (record.type === 'depth_snapshot' && !snapshots.has(record.symbol)) snapshots.set(record.symbol, record);
        if (record.type === 'book_ticker' && !decimals.has(record.symbol)) {
          const found = decimalsOf(event.data);
          if (found !== null) decimals.set(record.symbol, found);
        }
      }
    }
  } finally {
    reader.close();
  }
  return { path, market, symbols: [...symbols], snapshots: [...snapshots.values()], decimals };
}

class FileCaptureReader implements CaptureReader {
  readonly path: string;
  lines: number;
  private readonly probe: FileProbe;
  private readonly decoder: FeedMessageDecoder;
  private stream: Readable | null;
  private input: AsyncIterator<Buffer> | null;
  private carry: Buffer | null;
  private ended: boolean;

  constructor(probe: FileProbe) {
    this.path = probe.path;
    this.lines = 0;
    this.probe = probe;
    this.decoder = new FeedMessageDecoder();
    this.stream = null;
    this.input = null;
    this.carry = null;
    this.ended = false;
  }

  get malformed(): number {
    return this.decoder.malformed;
  }

  async next(): Promise<FeedEvent[] | null> {
    const out: FeedEvent[] = [];
    while (out.length === 0 && !this.ended) {
      if (this.input === null) {
        this.stream = openTextStream(this.probe, READ_BUFFER);
        this.input = (this.stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
      }
      let chunk: IteratorResult<Buffer>;
      try {
        chunk = await this.input.next();
      } catch (error) {
        this.close();
        throw describeStreamError(this.path, error);
      }
      if (chunk.done === true) {
        this.ended = true;
        if (this.carry !== null && this.carry.length > 0) this.line(this.carry, 0, this.carry.length, out);
        this.carry = null;
        break;
      }
      this.split(chunk.value, out);
    }
    return out.length > 0 ? out : null;
  }

  close(): void {
    this.ended = true;
    this.stream?.destroy();
    this.stream = null;
  }

  /** Splits a chunk into lines; the unfinished last line waits for the next chunk. */
  private split(chunk: Buffer, out: FeedEvent[]): void {
    let bytes = chunk;
    if (this.carry !== null) {
      bytes = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    let start = 0;
    for (let nl = bytes.indexOf(10, start); nl >= 0; nl = bytes.indexOf(10, start)) {
      this.line(bytes, start, nl, out);
      start = nl + 1;
    }
    if (start < bytes.length) this.carry = bytes.subarray(start);
  }

  private line(bytes: Buffer, start: number, end: number, out: FeedEvent[]): void {
    this.lines++;
    if (end > start && bytes[end - 1] === 13) end--; // \r\n
    if (end === start) return;
    let space = start;
    while (space < end && bytes[space] !== 32) space++;
    const tsRecv = space > start && space < end ? nanosToMicrosBytes(bytes, start, space) : -1;
    if (tsRecv < 0) {
      this.decoder.malformed++;
      return;
    }
    const event = this.decoder.decode(bytes, space + 1, end, tsRecv);
    if (event !== null) out.push(event);
  }
}
