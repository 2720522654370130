/** A `RecordSource` over an array, for tests: chunks of `chunkSize` records. */
import type { MarketRecord } from '../../src/model/records.js';
import { MutableSourceStats, type RecordSource } from '../../streams/record-source.js';

export function createArraySource(records: readonly MarketRecord[], chunkSize = 1024, name = 'array'): RecordSource {
  const stats = new MutableSourceStats(name, 'array');
  let at = 0;
  return {
    name,
    stats,
    async next() {
      if (at >= records.length) {
        stats.done = true;
        return null;
      }
      const chunk = records.slice(at, at + chunkSize);
      at += chunk.length;
      stats.records += chunk.length;
      for (const r of chunk) stats.byType[r.type]++;
      return chunk;
    },
    async close() {
      at = records.length;
      stats.done = true;
    },
  };
}
