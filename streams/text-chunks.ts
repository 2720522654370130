/**
 * A probed file's text as chunks for a line source, choosing where a compressed file is inflated:
 * on this thread (`inline-inflate.ts`) or in a worker thread (`worker-inflate.ts`). Which one is a
 * policy value (`InflateMode`); both give the same bytes in the same order and the same errors, so
 * the records are identical either way.
 */
import { inflateInput, openInlineInflate } from './inline-inflate.js';
import { openTextStream, type FileProbe } from './text-stream.js';
import { openWorkerInflate } from './worker-inflate.js';

/**
 * Where compressed input is inflated: `inline` (this thread drives zlib, which runs on libuv's pool),
 * `worker` (a worker thread per file reads and inflates it and posts the text), or `auto`, the
 * default, which is `inline`.
 *
 * Why `auto` never picks the worker: zlib already inflates off the main thread, on libuv's pool,
 * overlapping with decoding; what gunzip costs the main thread is the bookkeeping per inflated
 * block, which 256 KiB blocks make small (`blockBytesFor`). A worker spends about as much main-thread
 * time receiving the same blocks as messages, and each file pays for starting a thread (33 to 40 ms
 * here, as much as inflating a whole day of the spot capture). Measured on two cores with
 * `bench/gunzip.bench.ts`, the worker was slower by wall clock on every file tried, from the 1.3 MB
 * captures to a 15 MB one. Benchmark again before making it a default (more cores, or decoding
 * moved into the worker, could change the answer). Plain files and stored zip entries are read on
 * this thread whatever the mode: there is nothing to inflate.
 */
export type InflateMode = 'worker' | 'inline' | 'auto';

/**
 * Opens the text of `probe` (see `openTextStream`), inflating per `mode`. Errors are the fs or zlib
 * error (for `describeStreamError`); `worker` throws `IO_UNAVAILABLE` when the worker script is missing.
 */
export function openTextChunks(probe: FileProbe, readBufferSize: number, mode: InflateMode = 'auto'): AsyncIterable<Buffer> {
  const input = inflateInput(probe, readBufferSize);
  if (input === null) return openTextStream(probe, readBufferSize);
  return chooseInflate(mode) === 'worker' ? openWorkerInflate(input) : openInlineInflate(input);
}

/** Resolves `auto` (see `InflateMode`). */
export function chooseInflate(mode: InflateMode): 'worker' | 'inline' {
  return mode === 'auto' ? 'inline' : mode;
}
