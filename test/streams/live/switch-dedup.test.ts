import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/model/records.js';
import { SwitchDedup } from '../../../streams/live/switch-dedup.js';
import { diff, quote, snapshot, trade } from './fake-source.js';

describe('SwitchDedup', () => {
  it('passes a trade id once per symbol, whichever source brings it', () => {
    const d = new SwitchDedup();
    expect([d.accept(trade(1, 0), 0), d.accept(trade(2, 0), 0), d.accept(trade(2, 1), 1), d.accept(trade(1, 1, 'ETHUSDT'), 1), d.accept(trade(3, 1), 1)]).toEqual([true, true, false, true, true]);
    expect(d.duplicates).toBe(1);
  });

  it('skips a depth snapshot the book downstream is already past, and moves the key to a newer one', () => {
    const d = new SwitchDedup();
    expect(d.accept(diff(1, 10, 0), 0)).toBe(true);
    expect(d.accept(snapshot(10, 1), 1)).toBe(false);
    expect(d.accept(snapshot(20, 1), 1)).toBe(true);
    expect(d.accept(diff(15, 20, 1), 1)).toBe(false);
    expect(d.accept(diff(21, 22, 1), 1)).toBe(true);
    expect([d.staleSnapshots, d.duplicates]).toEqual([1, 1]);
  });

  it('skips a quote older than the last one, and an equal one from another source only', () => {
    const d = new SwitchDedup();
    expect(d.accept(quote(10, 100), 0)).toBe(true);
    expect(d.accept(quote(10, 101), 0)).toBe(true);
    expect(d.accept(quote(10, 102), 1)).toBe(false);
    expect(d.accept(quote(9, 99), 1)).toBe(false);
    expect(d.accept(quote(11, 103), 1)).toBe(true);
    expect([d.repeatedQuotes, d.staleQuotes]).toEqual([1, 1]);
  });

  it('returns the chunk itself when everything passes, and a restamped copy otherwise', () => {
    const d = new SwitchDedup();
    const chunk = [trade(1, 10), trade(2, 20)];
    expect(d.filter(chunk, 0)).toBe(chunk);
    const late = [trade(2, 15), trade(3, 15), trade(4, 30)];
    const out = d.filter(late, 1);
    expect(out.map((r) => [r.type === 'trade' ? r.id : '', r.tsRecv])).toEqual([['3', 20], ['4', 30]]);
    expect(late[1]!.tsRecv).toBe(15);
    expect(d.restamped).toBe(1);
  });

  it('delivers the union of overlapping trade streams once, in id order, with receive times never going back (property)', () => {
    const segment = fc.tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 50 }));
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), (segments) => {
        const d = new SwitchDedup();
        const out: MarketRecord[] = [];
        const want: number[] = [];
        let t = 0;
        // Each source takes over somewhere at or before where the last one stopped (overlap), or after it (a hole).
        segments.forEach(([from, length], source) => {
          const chunk = Array.from({ length }, (_, i) => trade(from + i, (t += 1) - (i === 0 ? 5 : 0)));
          out.push(...d.filter(chunk, source));
          for (let i = 0; i < length; i++) if (want.length === 0 || from + i > want.at(-1)!) want.push(from + i);
        });
        const ids = out.map((r) => (r.type === 'trade' ? Number(r.id) : 0));
        expect(ids).toEqual(want);
        expect(out.every((r, i) => i === 0 || r.tsRecv >= out[i - 1]!.tsRecv)).toBe(true);
      }),
    );
  });
});
