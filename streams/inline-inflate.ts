/**
 * Inflating a compressed file on this thread (zlib itself runs on libuv's pool), as an
 * `AsyncIterable` of text chunks pulled by the consumer. The worker path (`worker-inflate.ts`,
 * `inflate-worker.cjs`) pumps the same way, in another thread.
 *
 * Why not iterate the zlib stream itself: a zlib stream that meets corrupt or cut data destroys
 * itself, and the output it still buffers (up to its high-water mark, how much depends on how far
 * the consumer lags) is dropped, so a truncated file would give a timing-dependent number of records.
 * Here the inflater's output is never paused: each chunk is taken as zlib produces it, and
 * backpressure holds the input instead (the next compressed piece is read only when the previous one
 * is inflated and the queue is short). Every byte inflated before an error reaches the consumer,
 * then the error. Memory: `maxQueued` chunks plus one compressed piece's expansion.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import type { Transform } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import type { FileProbe } from './text-stream.js';

/** A compressed byte range of a file, as the inline and worker inflaters read it. */
export interface InflateInput {
  readonly path: string;
  /** First byte of the compressed data. */
  readonly start: number;
  /** Last byte (inclusive), or `Infinity` for the end of the file. */
  readonly end: number;
  /** `gzip` (members, concatenated or not) or `deflate-raw` (a zip entry). */
  readonly method: 'gzip' | 'deflate-raw';
  /** Compressed bytes read at a time. */
  readonly readBufferSize: number;
  /** Bytes per inflated chunk (zlib's output block). */
  readonly blockBytes: number;
}

/** Chunks queued ahead of the consumer before the input is held, unless told otherwise. */
export const DEFAULT_MAX_QUEUED = 4;

/**
 * Inflated bytes per block for a read size: four reads' worth (256 KiB by default). zlib inflates
 * each block on libuv's pool while this thread decodes the previous one, but every block costs this
 * thread a turn of the event loop and the stream's bookkeeping, so fewer, larger blocks leave it
 * more time to decode (`bench/gunzip.bench.ts` compares against 64 KiB blocks).
 */
export function blockBytesFor(readBufferSize: number): number {
  return 4 * readBufferSize;
}

/** The compressed range of a probed file, or `null` when it is not compressed (or a stored zip entry). */
export function inflateInput(probe: FileProbe, readBufferSize: number, blockBytes = blockBytesFor(readBufferSize)): InflateInput | null {
  const entry = probe.zipEntry;
  if (probe.compression === 'gzip') return { path: probe.path, start: 0, end: Infinity, method: 'gzip', readBufferSize, blockBytes };
  if (entry === null || entry.method !== 8) return null;
  const end = entry.compressedSize < 0 ? Infinity : entry.dataStart + entry.compressedSize - 1;
  return { path: probe.path, start: entry.dataStart, end, method: 'deflate-raw', readBufferSize, blockBytes };
}

/** Inflates `input` on this thread; see the module comment. */
export function openInlineInflate(input: InflateInput, maxQueued = DEFAULT_MAX_QUEUED): InlineInflateStream {
  return new InlineInflateStream(input, maxQueued);
}

/** The pump and its queue. Ordering: chunks in file order, then the end or the error. */
export class InlineInflateStream implements AsyncIterableIterator<Buffer> {
  private readonly file: ReadStream;
  private readonly inflater: Transform;
  private readonly maxQueued: number;
  private readonly queue: Buffer[];
  /** A piece is being inflated (the file is paused meanwhile). */
  private writing: boolean;
  private finished: boolean;
  private error: Error | null;
  private wake: (() => void) | null;

  constructor(input: InflateInput, maxQueued: number) {
    this.maxQueued = Math.max(1, maxQueued);
    this.queue = [];
    this.writing = false;
    this.finished = false;
    this.error = null;
    this.wake = null;
    this.file = createReadStream(input.path, { highWaterMark: input.readBufferSize, start: input.start, end: input.end });
    const zlibOptions = { chunkSize: input.blockBytes };
    this.inflater = input.method === 'gzip' ? createGunzip(zlibOptions) : createInflateRaw(zlibOptions);
    this.inflater.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      this.notify();
    });
    this.inflater.on('end', () => this.finish(null));
    this.inflater.on('error', (error) => this.finish(error));
    this.file.on('data', (piece) => {
      this.file.pause();
      this.writing = true;
      this.inflater.write(piece, () => {
        this.writing = false;
        this.pull();
      });
    });
    this.file.on('end', () => this.inflater.end());
    this.file.on('error', (error) => this.finish(error));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Compressed bytes read from the file so far (a replay's progress, `read-meter.ts`). */
  get bytesRead(): number {
    return this.file.bytesRead;
  }

  async next(): Promise<IteratorResult<Buffer>> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) {
        this.pull();
        return { done: false, value: chunk };
      }
      if (this.finished) {
        const error = this.error;
        if (error === null) return { done: true, value: undefined };
        this.error = null; // delivered once; `done` afterwards
        throw error;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Stops early: closes the file and the inflater, drops what is queued. */
  async return(): Promise<IteratorResult<Buffer>> {
    this.queue.length = 0;
    this.finish(null);
    return { done: true, value: undefined };
  }

  /** Reads the next piece when the last one is inflated and the queue is short. */
  private pull(): void {
    if (!this.finished && !this.writing && this.queue.length < this.maxQueued && this.file.isPaused()) this.file.resume();
  }

  /** Ends once: the first end or error wins; what was queued before it is still handed out. */
  private finish(error: Error | null): void {
    if (this.finished) return;
    this.finished = true;
    this.error = error;
    this.file.destroy();
    if (error !== null || !this.inflater.readableEnded) this.inflater.destroy();
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
