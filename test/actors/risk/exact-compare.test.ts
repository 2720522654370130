import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareGridScaled, compareScaled, gridReachesLimit, reachesLimit } from '../../../actors/risk/exact-compare.js';

const gridCount = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.constantFrom(0, 1, -1, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 52, 999_999_999_999_999),
  fc.maxSafeInteger(),
);
const units = fc.oneof(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.bigInt({ min: -1_000_000n, max: 1_000_000n }));
const scale = fc.integer({ min: 0, max: 30 });

describe('compareGridScaled', () => {
  it('agrees with compareScaled on the same count as a bigint, at any scales', () => {
    fc.assert(
      fc.property(gridCount, scale, units, scale, (a, aScale, b, bScale) => {
        expect(compareGridScaled(a, aScale, b, bScale)).toBe(compareScaled(BigInt(a), aScale, b, bScale));
      }),
      { numRuns: 20_000 },
    );
  });

  it('tells apart counts that differ by one unit beyond 2^53 once scaled', () => {
    // 2^53 - 1 lots at scale 0 against the same at scale 3: equal; one unit more or less is not.
    const max = Number.MAX_SAFE_INTEGER;
    expect(compareGridScaled(max, 0, BigInt(max) * 1000n, 3)).toBe(0);
    expect(compareGridScaled(max, 0, BigInt(max) * 1000n + 1n, 3)).toBe(-1);
    expect(compareGridScaled(max, 0, BigInt(max) * 1000n - 1n, 3)).toBe(1);
    expect(compareGridScaled(3, 0, 3n * 10n ** 25n, 25)).toBe(0);
  });
});

describe('gridReachesLimit', () => {
  it('is reached exactly at the limit, for lots as for bigints', () => {
    const limit = { units: 15n, scale: 1 }; // 1.5
    expect(gridReachesLimit(1_499, 3, limit)).toBe(false);
    expect(gridReachesLimit(1_500, 3, limit)).toBe(true);
    expect(gridReachesLimit(2, 0, limit)).toBe(true);
    expect(gridReachesLimit(1, 0, limit)).toBe(false);
    expect(reachesLimit(1_500n, 3, limit)).toBe(true);
  });
});
