import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dedup } from '../../../streams/live/dedup.js';

/** An increasing id sequence (gaps allowed: trade ids from a filtered stream, depth `u`). */
const increasingIds = fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 60 }).map((ids) => ids.sort((a, b) => a - b));

/** Every interleaving of two sequences that keeps each one's own order (as two sockets deliver). */
function interleave<T>(a: readonly T[], b: readonly T[], picks: readonly boolean[]): [from: 'a' | 'b', item: T][] {
  const out: [from: 'a' | 'b', item: T][] = [];
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const takeA = j >= b.length || (i < a.length && (picks[k++ % Math.max(1, picks.length)] ?? true));
    if (takeA) out.push(['a', a[i++] as T]);
    else out.push(['b', b[j++] as T]);
  }
  return out;
}

describe('Dedup', () => {
  it('passes each id of two interleaved copies of an increasing sequence exactly once, in increasing order', () => {
    fc.assert(
      fc.property(increasingIds, fc.array(fc.boolean(), { minLength: 1, maxLength: 200 }), (ids, picks) => {
        const dedup = new Dedup();
        const delivered = interleave(ids, ids, picks)
          .filter(([, id]) => dedup.accept('trade', 'BTCUSDT', id))
          .map(([, id]) => id);
        expect(delivered).toEqual(ids);
        expect(dedup.duplicates).toBe(ids.length);
        expect(dedup.accepted).toBe(ids.length);
      }),
    );
  });

  it('keeps keys apart: the same id on another stream or symbol is new', () => {
    const dedup = new Dedup();
    expect(dedup.accept('trade', 'BTCUSDT', 10)).toBe(true);
    expect(dedup.accept('trade', 'ETHUSDT', 10)).toBe(true);
    expect(dedup.accept('depth', 'BTCUSDT', 10)).toBe(true);
    expect(dedup.accept('trade', 'BTCUSDT', 10)).toBe(false);
    expect(dedup.duplicatesOf('trade', 'BTCUSDT')).toBe(1);
    expect(dedup.duplicatesOf('trade', 'ETHUSDT')).toBe(0);
  });

  it('passes each record once across symbols when two sources interleave several symbols', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('BTCUSDT', 'ETHUSDT', 'SOLUSDT'), fc.integer({ min: 1, max: 5 })), { maxLength: 80 }), fc.array(fc.boolean(), { minLength: 1 }), (steps, picks) => {
        // One feed: per symbol, ids grow by the step; both sources carry the same records.
        const next = new Map<string, number>();
        const records = steps.map(([symbol, step]) => {
          const id = (next.get(symbol) ?? 0) + step;
          next.set(symbol, id);
          return `${symbol}:${id}`;
        });
        const dedup = new Dedup();
        const delivered = interleave(records, records, picks)
          .map(([, r]) => r)
          .filter((r) => {
            const [symbol, id] = r.split(':') as [string, string];
            return dedup.accept('trade', symbol, Number(id));
          });
        expect(delivered.sort()).toEqual([...records].sort());
      }),
    );
  });

  it('refuses late and repeated ids, and counts ids that are not safe integers apart', () => {
    const dedup = new Dedup();
    expect(dedup.accept('depth', 'BTCUSDT', 100)).toBe(true);
    expect(dedup.accept('depth', 'BTCUSDT', 99)).toBe(false);
    expect(dedup.accept('depth', 'BTCUSDT', 100)).toBe(false);
    expect(dedup.accept('depth', 'BTCUSDT', Number.NaN)).toBe(false);
    expect(dedup.accept('depth', 'BTCUSDT', 2 ** 60)).toBe(false);
    expect(dedup.accept('depth', 'BTCUSDT', 105)).toBe(true);
    expect([dedup.accepted, dedup.duplicates, dedup.invalid]).toEqual([2, 2, 2]);
    expect(dedup.last('depth', 'BTCUSDT')).toBe(105);
  });

  it('follows a snapshot with advance, and starts afresh after reset', () => {
    const dedup = new Dedup();
    dedup.accept('depth', 'BTCUSDT', 100);
    dedup.advance('depth', 'BTCUSDT', 500);
    expect(dedup.accept('depth', 'BTCUSDT', 400)).toBe(false);
    dedup.advance('depth', 'BTCUSDT', 10);
    expect(dedup.last('depth', 'BTCUSDT')).toBe(500);
    dedup.reset('depth', 'BTCUSDT');
    expect(dedup.last('depth', 'BTCUSDT')).toBeUndefined();
    expect(dedup.accept('depth', 'BTCUSDT', 1)).toBe(true);
  });

  it('remembers at most maxKeys keys, evicting the least recently used', () => {
    const dedup = new Dedup({ maxKeys: 3 });
    dedup.accept('trade', 'A', 1);
    dedup.accept('trade', 'B', 1);
    dedup.accept('trade', 'C', 1);
    dedup.accept('trade', 'A', 2); // A is now the most recent; B the least
    dedup.accept('trade', 'D', 1);
    expect(dedup.size).toBe(3);
    expect(dedup.evictions).toBe(1);
    expect(dedup.last('trade', 'B')).toBeUndefined();
    expect(dedup.last('trade', 'A')).toBe(2);
    // The cost of eviction, as documented: an evicted key accepts its next id whatever it is.
    expect(dedup.accept('trade', 'B', 1)).toBe(true);
  });

  it('stays within maxKeys over any stream of keys', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(fc.tuple(fc.constantFrom('trade', 'depth'), fc.integer({ min: 0, max: 20 })), { maxLength: 200 }), (maxKeys, keys) => {
        const dedup = new Dedup({ maxKeys });
        keys.forEach(([stream, symbol], i) => {
          dedup.accept(stream, `S${symbol}`, i);
          expect(dedup.size).toBeLessThanOrEqual(maxKeys);
        });
      }),
    );
  });

  it('refuses a maxKeys that is not a whole number ≥ 1', () => {
    expect(() => new Dedup({ maxKeys: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
