/**
 * The inflate worker: reads a byte range of a file, inflates it (gzip, or the raw deflate of a zip
 * entry) and posts the text to the thread that started it, in batches, bounded by acknowledgements.
 * Started by `worker-inflate.ts`, which documents the protocol; this file mirrors its types.
 *
 * Plain CommonJS with Node built-ins only, on purpose: a worker thread is a fresh Node isolate that
 * vitest's TypeScript transform does not reach, and `tsc` copies no `.cjs` into `dist/`, so the
 * compiled code finds this file in the source tree (see `worker-inflate.ts`). CommonJS rather than
 * ESM because the ESM loader adds about 8 ms to each worker's start (measured: 41 ms against 33 ms
 * to a first message here), paid once per file.
 *
 * The pumping mirrors `InlineInflateStream` (`inline-inflate.ts`): the inflater's output is never
 * paused (a zlib stream that errors drops whatever output it still buffers, so output is taken as it
 * comes and nothing inflated is lost), and backpressure holds the input instead: the next compressed
 * piece is read only when the previous one is inflated and nothing is held back. So the worker keeps
 * at most one piece's expansion beyond the window.
 *
 * No copies: zlib inflates into a fresh `blockBytes` buffer at a time and hands out slices of it as
 * it fills (a block spans compressed pieces); once a block is full zlib moves to a new buffer, so the
 * whole block is posted with its ArrayBuffer transferred. The last, partial block goes when the input
 * ends. (A block small enough to come from Node's shared buffer pool is copied instead.)
 *
 * Messages out: `{ type: 'data', buffers, lengths }` (the ArrayBuffers transferred; chunk i is the
 * first `lengths[i]` bytes of `buffers[i]`), `{ type: 'stall', unacked }` when the window is full,
 * `{ type: 'end', error, transferred, copied }` last. Messages in: a number, the chunks the consumer
 * has taken since its last acknowledgement.
 */
'use strict';
const { createReadStream } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const { createGunzip, createInflateRaw } = require('node:zlib');

const { path, start, end, method, readBufferSize, blockBytes, batchChunks, windowChunks } = workerData;
const port = parentPort;

/** The block zlib is filling: its buffer and how many bytes of it are inflated. */
let block = null;
let blockEnd = 0;
/** Full batches waiting for room in the window; the batch being filled. */
const held = [];
let buffers = [];
let lengths = [];
let unacked = 0;
let stalled = false;
/** The last message, once the input has ended; posted when nothing is held before it. */
let terminal = null;
let transferred = 0;
let copied = 0;
let writing = false;
let finished = false;

const file = createReadStream(path, { highWaterMark: readBufferSize, start, end });
const inflater = method === 'gzip' ? createGunzip({ chunkSize: blockBytes }) : createInflateRaw({ chunkSize: blockBytes });

inflater.on('data', onSlice);
inflater.on('end', () => finish(null));
inflater.on('error', (error) => finish(error));
file.on('data', (piece) => {
  file.pause();
  writing = true;
  inflater.write(piece, written);
});
file.on('end', () => inflater.end());
file.on('error', (error) => finish(error));
port.on('message', onAck);

/** Collects zlib's slices into whole blocks (see the module comment). */
function onSlice(slice) {
  const buffer = slice.buffer;
  if (buffer.byteLength !== blockBytes) {
    // Not a block of its own (a pooled buffer): copy, never transfer memory others share.
    const copy = new ArrayBuffer(slice.byteLength);
    new Uint8Array(copy).set(slice);
    copied++;
    add(copy, slice.byteLength);
    return;
  }
  if (block !== null && block !== buffer) endBlock(); // zlib moved on (it does so only when full)
  block = buffer;
  blockEnd = slice.byteOffset + slice.byteLength;
  if (blockEnd === buffer.byteLength) endBlock();
}

function endBlock() {
  transferred++;
  add(block, blockEnd);
  block = null;
  blockEnd = 0;
}

function add(buffer, length) {
  buffers.push(buffer);
  lengths.push(length);
  if (buffers.length >= batchChunks) {
    held.push({ type: 'data', buffers, lengths });
    buffers = [];
    lengths = [];
    flush();
  }
}

function written() {
  writing = false;
  if (!finished && !holding()) file.resume();
}

function holding() {
  return held.length > 0 || unacked >= windowChunks;
}

/** Posts held batches while the window has room, then the last message once nothing precedes it. */
function flush() {
  while (held.length > 0 && unacked + held[0].buffers.length <= windowChunks) {
    const batch = held.shift();
    unacked += batch.buffers.length;
    port.postMessage(batch, batch.buffers);
  }
  if (holding()) {
    if (!stalled) port.postMessage({ type: 'stall', unacked });
    stalled = true;
  } else {
    stalled = false;
    if (!finished && !writing && file.isPaused()) file.resume();
  }
  if (terminal !== null && held.length === 0) {
    port.postMessage(terminal);
    terminal = null;
    // Nothing more to hear: without a listener the port no longer keeps this thread alive.
    port.off('message', onAck);
  }
}

function onAck(taken) {
  unacked -= taken;
  flush();
}

/** Ends the input once: what was inflated goes out first, then `end` with the error, if any. */
function finish(error) {
  if (finished) return;
  finished = true;
  file.destroy();
  if (error !== null) inflater.destroy();
  if (block !== null) endBlock();
  if (buffers.length > 0) held.push({ type: 'data', buffers, lengths });
  buffers = [];
  lengths = [];
  terminal = { type: 'end', error: error === null ? null : describe(error), transferred, copied };
  flush();
}

/** The fields of an fs or zlib error that `describeStreamError` reads, as a cloneable object. */
function describe(error) {
  const e = error !== null && typeof error === 'object' ? error : {};
  return { message: String(e.message ?? error), code: typeof e.code === 'string' ? e.code : undefined, errno: e.errno, syscall: e.syscall };
}
