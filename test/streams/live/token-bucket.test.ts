import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND, SimulatedClock } from '../../../src/runtime/clock.js';
import { perInterval, perSecond, TokenBucket, type TokenBucketPolicy } from '../../../streams/live/token-bucket.js';

const policyArb = fc.record({
  capacity: fc.integer({ min: 1, max: 50 }),
  refillTokens: fc.integer({ min: 1, max: 20 }),
  refillIntervalUs: fc.integer({ min: 1, max: 5_000_000 }),
});

describe('TokenBucket', () => {
  it('starts full, bursts to capacity, then refuses', () => {
    const bucket = new TokenBucket(perSecond(5), 0);
    for (let i = 0; i < 5; i++) expect(bucket.tryTake(0)).toBe(true);
    expect(bucket.tryTake(0)).toBe(false);
    expect(bucket.available(0)).toBe(0);
  });

  it('refills one token per 1/rate seconds on the simulated clock', () => {
    const clock = new SimulatedClock(1_000);
    const bucket = new TokenBucket(perSecond(5), clock.now());
    expect(bucket.tryTake(clock.now(), 5)).toBe(true);
    clock.advanceTo(1_000 + 199_999);
    expect(bucket.tryTake(clock.now())).toBe(false);
    clock.advanceTo(1_000 + 200_000);
    expect(bucket.tryTake(clock.now())).toBe(true);
    expect(bucket.nextAvailableAt(clock.now())).toBe(1_000 + 400_000);
  });

  it('never grants more than the capacity, however long it idles', () => {
    const bucket = new TokenBucket(perSecond(5, 3), 0);
    expect(bucket.available(1_000 * 86_400 * SECOND)).toBe(3);
    expect(bucket.tryTake(1_000 * 86_400 * SECOND, 4)).toBe(false);
  });

  it('never grants a request larger than the capacity, or a malformed count', () => {
    const bucket = new TokenBucket(perSecond(5), 0);
    expect(bucket.tryTake(0, 6)).toBe(false);
    expect(bucket.nextAvailableAt(0, 6)).toBe(Number.POSITIVE_INFINITY);
    expect(bucket.tryTake(0, -1)).toBe(false);
    expect(bucket.tryTake(0, 0.5)).toBe(false);
    expect(bucket.available(0)).toBe(5);
  });

  it('treats time going backwards as no time passing', () => {
    const bucket = new TokenBucket(perSecond(1), 10 * SECOND);
    expect(bucket.tryTake(10 * SECOND)).toBe(true);
    expect(bucket.tryTake(5 * SECOND)).toBe(false);
    expect(bucket.nextAvailableAt(5 * SECOND)).toBe(11 * SECOND);
  });

  it('refuses policies that are not positive whole numbers, or too large to stay exact', () => {
    const bad: TokenBucketPolicy[] = [
      { capacity: 0, refillTokens: 1, refillIntervalUs: 1 },
      { capacity: 1, refillTokens: 1.5, refillIntervalUs: 1 },
      { capacity: 1, refillTokens: 1, refillIntervalUs: 0 },
      { capacity: 1e9, refillTokens: 1, refillIntervalUs: 1e8 },
    ];
    for (const policy of bad) {
      expect(() => new TokenBucket(policy)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });

  it('grants exactly capacity + ⌊rate × T⌋ to a greedy taker over a year of 1200-per-minute (no drift)', () => {
    const bucket = new TokenBucket(perInterval(1200, MINUTE), 0);
    let granted = 0;
    let refusedWrongly = 0;
    let t = 0;
    const end = 365 * 86_400 * SECOND;
    // Ask at uneven steps (about 7.3 s) so refills never line up with token boundaries.
    while (t <= end) {
      // Plain checks in the loop: four million expect() calls would take a minute.
      const k = bucket.available(t);
      if (!bucket.tryTake(t, k) || bucket.tryTake(t)) refusedWrongly++;
      granted += k;
      t += 7_333_333;
    }
    const last = t - 7_333_333;
    expect(refusedWrongly).toBe(0);
    expect(granted).toBe(1200 + Math.floor((last * 1200) / MINUTE));
  });

  it('grants at most capacity + rate × W tokens in any window of W µs, over any schedule', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3_000_000 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 150 }),
        (policy, steps) => {
          const bucket = new TokenBucket(policy, 0);
          const grants: [at: number, n: number][] = [];
          let t = 0;
          for (const [dt, n] of steps) {
            t += dt;
            if (bucket.tryTake(t, n)) grants.push([t, n]);
          }
          // Every window that starts and ends at a grant: tokens × interval ≤ capacity × interval + W × refill.
          for (let i = 0; i < grants.length; i++) {
            let tokens = 0;
            for (let j = i; j < grants.length; j++) {
              tokens += grants[j]![1];
              const w = grants[j]![0] - grants[i]![0];
              expect(tokens * policy.refillIntervalUs).toBeLessThanOrEqual(policy.capacity * policy.refillIntervalUs + w * policy.refillTokens);
            }
          }
        },
      ),
    );
  });

  it('grants at exactly nextAvailableAt and not one µs before', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.array(fc.integer({ min: 0, max: 2_000_000 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 50 }),
        (policy, gaps, want) => {
          const n = Math.min(want, policy.capacity);
          let t = 0;
          const bucket = new TokenBucket(policy, 0);
          for (const gap of gaps) bucket.tryTake((t += gap), 1);
          const at = bucket.nextAvailableAt(t, n);
          expect(at).toBeGreaterThanOrEqual(t);
          if (at > t) {
            const twin = new TokenBucket(policy, 0);
            let u = 0;
            for (const gap of gaps) twin.tryTake((u += gap), 1);
            expect(twin.tryTake(at - 1, n)).toBe(false);
          }
          expect(bucket.tryTake(at, n)).toBe(true);
        },
      ),
    );
  });
});
