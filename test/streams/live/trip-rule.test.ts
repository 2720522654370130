import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anyOf, consecutiveFailures, failureRatio, TripTracker, type TripRule } from '../../../streams/live/trip-rule.js';

function feed(rule: TripRule, outcomes: string): boolean[] {
  const tracker = new TripTracker(rule);
  return [...outcomes].map((c) => tracker.record(c === 'x'));
}

describe('TripTracker', () => {
  it('trips on the n-th failure in a row, and a success starts the count again', () => {
    expect(feed(consecutiveFailures(3), 'xx.xxx')).toEqual([false, false, false, false, false, true]);
  });

  it('judges a failure ratio only once minCalls outcomes are known, inclusively', () => {
    // 2 of 4 is 0.5: trips at the 4th outcome, not before (minCalls 4).
    expect(feed(failureRatio(0.5, 4), 'xx..')).toEqual([false, false, false, true]);
    expect(feed(failureRatio(0.5, 4, 2), 'x.')).toEqual([false, true]);
  });

  it('compares ratios exactly where multiplication would round (7 of 25 is 0.28, though 0.28 × 25 > 7 in floats)', () => {
    const tracker = new TripTracker(failureRatio(0.28, 25));
    let last = false;
    for (let i = 0; i < 25; i++) last = tracker.record(i >= 18);
    expect(last).toBe(true);
  });

  it('trips when any combined rule trips', () => {
    const rule = anyOf(consecutiveFailures(3), failureRatio(0.5, 10));
    expect(feed(rule, 'xxx').at(-1)).toBe(true);
    expect(feed(rule, 'x.x.x.x.x.').at(-1)).toBe(true);
    expect(feed(rule, 'x...x...x.').at(-1)).toBe(false);
  });

  it('forgets everything on reset', () => {
    const tracker = new TripTracker(anyOf(consecutiveFailures(2), failureRatio(0.5, 4)));
    tracker.record(true);
    tracker.record(false);
    tracker.record(true);
    tracker.reset();
    expect(tracker.record(true)).toBe(false);
    expect(tracker.tripped()).toBe(false);
  });

  it('refuses invalid rules with CONFIG_INVALID', () => {
    for (const rule of [consecutiveFailures(0), failureRatio(0, 10), failureRatio(1.5, 10), failureRatio(0.5, 10, 11), failureRatio(0.5, 200_000), anyOf()]) {
      expect(() => new TripTracker(rule)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });

  it('agrees with a naive recount of every window over any outcome sequence', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 100 }),
        (outcomes, consecutive, windowA, windowB, pct) => {
          const ratio = pct / 100;
          const rule = anyOf(consecutiveFailures(consecutive), failureRatio(ratio, windowA, Math.ceil(windowA / 2)), failureRatio(ratio, windowB));
          const tracker = new TripTracker(rule);
          let run = 0;
          outcomes.forEach((failed, i) => {
            run = failed ? run + 1 : 0;
            const ratioTrips = (w: number, min: number) => {
              const seen = outcomes.slice(Math.max(0, i + 1 - w), i + 1);
              return seen.length >= min && seen.filter(Boolean).length / seen.length >= ratio;
            };
            const expected = run >= consecutive || ratioTrips(windowA, Math.ceil(windowA / 2)) || ratioTrips(windowB, windowB);
            expect(tracker.record(failed)).toBe(expected);
          });
        },
      ),
    );
  });
});
