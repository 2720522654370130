/**
 * Gunzip off the main thread: a worker thread (`inflate-worker.cjs`) reads and inflates a file and
 * posts its text here in batches of transferred ArrayBuffers (moved, not copied); this side hands
 * the chunks out one at a time, as the same `AsyncIterable` of text chunks the inline path gives,
 * so line splitting and decoding downstream are unchanged and the records identical. Opt-in
 * (`inflate: 'worker'`): `InflateMode` (`text-chunks.ts`) says why `auto` does not choose it.
 *
 * Backpressure is a window of chunks: the worker posts only while fewer than `windowChunks` chunks
 * are unacknowledged, and this side acknowledges chunks as the consumer takes them. A consumer that
 * stops pulling therefore holds at most `windowChunks` chunks here, and the worker at most one
 * compressed piece's expansion more, however slow it is.
 *
 * Lifecycle: the worker starts on construction and is unreferenced except while a `next()` waits on
 * it, so an abandoned stream never keeps the process alive. `return()` (the consumer stopping early)
 * terminates it; the end of the text, or an error, terminates it too before being reported, so no
 * worker outlives its stream. Errors (fs, zlib) arrive as plain errors with the original `code` and
 * `message`, which `describeStreamError` turns into the same `TickflowError` as inline.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TickflowError } from '../src/runtime/errors.js';
import type { InflateInput } from './inline-inflate.js';

/** How the worker batches and bounds what it posts. */
export interface WorkerInflateOptions {
  /** Chunks per posted message (default `DEFAULT_BATCH_CHUNKS`). */
  readonly batchChunks?: number;
  /** Chunks posted and not yet taken by the consumer at most (default `DEFAULT_WINDOW_CHUNKS`; at least `batchChunks`). */
  readonly windowChunks?: number;
}

/** What the worker did, readable at any time (tests and benchmarks). */
export interface WorkerInflateStats {
  /** Chunks received from the worker / handed to the consumer. */
  readonly received: number;
  readonly taken: number;
  /** The most chunks ever received and not yet taken (never above the window). */
  readonly maxOutstanding: number;
  /** Times the worker reported its window full and its input held. */
  readonly stalls: number;
  /** Chunks whose buffer was transferred as zlib filled it / copied first (only blocks too small to own a buffer). */
  readonly transferred: number;
  readonly copied: number;
  /** True once the worker thread has exited. */
  readonly exited: boolean;
}

/** Chunks per message unless told otherwise. */
export const DEFAULT_BATCH_CHUNKS = 2;
/** Unacknowledged chunks at most unless told otherwise (2 MiB of text at the default 256 KiB blocks). */
export const DEFAULT_WINDOW_CHUNKS = 8;

/** Where the worker script may be: beside this module (sources), or back in the source tree (`dist/streams/`). */
const WORKER_SCRIPTS: readonly URL[] = [new URL('./inflate-worker.cjs', import.meta.url), new URL('../../streams/inflate-worker.cjs', import.meta.url)];
let workerScript: URL | null | undefined;

/**
 * The worker script: beside this module when running from the sources (vitest), and back in the
 * source tree when running the compiled module from `dist/streams/` (`tsc` copies no `.cjs`), as the
 * dashboard finds its page. `null` when neither exists (a copy of `dist` without the sources).
 * Looked up once.
 */
export function inflateWorkerScript(): URL | null {
  workerScript ??= WORKER_SCRIPTS.find((url) => existsSync(fileURLToPath(url))) ?? null;
  return workerScript;
}

type WorkerMessage =
  | { readonly type: 'data'; readonly buffers: ArrayBuffer[]; readonly lengths: number[] }
  | { readonly type: 'stall'; readonly unacked: number }
  | { readonly type: 'end'; readonly error: WorkerError | null; readonly transferred: number; readonly copied: number };

interface WorkerError {
  readonly message: string;
  readonly code: string | undefined;
  readonly errno: number | undefined;
  readonly syscall: string | undefined;
}

/**
 * Opens `input` in a worker thread. Throws `IO_UNAVAILABLE` when the worker script cannot be found.
 * Ordering: chunks come out in file order, then the end or the error (after every chunk inflated
 * before it).
 */
export function openWorkerInflate(input: InflateInput, options: WorkerInflateOptions = {}): WorkerInflateStream {
  const script = inflateWorkerScript();
  if (script === null) {
    const tried = WORKER_SCRIPTS.map((url) => fileURLToPath(url));
    throw new TickflowError('IO_UNAVAILABLE', `the inflate worker script was not found (looked for ${tried.join(', ')})`, { tried });
  }
  return new WorkerInflateStream(script, input, options);
}

/** The consumer's side of one inflate worker. See the module comment. */
export class WorkerInflateStream implements AsyncIterableIterator<Buffer> {
  private readonly worker: Worker;
  private readonly batchChunks: number;
  private readonly queue: Buffer[];
  private readonly counters: { -readonly [K in keyof WorkerInflateStats]: WorkerInflateStats[K] };
  /** Taken since the last acknowledgement. */
  private unacked: number;
  /** The worker's last word: `null` until it ends, errors or exits. */
  private ending: { error: Error | null } | null;
  private wake: (() => void) | null;
  private stopped: Promise<void> | null;

  constructor(script: URL, input: InflateInput, options: WorkerInflateOptions) {
    this.batchChunks = Math.max(1, options.batchChunks ?? DEFAULT_BATCH_CHUNKS);
    const windowChunks = Math.max(this.batchChunks, options.windowChunks ?? DEFAULT_WINDOW_CHUNKS);
    this.queue = [];
    this.counters = { received: 0, taken: 0, maxOutstanding: 0, stalls: 0, transferred: 0, copied: 0, exited: false };
    this.unacked = 0;
    this.ending = null;
    this.wake = null;
    this.stopped = null;
    this.worker = new Worker(script, { workerData: { ...input, batchChunks: this.batchChunks, windowChunks } });
    this.worker.unref();
    this.worker.on('message', (message: WorkerMessage) => this.receive(message));
    this.worker.on('error', (error) => this.end(new Error(`inflate worker failed: ${error.message}`, { cause: error })));
    this.worker.on('exit', (code) => {
      this.counters.exited = true;
      this.end(new Error(`inflate worker exited (code ${code}) before the end of the text`));
    });
  }

  get stats(): WorkerInflateStats {
    return this.counters;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Buffer>> {
    for (;;) {
      const chunk = this.queue.shift();
      if (chunk !== undefined) return { done: false, value: this.take(chunk) };
      const ending = this.ending;
      if (ending !== null) {
        await this.stop();
        if (ending.error === null) return { done: true, value: undefined };
        const error = ending.error;
        ending.error = null; // delivered once; `done` afterwards
        throw error;
      }
      // Referenced only while someone waits for it, so an abandoned stream cannot hold the process.
      this.worker.ref();
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.worker.unref();
    }
  }

  /** Stops early: terminates the worker and drops what it sent. */
  async return(): Promise<IteratorResult<Buffer>> {
    this.queue.length = 0;
    this.ending ??= { error: null };
    await this.stop();
    return { done: true, value: undefined };
  }

  private take(chunk: Buffer): Buffer {
    const counters = this.counters;
    counters.taken++;
    // Acknowledge per batch, or at once when nothing is left here, so the worker never waits on us.
    if (++this.unacked >= this.batchChunks || this.queue.length === 0) {
      if (this.ending === null) this.worker.postMessage(this.unacked);
      this.unacked = 0;
    }
    return chunk;
  }

  private receive(message: WorkerMessage): void {
    // Once stopping, what the worker sent before it was terminated is dropped: messages already in
    // the port still arrive while `terminate` settles, and a `next()` after `return()` said done.
    if (this.stopped !== null) return;
    const counters = this.counters;
    if (message.type === 'data') {
      const { buffers, lengths } = message;
      for (let i = 0; i < buffers.length; i++) this.queue.push(Buffer.from(buffers[i]!, 0, lengths[i]));
      counters.received += buffers.length;
      const outstanding = counters.received - counters.taken;
      if (outstanding > counters.maxOutstanding) counters.maxOutstanding = outstanding;
    } else if (message.type === 'stall') {
      counters.stalls++;
    } else {
      counters.transferred = message.transferred;
      counters.copied = message.copied;
      this.end(message.error === null ? null : Object.assign(new Error(message.error.message), message.error));
    }
    this.notify();
  }

  /** Records the end (the first one reported wins: an `exit` after `end` changes nothing). */
  private end(error: Error | null): void {
    this.ending ??= { error };
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private stop(): Promise<void> {
    this.stopped ??= this.worker.terminate().then(() => {
      this.counters.exited = true;
    });
    return this.stopped;
  }
}
