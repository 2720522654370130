import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../src/model/records.js';
import { TickflowError } from '../../src/runtime/errors.js';
import { createMergedSource } from '../../streams/merge-sources.js';
import { MutableSourceStats, type RecordSource } from '../../streams/record-source.js';
import { readAll, readAllSettled } from './source-helpers.js';

/** A record tagged with its input and position, so order and identity can be checked. */
function rec(input: number, seq: number, tsRecv: number): MarketRecord {
  return { type: 'trade', exchange: 'test', symbol: `S${input}`, ts: tsRecv, tsRecv, id: `${input}:${seq}`, price: 1, amount: 1, side: 'buy' };
}

/** An in-memory source handing out `records` in chunks of `chunk`, optionally failing after `failAfter` chunks. */
function arraySource(name: string, records: MarketRecord[], chunk: number, failAfter = Infinity): RecordSource & { pulls: number; closed: boolean } {
  let at = 0;
  let chunks = 0;
  const stats = new MutableSourceStats(name, 'array');
  return {
    name,
    stats,
    pulls: 0,
    closed: false,
    async next() {
      this.pulls++;
      if (this.closed) return null;
      if (chunks >= failAfter) {
        if (stats.failure === null) {
          stats.fail(new TickflowError('DATA_TRUNCATED', `${name} is truncated`, { file: name }));
          throw stats.failure;
        }
        return null;
      }
      if (at >= records.length) return null;
      chunks++;
      const out = records.slice(at, at + chunk);
      at += out.length;
      stats.records += out.length;
      stats.byType.trade += out.length;
      return out;
    },
    async close() {
      this.closed = true;
    },
  };
}

const sortedTimes = fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 40 }).map((xs) => xs.sort((a, b) => a - b));

describe('merged source', () => {
  it('yields every record once, sorted by tsRecv, inputs in order on ties, each input in its own order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(sortedTimes, fc.integer({ min: 1, max: 7 })), { maxLength: 12 }), fc.integer({ min: 1, max: 9 }), async (inputs, chunkSize) => {
        const data = inputs.map(([times], i) => times.map((t, seq) => rec(i, seq, t)));
        const merged = createMergedSource(data.map((records, i) => arraySource(`in${i}`, records, inputs[i]![1])), { chunkSize });
        const chunks: (readonly MarketRecord[])[] = [];
        for (let c = await merged.next(); c !== null; c = await merged.next()) chunks.push(c);
        expect(chunks.every((c) => c.length >= 1 && c.length <= chunkSize)).toBe(true);
        const out = chunks.flat();
        // The reference: a stable sort of all records by tsRecv, inputs concatenated in order.
        const expected = data.flat().sort((a, b) => a.tsRecv - b.tsRecv);
        expect(out.map((r) => (r as { id: string }).id)).toEqual(expected.map((r) => (r as { id: string }).id));
        expect(merged.outOfOrder).toBe(0);
        expect(merged.stats.records).toBe(expected.length);
        expect(merged.stats.done).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('copies a run ahead of the other inputs without losing the tie order', async () => {
    const a = [rec(0, 0, 1), rec(0, 1, 2), rec(0, 2, 5), rec(0, 3, 5)];
    const b = [rec(1, 0, 2), rec(1, 1, 5), rec(1, 2, 6)];
    const out = await readAll(createMergedSource([arraySource('a', a, 10), arraySource('b', b, 10)]));
    expect(out.map((r) => (r as { id: string }).id)).toEqual(['0:0', '0:1', '1:0', '0:2', '0:3', '1:1', '1:2']);
  });

  it('pulls only the input whose chunk ran out', async () => {
    const a = arraySource('a', [rec(0, 0, 1), rec(0, 1, 2), rec(0, 2, 3), rec(0, 3, 4)], 1);
    const b = arraySource('b', [rec(1, 0, 100)], 1);
    const merged = createMergedSource([a, b], { chunkSize: 1 });
    await merged.next();
    await merged.next();
    expect([a.pulls, b.pulls]).toEqual([3, 1]);
  });

  it('counts records of an unsorted input as out of order without losing them', async () => {
    const merged = createMergedSource([arraySource('a', [rec(0, 0, 5), rec(0, 1, 1)], 1)]);
    expect(await readAll(merged)).toHaveLength(2);
    expect(merged.outOfOrder).toBe(1);
  });

  it('delivers what was merged, then rejects once with the failed input error and closes the rest', async () => {
    const good = arraySource('good', [rec(0, 0, 1), rec(0, 1, 2), rec(0, 2, 10)], 1);
    const bad = arraySource('bad', [rec(1, 0, 1), rec(1, 1, 3), rec(1, 2, 4)], 1, 2);
    const merged = createMergedSource([good, bad]);
    const { records, error } = await readAllSettled(merged);
    expect(records.map((r) => r.tsRecv)).toEqual([1, 1, 2, 3]);
    expect(error).toMatchObject({ code: 'DATA_TRUNCATED', context: { file: 'bad' } });
    expect(good.closed).toBe(true);
    expect(await merged.next()).toBeNull();
    expect(merged.stats.failure).toBe(error);
  });

  it('drops a failed input and goes on with the others under onSourceError: drop', async () => {
    const good = arraySource('good', [rec(0, 0, 1), rec(0, 1, 2), rec(0, 2, 10)], 1);
    const bad = arraySource('bad', [rec(1, 0, 1), rec(1, 1, 3), rec(1, 2, 4)], 1, 1);
    const merged = createMergedSource([good, bad], { onSourceError: 'drop' });
    const { records, error } = await readAllSettled(merged);
    expect(error).toBeNull();
    expect(records.map((r) => r.tsRecv)).toEqual([1, 1, 2, 10]);
    // the input's own report of its failure, then the merge's note that it dropped it
    expect(merged.stats.issues).toEqual([
      expect.objectContaining({ code: 'DATA_TRUNCATED', file: 'bad', message: 'bad is truncated' }),
      expect.objectContaining({ code: 'DATA_TRUNCATED', file: 'bad', message: expect.stringMatching(/^input dropped from the merge/) }),
    ]);
    expect(merged.stats.failure).toBeNull();
  });

  it('sums the inputs in its stats and names itself after them', async () => {
    const merged = createMergedSource([arraySource('a', [rec(0, 0, 1)], 1), arraySource('b', [rec(1, 0, 2)], 1)]);
    await readAll(merged);
    expect(merged.name).toBe('a+b');
    expect(merged.stats).toMatchObject({ format: 'merge', records: 2, byType: { trade: 2 } });
    expect(merged.sources.map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('ends at once with no inputs, and close closes every input', async () => {
    expect(await createMergedSource([]).next()).toBeNull();
    const a = arraySource('a', [rec(0, 0, 1)], 1);
    const merged = createMergedSource([a]);
    await merged.close();
    expect(a.closed).toBe(true);
    expect(await merged.next()).toBeNull();
  });
});
