/**
 * The k-way merge: several record sources as one, in engine-time order, itself a pull-based
 * `RecordSource`, so a replay of many files is driven exactly like a replay of one.
 */
import { TickflowError } from '../src/runtime/errors.js';
import type { MarketRecord } from '../src/model/records.js';
import {
  DEFAULT_CHUNK_SIZE,
  emptyTypeCounts,
  sizeOption,
  type RecordSource,
  type SourceIssue,
  type SourceStats,
} from './record-source.js';

/** Options of the merge. */
export interface MergeOptions {
  /** Records per merged chunk (default 1024). Does not change the merged sequence. */
  readonly chunkSize?: number | undefined;
  /**
   * When an input fails (its `next()` rejects): `fail` (default) delivers the records merged so far,
   * then rejects the merge's `next()` once with that input's error and closes the other inputs;
   * `drop` leaves the failed input out and goes on with the others (its error stays in its stats and
   * in the merge's `issues`).
   */
  readonly onSourceError?: 'fail' | 'drop' | undefined;
  /** Label of the merged source (default: the inputs' names joined by `+`). */
  readonly name?: string | undefined;
}

/** A merged source, with its inputs (for per-file stats) and the order violations it saw. */
export interface MergedSource extends RecordSource {
  readonly sources: readonly RecordSource[];
  /** Records that came out earlier in `tsRecv` than the one before: an input was not sorted. */
  readonly outOfOrder: number;
}

/**
 * Merges `sources` by `tsRecv`. Ordering, decided here: ascending `tsRecv`; among equal times, the
 * input listed first goes first (file order), and within one input its own order is kept (line
 * order). So the merge is stable and deterministic whatever the chunk sizes. Each input must itself
 * be in `tsRecv` order; if one is not, the merge still emits every record once (nothing is lost or
 * reordered within the input) but the output is not sorted there, and `outOfOrder` counts it.
 *
 * Memory: one chunk per input plus one output chunk. A binary heap keyed by (head `tsRecv`, input
 * index) picks the next input; runs from one input that stay ahead of every other input's head are
 * copied without touching the heap. Inputs are read lazily: only the input whose chunk ran out is
 * pulled. `close()` closes every input.
 */
export function createMergedSource(sources: readonly RecordSource[], options: MergeOptions = {}): MergedSource {
  return new MergeSource(sources, options);
}

class MergeSource implements MergedSource {
  readonly name: string;
  readonly sources: readonly RecordSource[];
  outOfOrder: number;
  private readonly chunkSize: number;
  private readonly dropFailed: boolean;
  /** Current chunk and position per input; a null chunk means the input is finished. */
  private readonly chunks: (readonly MarketRecord[] | null)[];
  private readonly positions: number[];
  /** Heap of input indices with records left, ordered by (head tsRecv, index). */
  private readonly heap: number[];
  private started: boolean;
  private lastTs: number;
  private emitted: number;
  private failure: TickflowError | null;
  private failureDelivered: boolean;
  private readonly droppedIssues: SourceIssue[];
  private closed: boolean;

  constructor(sources: readonly RecordSource[], options: MergeOptions) {
    this.name = options.name ?? sources.map((s) => s.name).join('+');
    this.sources = sources.slice();
    this.outOfOrder = 0;
    this.chunkSize = sizeOption(options.chunkSize, DEFAULT_CHUNK_SIZE, 'chunkSize');
    this.dropFailed = options.onSourceError === 'drop';
    this.chunks = sources.map(() => null);
    this.positions = sources.map(() => 0);
    this.heap = [];
    this.started = false;
    this.lastTs = -Infinity;
    this.emitted = 0;
    this.failure = null;
    this.failureDelivered = false;
    this.droppedIssues = [];
    this.closed = false;
  }

  get stats(): SourceStats {
    const byType = emptyTypeCounts();
    let lines = 0;
    let skipped = 0;
    let malformed = 0;
    let unknownTypes = 0;
    const unknownByName: Record<string, number> = {};
    const issues: SourceIssue[] = [];
    for (const source of this.sources) {
      const s = source.stats;
      lines += s.lines;
      skipped += s.skipped;
      malformed += s.malformed;
      unknownTypes += s.unknownTypes;
      for (const k of Object.keys(byType) as (keyof typeof byType)[]) byType[k] += s.byType[k];
      for (const [k, v] of Object.entries(s.unknownByName)) unknownByName[k] = (unknownByName[k] ?? 0) + v;
      issues.push(...s.issues);
    }
    issues.push(...this.droppedIssues);
    return {
      name: this.name,
      format: 'merge',
      lines,
      records: this.emitted,
      byType,
      skipped,
      malformed,
      unknownTypes,
      unknownByName,
      issues,
      failure: this.failure,
      done: this.closed || (this.started && this.heap.length === 0 && (this.failure === null || this.failureDelivered)),
    };
  }

  async next(): Promise<readonly MarketRecord[] | null> {
    if (this.closed) return null;
    if (!this.started) await this.start();
    const out: MarketRecord[] = [];
    const heap = this.heap;
    while (out.length < this.chunkSize && heap.length > 0 && this.failure === null) {
      const top = heap[0]!;
      const chunk = this.chunks[top]!;
      let pos = this.positions[top]!;
      // Copy the run that stays ahead of the next-best input's head.
      const rival = this.secondBest();
      const limitTs = rival < 0 ? Infinity : this.headTs(rival);
      const topWinsTies = rival < 0 || top < rival;
      const room = this.chunkSize - out.length;
      const stop = Math.min(chunk.length, pos + room);
      do {
        const record = chunk[pos]!;
        const ts = record.tsRecv;
        if (ts > limitTs || (ts === limitTs && !topWinsTies)) break;
        if (ts < this.lastTs) this.outOfOrder++;
        this.lastTs = ts;
        out.push(record);
        pos++;
      } while (pos < stop);
      this.positions[top] = pos;
      if (pos === chunk.length) {
        await this.refill(top);
        if (this.chunks[top] === null) this.removeTop();
        else this.siftDown(0);
      } else {
        this.siftDown(0);
      }
    }
    this.emitted += out.length;
    if (out.length > 0) return out;
    if (this.failure !== null && !this.failureDelivered) {
      this.failureDelivered = true;
      throw this.failure;
    }
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.heap.length = 0;
    await Promise.all(this.sources.map((s) => s.close()));
  }

  private async start(): Promise<void> {
    this.started = true;
    // Inputs are primed one after another so their first errors come in input order.
    for (let i = 0; i < this.sources.length && this.failure === null; i++) {
      await this.refill(i);
      if (this.chunks[i] !== null) this.push(i);
    }
  }

  /** Pulls the next chunk of input `i` into place (null when it ends or is dropped). */
  private async refill(i: number): Promise<void> {
    const source = this.sources[i]!;
    this.positions[i] = 0;
    try {
      let chunk = await source.next();
      while (chunk !== null && chunk.length === 0) chunk = await source.next();
      this.chunks[i] = chunk;
    } catch (error) {
      this.chunks[i] = null;
      const e = error instanceof TickflowError ? error : new TickflowError('DATA_FILE_UNREADABLE', `${source.name}: ${String(error)}`, { file: source.name });
      if (this.dropFailed) {
        this.droppedIssues.push({ code: e.code, file: source.name, line: 0, message: `input dropped from the merge: ${e.message}` });
        return;
      }
      this.failure = e;
      await Promise.all(this.sources.filter((s) => s !== source).map((s) => s.close()));
    }
  }

  private headTs(i: number): number {
    return this.chunks[i]![this.positions[i]!]!.tsRecv;
  }

  private less(a: number, b: number): boolean {
    const ta = this.headTs(a);
    const tb = this.headTs(b);
    return ta < tb || (ta === tb && a < b);
  }

  /** The input that would be on top if the current top were gone, or -1. */
  private secondBest(): number {
    const heap = this.heap;
    if (heap.length < 2) return -1;
    if (heap.length === 2) return heap[1]!;
    return this.less(heap[1]!, heap[2]!) ? heap[1]! : heap[2]!;
  }

  private push(i: number): void {
    const heap = this.heap;
    heap.push(i);
    let k = heap.length - 1;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.less(heap[k]!, heap[parent]!)) break;
      [heap[k], heap[parent]] = [heap[parent]!, heap[k]!];
      k = parent;
    }
  }

  private removeTop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      this.siftDown(0);
    }
  }

  private siftDown(k: number): void {
    const heap = this.heap;
    const n = heap.length;
    while (true) {
      const left = 2 * k + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && this.less(heap[right]!, heap[left]!) ? right : left;
      if (!this.less(heap[child]!, heap[k]!)) return;
      [heap[k], heap[child]] = [heap[child]!, heap[k]!];
      k = child;
    }
  }
}
