/**
 * A record source restricted to a window of engine time: only records whose `tsRecv` lies in
 * `[fromUs, untilUs)` pass (either bound may be absent). What a backtest over part of an input
 * reads, such as the in-sample and out-of-sample halves of a sweep (`tickflow sweep --split`).
 *
 * Decided here: the window filters, it does not stop at the first record past `untilUs`. Sources
 * deliver records in `tsRecv` order, but a record that comes back in time is still delivered (the
 * replay counts it in `outOfOrder`); filtering puts every record in exactly one of two adjacent
 * windows, so a split loses and doubles nothing. The price is reading the input to its end.
 *
 * Counts: `records` and `byType` count the records that passed; every other counter (lines,
 * malformed, issues, the failure) is the inner source's, since the whole input was read.
 */
import type { MarketRecord } from '../src/model/records.js';
import { TickflowError } from '../src/runtime/errors.js';
import { countRecordType, emptyTypeCounts, type RecordSource, type RecordTypeCounts, type SourceStats } from './record-source.js';

/** A window of engine time, µs: `fromUs` inclusive, `untilUs` exclusive; an absent bound is open. */
export interface TimeWindow {
  readonly fromUs?: number | undefined;
  readonly untilUs?: number | undefined;
}

/**
 * `inner` restricted to `window` (see the module comment). Throws `CONFIG_INVALID` for a bound that
 * is not a finite number or an empty window (`untilUs <= fromUs`). `sources` lists the files read
 * (the inner merge's, or the inner source itself), as a merged source does.
 */
export function createTimeWindowSource(inner: RecordSource, window: TimeWindow): RecordSource & { readonly sources: readonly RecordSource[] } {
  const from = window.fromUs ?? -Infinity;
  const until = window.untilUs ?? Infinity;
  for (const [name, bound] of [['fromUs', window.fromUs], ['untilUs', window.untilUs]] as const) {
    if (bound !== undefined && !Number.isFinite(bound)) throw new TickflowError('CONFIG_INVALID', `time window ${name} must be a finite number of µs, got ${String(bound)}`, { [name]: bound });
  }
  if (until <= from) throw new TickflowError('CONFIG_INVALID', `empty time window: untilUs ${until} is not after fromUs ${from}`, { fromUs: from, untilUs: until });
  return new TimeWindowSource(inner, from, until);
}

class TimeWindowSource implements RecordSource {
  readonly name: string;
  readonly stats: SourceStats;
  readonly sources: readonly RecordSource[];
  private readonly inner: RecordSource;
  private readonly from: number;
  private readonly until: number;
  private readonly counts: { records: number; readonly byType: RecordTypeCounts };

  constructor(inner: RecordSource, from: number, until: number) {
    this.name = inner.name;
    this.inner = inner;
    this.from = from;
    this.until = until;
    this.sources = (inner as { sources?: readonly RecordSource[] }).sources ?? [inner];
    this.counts = { records: 0, byType: emptyTypeCounts() };
    this.stats = windowStats(inner, this.counts);
  }

  async next(): Promise<readonly MarketRecord[] | null> {
    for (;;) {
      const chunk = await this.inner.next();
      if (chunk === null) return null;
      let kept: MarketRecord[] | null = null;
      for (let i = 0; i < chunk.length; i++) {
        const record = chunk[i]!;
        const inside = record.tsRecv >= this.from && record.tsRecv < this.until;
        // The chunk as it is while every record so far is inside; a copy from the first one outside.
        if (!inside) kept ??= chunk.slice(0, i) as MarketRecord[];
        else {
          kept?.push(record);
          this.counts.records++;
          countRecordType(this.counts.byType, record);
        }
      }
      const out = kept ?? chunk;
      if (out.length > 0) return out;
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The inner source's live stats with the window's own `records` and `byType`. */
function windowStats(inner: RecordSource, counts: { readonly records: number; readonly byType: RecordTypeCounts }): SourceStats {
  const s = () => inner.stats;
  return {
    get name() { return s().name; },
    get format() { return s().format; },
    get lines() { return s().lines; },
    get records() { return counts.records; },
    get byType() { return counts.byType; },
    get skipped() { return s().skipped; },
    get malformed() { return s().malformed; },
    get unknownTypes() { return s().unknownTypes; },
    get unknownByName() { return s().unknownByName; },
    get issues() { return s().issues; },
    get failure() { return s().failure; },
    get done() { return s().done; },
  };
}
