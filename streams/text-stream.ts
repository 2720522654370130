/**
 * Files as streams of text bytes: plain, gzip (by its magic bytes, whatever the extension; several
 * concatenated members are read as one), or the first entry of a zip archive. Also the probe that
 * reads a file's first bytes to learn its compression and first lines, for format detection.
 *
 * Streams are Node streams with a bounded buffer (`readBufferSize` bytes read at a time, the same
 * for decompressed blocks), read only when pulled. A file error or corrupt compressed data errors the
 * stream; what zlib had inflated but the reader not yet read when it failed is lost (a zlib stream
 * destroys itself and its buffer on error), so record sources read compressed files through
 * `openTextChunks` (`text-chunks.ts`), which loses nothing.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createGunzip, createInflateRaw, type ZlibOptions } from 'node:zlib';
import { TickflowError } from '../src/runtime/errors.js';

/** How a file is compressed. */
export type Compression = 'none' | 'gzip' | 'zip';

/** Where the first entry of a zip archive lies. */
export interface ZipEntry {
  readonly name: string;
  /** Byte offset of the entry's data. */
  readonly dataStart: number;
  /** Compressed size in bytes, or -1 when the local header does not say (read to the end). */
  readonly compressedSize: number;
  /** 0 stored, 8 deflated. */
  readonly method: number;
}

/** What the first bytes of a file say. */
export interface FileProbe {
  readonly path: string;
  readonly size: number;
  readonly compression: Compression;
  readonly zipEntry: ZipEntry | null;
  /** The start of the decompressed text (up to `PROBE_BYTES` read from disk), possibly cut mid-line. */
  readonly head: string;
  /** The decompression error met in those first bytes, if any (the read will meet it too). */
  readonly headError: Error | null;
}

/** Bytes read from disk to probe a file. */
export const PROBE_BYTES = 64 * 1024;

/**
 * Reads the first bytes of `path`. Rejects with `DATA_FILE_UNREADABLE` (context `file`, `reason`)
 * when the file is missing, a directory or not readable, and with `DATA_UNKNOWN_FORMAT` for a zip
 * archive whose first entry is neither stored nor deflated.
 */
export async function probeFile(path: string): Promise<FileProbe> {
  let bytes: Buffer;
  let size: number;
  try {
    const handle = await open(path, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
      size = stat.size;
      const buffer = Buffer.alloc(Math.min(PROBE_BYTES, size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      bytes = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw unreadable(path, error);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return { path, size, compression: 'gzip', zipEntry: null, ...(await inflateHead(createGunzip(), bytes, bytes.length < size)) };
  }
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) {
    const entry = readZipEntry(path, bytes);
    const data = bytes.subarray(Math.min(entry.dataStart, bytes.length));
    const head = entry.method === 0 ? { head: data.toString('utf8'), headError: null } : await inflateHead(createInflateRaw(), data, true);
    return { path, size, compression: 'zip', zipEntry: entry, ...head };
  }
  return { path, size, compression: 'none', zipEntry: null, head: bytes.toString('utf8'), headError: null };
}

/**
 * Decompresses the start of a file: what decodes before an error, and the error unless it is only
 * the end of the bytes read (`cut`: the probe read a prefix, so the stream is expected to stop short).
 */
function inflateHead(inflater: Transform, bytes: Buffer, cut: boolean): Promise<{ head: string; headError: Error | null }> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let length = 0;
    const done = (headError: Error | null): void => {
      inflater.removeAllListeners();
      inflater.on('error', ignore);
      inflater.destroy();
      resolve({ head: Buffer.concat(parts).toString('utf8'), headError });
    };
    inflater.on('data', (part: Buffer) => {
      parts.push(part);
      length += part.length;
      if (length >= PROBE_BYTES) done(null);
    });
    inflater.on('error', (error: Error & { code?: string }) => done(cut && error.code === 'Z_BUF_ERROR' ? null : error));
    inflater.on('end', () => done(null));
    inflater.end(bytes);
  });
}

/**
 * Opens a file as a stream of byte chunks of its (decompressed) text. Lines are split on `\n`
 * bytes, which never occur inside a multi-byte UTF-8 character, so chunks may split anywhere. The
 * stream errors with the underlying fs or zlib error; `describeStreamError` turns it into a
 * `TickflowError`.
 */
export function openTextStream(probe: FileProbe, readBufferSize: number): Readable {
  const entry = probe.zipEntry;
  const file = createReadStream(probe.path, {
    highWaterMark: readBufferSize,
    start: entry === null ? 0 : entry.dataStart,
    end: entry === null || entry.compressedSize < 0 ? Infinity : entry.dataStart + entry.compressedSize - 1,
  });
  // Decompression runs on libuv's thread pool: letting it run up to four blocks ahead overlaps it
  // with parsing on the main thread, still within a fixed bound.
  const zlibOptions = { chunkSize: readBufferSize, readableHighWaterMark: 4 * readBufferSize } as ZlibOptions;
  let text: Readable = file;
  if (probe.compression === 'gzip') text = pipeline(file, createGunzip(zlibOptions), ignore);
  else if (entry !== null && entry.method === 8) text = pipeline(file, createInflateRaw(zlibOptions), ignore);
  return text;
}

// pipeline() needs a callback; errors reach the consumer through the last stream, which it destroys.
function ignore(): void {}

/**
 * A stream error as a `TickflowError` naming the file: corrupt or cut compressed data is
 * `DATA_TRUNCATED`, anything else (I/O) `DATA_FILE_UNREADABLE`. Context: `file`, `reason`, `cause`.
 */
export function describeStreamError(path: string, error: unknown): TickflowError {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && code.startsWith('Z_')) {
    const what = code === 'Z_BUF_ERROR' ? 'is truncated (compressed data ends early)' : 'is corrupted (invalid compressed data)';
    return new TickflowError('DATA_TRUNCATED', `${path} ${what}: ${message}`, { file: path, reason: message, zlibCode: code }, { cause: error });
  }
  return unreadable(path, error);
}

function unreadable(path: string, error: unknown): TickflowError {
  const code = (error as { code?: unknown } | null)?.code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' || code === 'ENOTFILE' ? 'not a regular file' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
  return new TickflowError('DATA_FILE_UNREADABLE', `cannot read ${path}: ${reason}`, { file: path, reason, osCode: code }, { cause: error });
}

/** Parses the local header of a zip archive's first entry (zip64 sizes included). */
function readZipEntry(path: string, bytes: Buffer): ZipEntry {
  if (bytes.length < 30) throw new TickflowError('DATA_TRUNCATED', `${path} is truncated (zip header cut short)`, { file: path });
  const flags = bytes.readUInt16LE(6);
  const method = bytes.readUInt16LE(8);
  const nameLength = bytes.readUInt16LE(26);
  const extraLength = bytes.readUInt16LE(28);
  const name = bytes.toString('utf8', 30, Math.min(bytes.length, 30 + nameLength));
  const dataStart = 30 + nameLength + extraLength;
  let compressedSize = bytes.readUInt32LE(18);
  if (compressedSize === 0xffffffff) compressedSize = zip64CompressedSize(bytes, 30 + nameLength, dataStart);
  if ((flags & 0x08) !== 0 && compressedSize === 0) compressedSize = -1; // sizes in a trailing data descriptor
  if (method !== 0 && method !== 8) {
    throw new TickflowError('DATA_UNKNOWN_FORMAT', `${path}: zip entry ${name} uses compression method ${method}; only stored and deflated entries are read`, { file: path });
  }
  return { name, dataStart, compressedSize, method };
}

function zip64CompressedSize(bytes: Buffer, from: number, to: number): number {
  const uncompressed32 = bytes.readUInt32LE(22);
  for (let i = from; i + 4 <= Math.min(to, bytes.length); ) {
    const id = bytes.readUInt16LE(i);
    const length = bytes.readUInt16LE(i + 2);
    if (id === 0x0001) {
      // Fields present in order: uncompressed size (if its 32-bit field overflowed), compressed size.
      const at = i + 4 + (uncompressed32 === 0xffffffff ? 8 : 0);
      return Number(bytes.readBigUInt64LE(at));
    }
    i += 4 + length;
  }
  return -1;
}
