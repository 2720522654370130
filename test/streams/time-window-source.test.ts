import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../src/model/records.js';
import { isTickflowError } from '../../src/runtime/errors.js';
import type { RecordSource } from '../../streams/record-source.js';
import { createTimeWindowSource } from '../../streams/time-window-source.js';
import { createArraySource } from '../support/array-source.js';

const trade = (tsRecv: number, n = tsRecv): MarketRecord => ({ type: 'trade', exchange: 'toy', symbol: 'T', ts: tsRecv, tsRecv, id: `${n}`, price: 1, amount: 1, side: 'buy' });

async function drain(source: RecordSource): Promise<MarketRecord[]> {
  const out: MarketRecord[] = [];
  for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
    expect(chunk.length).toBeGreaterThan(0);
    out.push(...chunk);
  }
  return out;
}

describe('createTimeWindowSource', () => {
  it('passes only records with fromUs <= tsRecv < untilUs, and counts only those', async () => {
    const records = [10, 20, 30, 40, 50].map((t) => trade(t));
    const source = createTimeWindowSource(createArraySource(records, 2), { fromUs: 20, untilUs: 50 });
    expect((await drain(source)).map((r) => r.tsRecv)).toEqual([20, 30, 40]);
    expect(source.stats.records).toBe(3);
    expect(source.stats.byType.trade).toBe(3);
    expect(source.stats.done).toBe(true);
  });

  it('keeps an open bound open, and lists the inner source among its sources', async () => {
    const inner = createArraySource([1, 2, 3].map((t) => trade(t)), 1, 'file.csv');
    const source = createTimeWindowSource(inner, { untilUs: 3 });
    expect((await drain(source)).map((r) => r.tsRecv)).toEqual([1, 2]);
    expect(source.sources).toEqual([inner]);
    expect(source.name).toBe('file.csv');
  });

  it('refuses an empty window and a bound that is not a number', () => {
    const inner = createArraySource([]);
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return isTickflowError(error) ? error.code : 'other';
      }
      return 'none';
    };
    expect(code(() => createTimeWindowSource(inner, { fromUs: 5, untilUs: 5 }))).toBe('CONFIG_INVALID');
    expect(code(() => createTimeWindowSource(inner, { fromUs: Number.NaN }))).toBe('CONFIG_INVALID');
  });

  it('splits an input at any time into two windows that together hold every record once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 60 }), fc.integer({ min: -5, max: 105 }), fc.integer({ min: 1, max: 7 }), async (times, at, chunk) => {
        // Out-of-order times included: the window filters, it does not stop at the first late record.
        const records = times.map((t, i) => trade(t, i));
        const before = await drain(createTimeWindowSource(createArraySource(records, chunk), { untilUs: at }));
        const after = await drain(createTimeWindowSource(createArraySource(records, chunk), { fromUs: at }));
        expect(before.every((r) => r.tsRecv < at) && after.every((r) => r.tsRecv >= at)).toBe(true);
        const byId = (rs: MarketRecord[]) => rs.map((r) => (r as { id: string }).id);
        expect([...byId(before), ...byId(after)].sort()).toEqual(byId(records).sort());
        expect(byId(before)).toEqual(byId(records.filter((r) => r.tsRecv < at)));
      }),
    );
  });
});
