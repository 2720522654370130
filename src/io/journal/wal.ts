/**
 * The write-ahead log: the daemon's trading journal and recovery truth (`src/model/wal-entry.ts`
 * says what goes in). Plain NDJSON segments in `<dir>/`, named by their first sequence number
 * (`00000000000000000001.wal`), one entry a line, `seq` gap-free from 1.
 *
 * Durability. `append(entry)` (durable) writes the line with one `write(2)` before it returns, so
 * the entry is in the kernel's page cache, and survives a crash of the process (kill -9), before
 * the caller acts on it: execution journals an order before it reaches the venue and a fill
 * before it moves the books. What survives a crash of the machine is set by `fsync`:
 * - `always`: every durable append is followed by `fdatasync` (each costs a disk flush);
 * - `interval` (default): `fdatasync` every `fsyncIntervalMs` (default 100 ms) when something was
 *   written, and at `close()`: a power loss loses at most that window;
 * - `never`: the kernel decides (tests, benchmarks).
 * `appendBuffered(entry)` (market data for the projections) gathers lines in memory and writes
 * them at the next durable append, at 64 KiB, or every `flushIntervalMs` (default 50 ms):
 * order in the file is order of append, whichever kind.
 *
 * A write that fails (disk full, file gone) throws `IO_UNAVAILABLE`: the caller cannot keep its
 * promise to journal first, so execution fails and the daemon stops rather than trade unjournaled.
 *
 * Opening repairs a torn tail: bytes after the last complete line of the last segment (a crash
 * mid-write) are cut off and counted (`repairedBytes`). A malformed line anywhere else is not a
 * crash artefact: reading it throws `DATA_MALFORMED_LINE` with the file and line, and recovery
 * refuses to start on a journal it cannot trust.
 *
 * Readers (`reader(afterSeq)`) read from disk behind the writer, segment after segment, complete
 * lines only: the projections to PostgreSQL and Redis each follow the log from their own cursor,
 * so an outage of theirs costs disk, never memory. `onAppend` tells followers there is more.
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { WalEntry, WalEntryInput } from '../../model/wal-entry.js';
import { TickflowError } from '../../runtime/errors.js';

/** When the log is flushed to the disk (see the module comment). */
export type WalFsyncPolicy = 'always' | 'interval' | 'never';

/** Options of `openWal`. */
export interface WalOptions {
  readonly dir: string;
  readonly fsync?: WalFsyncPolicy;
  readonly fsyncIntervalMs?: number;
  readonly flushIntervalMs?: number;
  /** Bytes after which the next append starts a new segment (default 64 MiB). */
  readonly segmentBytes?: number;
}

/** What the log has done since it was opened. */
export interface WalStats {
  appended: number;
  bytes: number;
  fsyncs: number;
  /** Torn bytes cut from the tail at open. */
  repairedBytes: number;
  segments: number;
}

/** Reads entries after a position, oldest first. */
export interface WalReader {
  /** Up to `max` entries after the position (complete lines on disk only); [] when none yet. */
  read(max: number): WalEntry[];
  /** `seq` of the last entry returned (or the starting cursor). */
  readonly position: number;
  close(): void;
}

/** An open write-ahead log. */
export interface Wal {
  readonly dir: string;
  /** `seq` of the last entry appended (0 for an empty log). */
  readonly lastSeq: number;
  readonly stats: Readonly<WalStats>;
  /** Journals `entry` now (see Durability) and returns its `seq`. */
  append(entry: WalEntryInput): number;
  /** Journals `entry` with the next write (market data); returns its `seq`. */
  appendBuffered(entry: WalEntryInput): number;
  /** Writes buffered entries now. */
  flush(): void;
  /** A reader of the entries after `afterSeq`. */
  reader(afterSeq: number): WalReader;
  /** Calls `listener` after entries reach the file; returns the unsubscribe. */
  onAppend(listener: () => void): () => void;
  /** Flushes, syncs and closes; idempotent. */
  close(): void;
}

const SEGMENT_DIGITS = 20;
const SEGMENT_RE = /^(\d{20})\.wal$/;
const BUFFER_BYTES = 64 * 1024;
const READ_CHUNK = 256 * 1024;

/** Opens (creating if needed) the log in `options.dir`. */
export function openWal(options: WalOptions): Wal {
  const dir = options.dir;
  const policy = options.fsync ?? 'interval';
  const segmentBytes = options.segmentBytes ?? 64 * 1024 * 1024;
  mkdirSync(dir, { recursive: true });
  const releaseLock = lock(dir);
  const stats: WalStats = { appended: 0, bytes: 0, fsyncs: 0, repairedBytes: 0, segments: 0 };
  const segments = listSegments(dir);
  let lastSeq = 0;
  let fd: number;
  let segmentSize: number;
  if (segments.length === 0) {
    fd = openSegment(dir, 1);
    segmentSize = 0;
    stats.segments = 1;
  } else {
    const last = segments[segments.length - 1]!;
    const scan = scanTail(join(dir, segmentName(last)));
    stats.repairedBytes = scan.tornBytes;
    lastSeq = scan.lastSeq ?? (segments.length > 1 ? lastSeqOf(dir, segments[segments.length - 2]!) : last - 1);
    fd = openSync(join(dir, segmentName(last)), 'a');
    segmentSize = scan.size;
    stats.segments = segments.length;
  }
  const listeners = new Set<() => void>();
  let pending: string[] = [];
  let pendingBytes = 0;
  let dirty = false;
  let closed = false;

  const notify = () => {
    for (const l of listeners) l();
  };
  const write = (text: string) => {
    if (closed) throw new TickflowError('IO_UNAVAILABLE', `journal ${dir} is closed`, { path: dir });
    try {
      if (segmentSize > 0 && segmentSize + text.length > segmentBytes) {
        syncNow();
        closeSync(fd);
        fd = openSegment(dir, firstSeqOf(text));
        segmentSize = 0;
        stats.segments++;
      }
      const buffer = Buffer.from(text, 'utf8');
      let offset = 0;
      while (offset < buffer.length) offset += writeSync(fd, buffer, offset);
      segmentSize += buffer.length;
      stats.bytes += buffer.length;
      dirty = true;
    } catch (error) {
      if (error instanceof TickflowError) throw error;
      throw new TickflowError('IO_UNAVAILABLE', `journal ${dir}: write failed: ${(error as Error).message}`, { path: dir }, { cause: error });
    }
  };
  const syncNow = () => {
    if (!dirty) return;
    fdatasyncSync(fd);
    stats.fsyncs++;
    dirty = false;
  };
  const flush = () => {
    if (pendingBytes === 0) return;
    const text = pending.join('');
    pending = [];
    pendingBytes = 0;
    write(text);
    notify();
  };
  const line = (entry: WalEntryInput): string => {
    lastSeq++;
    stats.appended++;
    return `${JSON.stringify({ seq: lastSeq, ...entry })}\n`;
  };

  const flushTimer = setInterval(() => {
    try {
      flush();
    } catch {
      // Kept for the next durable append, which throws to its caller.
    }
  }, options.flushIntervalMs ?? 50);
  flushTimer.unref();
  const fsyncTimer =
    policy === 'interval'
      ? setInterval(() => {
          try {
            syncNow();
          } catch {
            // The next append reports a broken file.
          }
        }, options.fsyncIntervalMs ?? 100)
      : undefined;
  fsyncTimer?.unref();

  return {
    dir,
    get lastSeq() {
      return lastSeq;
    },
    stats,
    append(entry) {
      const text = line(entry);
      const seq = lastSeq;
      if (pendingBytes > 0) {
        pending.push(text);
        const all = pending.join('');
        pending = [];
        pendingBytes = 0;
        write(all);
      } else {
        write(text);
      }
      if (policy === 'always') syncNow();
      notify();
      return seq;
    },
    appendBuffered(entry) {
      const text = line(entry);
      pending.push(text);
      pendingBytes += text.length;
      if (pendingBytes >= BUFFER_BYTES) flush();
      return lastSeq;
    },
    flush,
    reader: (afterSeq) => createReader(dir, afterSeq),
    onAppend(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      clearInterval(flushTimer);
      if (fsyncTimer !== undefined) clearInterval(fsyncTimer);
      flush();
      if (policy !== 'never') syncNow();
      closed = true;
      closeSync(fd);
      releaseLock();
    },
  };
}

/**
 * One writer per journal: `<dir>/LOCK` holds the writer's pid, created exclusively. A lock whose
 * process is gone (a crash, kill -9) is taken over; a live one is `IO_UNAVAILABLE` naming it.
 */
function lock(dir: string): () => void {
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new TickflowError('IO_UNAVAILABLE', `journal ${dir}: cannot create its lock: ${(error as Error).message}`, { path: dir }, { cause: error });
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new TickflowError('IO_UNAVAILABLE', `journal ${dir} is in use by process ${holder} (one daemon per journal)`, { path: dir, pid: holder });
      }
      rmSync(path, { force: true }); // stale: its writer is gone
    }
  }
  throw new TickflowError('IO_UNAVAILABLE', `journal ${dir}: its lock keeps coming back (another daemon starting?)`, { path: dir });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every entry of the log in `dir` after `afterSeq`, in order (recovery). */
export function readWal(dir: string, afterSeq = 0, visit?: (entry: WalEntry) => void): number {
  const reader = createReader(dir, afterSeq);
  let count = 0;
  try {
    for (;;) {
      const batch = reader.read(4096);
      if (batch.length === 0) return count;
      count += batch.length;
      if (visit !== undefined) for (const e of batch) visit(e);
    }
  } finally {
    reader.close();
  }
}

function createReader(dir: string, afterSeq: number): WalReader {
  let position = afterSeq;
  let segments = listSegments(dir);
  // The segment holding afterSeq + 1: the last one starting at or before it.
  let index = Math.max(0, segments.findLastIndex((first) => first <= afterSeq + 1));
  let fd: number | undefined;
  // Byte offset in the segment of the first line not yet consumed, and that line's number.
  let offset = 0;
  let lineNo = 0;
  let buffer = Buffer.allocUnsafe(READ_CHUNK);
  const file = () => join(dir, segmentName(segments[index]!));
  return {
    get position() {
      return position;
    },
    read(max) {
      const out: WalEntry[] = [];
      while (out.length < max) {
        if (fd === undefined) {
          if (index >= segments.length) break;
          fd = openSync(file(), 'r');
          offset = 0;
          lineNo = 0;
        }
        const n = readSync(fd, buffer, 0, buffer.length, offset);
        if (n === 0) {
          // End of this segment: move on only once a later one exists (the writer rolled over).
          segments = listSegments(dir);
          if (index + 1 >= segments.length) break;
          closeSync(fd);
          fd = undefined;
          index++;
          continue;
        }
        const last = buffer.lastIndexOf(0x0a, n - 1);
        if (last < 0) {
          if (n < buffer.length) break; // a line still being written: read it next time
          buffer = Buffer.allocUnsafe(buffer.length * 2); // a line longer than the buffer
          continue;
        }
        let start = 0;
        while (start <= last && out.length < max) {
          const newline = buffer.indexOf(0x0a, start);
          lineNo++;
          const entry = parseLine(buffer.toString('utf8', start, newline), file(), lineNo);
          start = newline + 1;
          if (entry.seq <= position) continue;
          if (entry.seq !== position + 1) {
            throw new TickflowError('DATA_MALFORMED_LINE', `journal ${file()} line ${lineNo}: seq ${entry.seq} follows ${position} (a gap or a reorder: the journal cannot be trusted)`, { path: file(), line: lineNo });
          }
          position = entry.seq;
          out.push(entry);
        }
        offset += start;
      }
      return out;
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

function parseLine(line: string, path: string, lineNo: number): WalEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new TickflowError('DATA_MALFORMED_LINE', `journal ${path} line ${lineNo}: not JSON (${(error as Error).message})`, { path, line: lineNo });
  }
  const entry = value as { seq?: unknown; kind?: unknown };
  if (typeof entry !== 'object' || entry === null || !Number.isSafeInteger(entry.seq) || typeof entry.kind !== 'string') {
    throw new TickflowError('DATA_MALFORMED_LINE', `journal ${path} line ${lineNo}: an entry needs an integer seq and a kind`, { path, line: lineNo });
  }
  return value as WalEntry;
}

function listSegments(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync(dir)) {
    const m = SEGMENT_RE.exec(name);
    if (m !== null) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(SEGMENT_DIGITS, '0')}.wal`;
}

function openSegment(dir: string, firstSeq: number): number {
  return openSync(join(dir, segmentName(firstSeq)), 'a');
}

/** The `seq` of the first line in `text` (lines start `{"seq":N,`). */
function firstSeqOf(text: string): number {
  return Number(text.slice(7, text.indexOf(',')));
}

/**
 * Reads a segment, cuts a torn tail (bytes after the last newline, or a last line that does not
 * parse) and returns the last `seq`, the size after the cut and the bytes cut.
 */
function scanTail(path: string): { lastSeq: number | undefined; size: number; tornBytes: number } {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) read += readSync(fd, buffer, read, size - read, read);
    let end = buffer.lastIndexOf(0x0a) + 1; // just past the last newline
    let lastSeq: number | undefined;
    while (end > 0) {
      const start = buffer.lastIndexOf(0x0a, end - 2) + 1;
      try {
        const entry = JSON.parse(buffer.toString('utf8', start, end - 1)) as { seq?: unknown };
        if (Number.isSafeInteger(entry.seq)) {
          lastSeq = entry.seq as number;
          break;
        }
      } catch {
        // A torn last line with a newline in it cannot happen with one write per line, but a
        // half-written one followed by nothing can: fall back one line.
      }
      end = start;
    }
    if (end < size) ftruncateSync(fd, end);
    return { lastSeq, size: end, tornBytes: size - end };
  } finally {
    closeSync(fd);
  }
}

function lastSeqOf(dir: string, firstSeq: number): number {
  return scanTail(join(dir, segmentName(firstSeq))).lastSeq ?? firstSeq - 1;
}
