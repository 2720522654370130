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

describe('RateWindow.resized', () => {
  it('keeps the latest events, as many as the new limit holds, and counts them on the new interval', () => {
    const w = new RateWindow(3, 1_000);
    w.record(0);
    w.record(10);
    w.record(20);
    const wider = w.resized(5, 2_000);
    expect(wider.count(1_500)).toBe(3); // all three still inside the 2,000 µs window
    const narrower = w.resized(2, 100);
    expect(narrower.count(20)).toBe(2); // the two latest
    expect(narrower.count(111)).toBe(1); // 10 left at 110, on the new interval
    expect(narrower.count(120)).toBe(0);
    expect(w.count(20)).toBe(3); // the original is left as it was
  });
});
