/**
 * A small log-linear histogram for sampled processing latencies (nanoseconds). Buckets are powers
 * of two split into 8 linear sub-buckets (about 12% relative error), 64 x 8 counters in one typed
 * array allocated once: recording is two shifts and an increment. Inspection reads percentiles
 * from it; benchmarks that need exact percentiles use hdr-histogram-js instead.
 */

const SUB_BITS = 3;
const SUB = 1 << SUB_BITS;

/** Fixed-memory latency histogram. */
export class LatencyHistogram {
  private readonly counts = new Float64Array(64 * SUB);
  private total = 0;
  private maxSeen = 0;

  /** Adds one observation in nanoseconds (negative values count as 0). */
  record(ns: number): void {
    const v = ns > 0 ? Math.floor(ns) : 0;
    this.counts[indexOf(v)]! += 1;
    this.total++;
    if (v > this.maxSeen) this.maxSeen = v;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxSeen;
  }

  /** The value at percentile `p` (0..100), as the upper bound of its bucket; 0 when empty. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperBound(i), this.maxSeen);
    }
    return this.maxSeen;
  }
}

function indexOf(v: number): number {
  if (v < SUB) return v;
  const exp = 31 - Math.clz32(Math.min(v, 0x7fffffff));
  const shift = exp - SUB_BITS;
  const sub = (Math.min(v, 0x7fffffff) >>> shift) & (SUB - 1);
  return (exp - SUB_BITS + 1) * SUB + sub;
}

function upperBound(index: number): number {
  if (index < SUB) return index;
  const exp = Math.floor(index / SUB) + SUB_BITS - 1;
  const sub = index % SUB;
  return (SUB + sub + 1) * 2 ** (exp - SUB_BITS) - 1;
}
