/**
 * A replay's progress as one line on a terminal, rewritten in place (`\r`, then erase to the end of
 * the line): records, records per second, the share of the input read and an estimate of the time
 * left. Cleared by `finish`, so what follows (the summary, an error) starts on a clean line.
 *
 * Driven by the records, never by a timer: `record()` is a counter, and only every `stride`
 * records does it read the clock; the line is redrawn when `intervalMs` (250 ms: four times a
 * second at most) has passed since the last drawing. The stride adapts to the record rate (about
 * eight clock reads per interval), so a fast replay reads the clock rarely and a slow, paced one
 * still updates. Nothing keeps the process alive, and a replay that ends within the first interval
 * draws nothing at all.
 *
 * Off (`NO_PROGRESS`, whose methods do nothing) when the stream is not a terminal or `quiet` is
 * set: a log file or a pipe never receives carriage returns. The terminal test and the clock are
 * injected, so tests drive the line with a fake stream and a fake clock.
 */

/** Where the line is drawn: `process.stderr`, or a fake in tests. */
export interface ProgressStream {
  /** True for a terminal; anything else gets no progress. */
  readonly isTTY?: boolean | undefined;
  /** The terminal's width: the line is cut to fit, since a wrapped line cannot be rewritten in place. */
  readonly columns?: number | undefined;
  write(text: string): unknown;
}

/** How to build a progress line. */
export interface ProgressLineOptions {
  readonly stream: ProgressStream;
  /** No progress, whatever the stream (`--quiet`). */
  readonly quiet?: boolean | undefined;
  /** Milliseconds on a monotonic clock (default `performance.now`). */
  readonly now?: (() => number) | undefined;
  /** Least time between two drawings, ms (default 250). */
  readonly intervalMs?: number | undefined;
  /**
   * The share of the input read so far, in [0, 1], given the records counted (bytes of the files
   * read, or records of a known total); `undefined` when unknown: no share and no time left shown.
   */
  readonly fraction?: ((records: number) => number | undefined) | undefined;
  /** The input's total size in bytes, shown beside the share; `undefined`: not shown. */
  readonly totalBytes?: (() => number | undefined) | undefined;
}

/** A progress line: count records with `record()`, end with `finish()`. */
export interface ProgressLine {
  /** Counts one record; now and then reads the clock and redraws the line. */
  record(): void;
  /** Erases the line if one is drawn (idempotent); later records draw it again. */
  finish(): void;
}

/** The progress line that is off: does nothing, costs a call. */
export const NO_PROGRESS: ProgressLine = { record: () => undefined, finish: () => undefined };

/** Default least time between two drawings: at most four a second. */
export const PROGRESS_INTERVAL_MS = 250;

/** Carriage return, then the line; `ERASE` clears what a longer previous line left on its right. */
const ERASE = '\x1b[K';
// Clock reads aimed for per interval, and the bounds of the stride between them.
const CHECKS_PER_INTERVAL = 8;
const MAX_STRIDE = 4096;

/** A progress line on `options.stream`, or `NO_PROGRESS` when that is not a terminal or `quiet` is set. */
export function createProgressLine(options: ProgressLineOptions): ProgressLine {
  if (options.quiet === true || options.stream.isTTY !== true) return NO_PROGRESS;
  return new TerminalProgressLine(options);
}

class TerminalProgressLine implements ProgressLine {
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly fraction: (records: number) => number | undefined;
  private readonly totalBytes: () => number | undefined;
  private records: number;
  /** The record count at which the clock is next read. */
  private nextCheck: number;
  private stride: number;
  /** Clock at the first record (the rate and the time left count from it), and at the last drawing. */
  private startedAt: number;
  private drawnAt: number;
  private drawn: boolean;

  constructor(options: ProgressLineOptions) {
    // Every field set here, in one order (one hidden class; `record` is on the hot path).
    this.stream = options.stream;
    this.now = options.now ?? (() => performance.now());
    this.intervalMs = options.intervalMs ?? PROGRESS_INTERVAL_MS;
    this.fraction = options.fraction ?? unknown;
    this.totalBytes = options.totalBytes ?? unknown;
    this.records = 0;
    this.nextCheck = 1;
    this.stride = 1;
    this.startedAt = 0;
    this.drawnAt = 0;
    this.drawn = false;
  }

  record(): void {
    if (++this.records >= this.nextCheck) this.check();
  }

  finish(): void {
    if (!this.drawn) return;
    this.drawn = false;
    this.stream.write(`\r${ERASE}`);
  }

  private check(): void {
    const now = this.now();
    if (this.records === 1) {
      this.startedAt = now;
      this.drawnAt = now;
    }
    const elapsed = now - this.startedAt;
    if (elapsed > 0) {
      const perInterval = (this.records / elapsed) * this.intervalMs;
      this.stride = Math.max(1, Math.min(MAX_STRIDE, Math.floor(perInterval / CHECKS_PER_INTERVAL)));
    } else {
      // No time measured yet (a coarse clock, or records faster than it ticks): probe further out.
      this.stride = Math.min(MAX_STRIDE, this.stride * 2);
    }
    this.nextCheck = this.records + this.stride;
    if (now - this.drawnAt < this.intervalMs) return;
    this.drawnAt = now;
    this.drawn = true;
    const text = formatProgress(this.records, elapsed, this.fraction(this.records), this.totalBytes());
    const columns = this.stream.columns;
    this.stream.write(`\r${columns !== undefined && columns > 1 && text.length >= columns ? text.slice(0, columns - 1) : text}${ERASE}`);
  }
}

/**
 * The line's text: `1,234,567 records  412,000 records/s  42.1% of 1.3 GB read  0:41 left`. The
 * share and the time left need `fraction`; the time left is the time so far scaled by what is
 * left of the input (`elapsed × (1 − f) / f`), shown once some of it is read.
 */
export function formatProgress(records: number, elapsedMs: number, fraction: number | undefined, totalBytes: number | undefined): string {
  const parts = [`${records.toLocaleString('en-US')} records`];
  if (elapsedMs > 0) parts.push(`${Math.round((records * 1000) / elapsedMs).toLocaleString('en-US')} records/s`);
  if (fraction !== undefined) {
    const f = Math.min(1, Math.max(0, fraction));
    parts.push(`${(f * 100).toFixed(1)}%${totalBytes === undefined ? '' : ` of ${formatBytes(totalBytes)}`} read`);
    if (f > 0 && elapsedMs > 0) parts.push(`${formatDuration((elapsedMs * (1 - f)) / f)} left`);
  }
  return parts.join('  ');
}

/** `512 B`, `64.0 KB`, `1.3 GB` (powers of 1000, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `0:07`, `12:34`, `1:02:03`, rounded up to the second. */
export function formatDuration(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function unknown(): undefined {
  return undefined;
}
