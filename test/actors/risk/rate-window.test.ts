import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateWindow } from '../../../actors/risk/rate-window.js';

describe('RateWindow', () => {
  it('is full at maxEvents within the interval and slides on engine time', () => {
    const w = new RateWindow(2, 1_000);
    w.record(0);
    expect(w.isFull(10)).toBe(false);
    w.record(10);
    expect(w.isFull(999)).toBe(true);
    // The event at 0 leaves the window at exactly 0 + interval.
    expect(w.isFull(1_000)).toBe(false);
    w.record(1_000);
    expect(w.count(1_000)).toBe(2);
    expect(w.isFull(1_009)).toBe(true);
    expect(w.isFull(1_010)).toBe(false);
    expect(w.count(5_000)).toBe(0);
  });

  it('counts exactly the admitted events inside (now - interval, now] (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 80 }), (max, interval, gaps) => {
        const w = new RateWindow(max, interval);
        const admitted: number[] = [];
        let now = 0;
        for (const gap of gaps) {
          now += gap;
          const inWindow = admitted.filter((t) => t > now - interval).length;
          expect(w.count(now)).toBe(inWindow);
          expect(w.isFull(now)).toBe(inWindow >= max);
          if (!w.isFull(now)) {
            w.record(now);
            admitted.push(now);
          }
          expect(w.count(now)).toBeLessThanOrEqual(max);
        }
      }),
    );
  });
});
