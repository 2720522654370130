/**
 * Several event sources as one, merged by receive time: the server replays every `--data` file on
 * one timeline (a spot `_20240808` and `_20240809` continue one book; two symbols interleave as
 * they were received). Ties go to the earlier source in argument order, so the merge is
 * deterministic. Memory: one batch per source.
 */
import type { FeedEventSource } from './capture-reader.js';
import type { FeedEvent } from './feed-event.js';

/** Events handed out per `next()` at most. */
const MERGE_BATCH = 1024;

/** Merges `sources` by `tsRecv` (one source is returned as is). Closing the merge closes them all. */
export function mergeEventSources(sources: readonly FeedEventSource[]): FeedEventSource {
  return sources.length === 1 ? sources[0]! : new MergedEventSource(sources);
}

class MergedEventSource implements FeedEventSource {
  private readonly sources: readonly FeedEventSource[];
  /** Per source: its current batch (null once it ended) and the index of its head. */
  private readonly batches: (FeedEvent[] | null)[];
  private readonly heads: number[];
  private closed: boolean;

  constructor(sources: readonly FeedEventSource[]) {
    this.sources = sources;
    this.batches = sources.map(() => []);
    this.heads = sources.map(() => 0);
    this.closed = false;
  }

  async next(): Promise<FeedEvent[] | null> {
    const out: FeedEvent[] = [];
    while (!this.closed && out.length < MERGE_BATCH) {
      // Every source must show its head before the smallest can be chosen.
      for (let i = 0; i < this.sources.length; i++) {
        const batch = this.batches[i];
        if (batch !== null && batch !== undefined && this.heads[i]! >= batch.length) {
          this.batches[i] = await this.sources[i]!.next();
          this.heads[i] = 0;
        }
      }
      let best = -1;
      let bestTs = Infinity;
      for (let i = 0; i < this.sources.length; i++) {
        const batch = this.batches[i];
        if (batch === null || batch === undefined) continue;
        const ts = batch[this.heads[i]!]!.tsRecv;
        if (ts < bestTs) {
          bestTs = ts;
          best = i;
        }
      }
      if (best < 0) break;
      out.push(this.batches[best]![this.heads[best]!++]!);
    }
    return out.length > 0 ? out : null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const source of this.sources) source.close();
    this.batches.fill(null);
  }
}
