import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../streams/live/retry-after.js';

const WALL_US = Date.UTC(2024, 0, 1, 0, 0, 0) * 1000; // Mon, 01 Jan 2024 00:00:00 GMT
const wall = () => WALL_US;

describe('parseRetryAfter', () => {
  it('reads delta-seconds as whole seconds in µs', () => {
    expect(parseRetryAfter('120', wall)).toBe(120_000_000);
    expect(parseRetryAfter(' 0 ', wall)).toBe(0);
    expect(parseRetryAfter(['7', '9'], wall)).toBe(7_000_000);
  });

  it('caps an absurd delta at the largest safe µs instead of overflowing', () => {
    expect(parseRetryAfter('99999999999999999999999', wall)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseRetryAfter('9007199254', wall)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('reads the three HTTP-date forms against the wall clock', () => {
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:02:00 GMT', wall)).toBe(120_000_000);
    expect(parseRetryAfter('Monday, 01-Jan-24 00:02:00 GMT', wall)).toBe(120_000_000);
    expect(parseRetryAfter('Mon Jan  1 00:02:00 2024', wall)).toBe(120_000_000);
  });

  it('gives 0 for a date already past', () => {
    expect(parseRetryAfter('Sun, 31 Dec 2023 23:59:00 GMT', wall)).toBe(0);
  });

  it('returns undefined for absent or malformed values', () => {
    for (const bad of [undefined, null, '', '   ', '-1', '1.5', '10s', 'tomorrow', 'Mon, 31 Feb 2024 00:00:00 GMT', 'Mon, 01 Foo 2024 00:00:00 GMT', 'Mon, 01 Jan 2024 25:00:00 GMT', '2024-01-01T00:02:00Z']) {
      expect(parseRetryAfter(bad, wall)).toBeUndefined();
    }
  });

  it('reads the wall clock only for dates', () => {
    let reads = 0;
    const counting = () => (reads++, WALL_US);
    parseRetryAfter('30', counting);
    expect(reads).toBe(0);
    parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', counting);
    expect(reads).toBeGreaterThan(0);
  });

  it('reads any IMF-fixdate written by toUTCString back as its distance from the wall clock', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400 }), fc.integer({ min: 0, max: 999_999 }), (seconds, subSecondUs) => {
        const now = WALL_US + subSecondUs;
        const at = WALL_US + seconds * 1_000_000;
        const header = new Date(at / 1000).toUTCString();
        expect(parseRetryAfter(header, () => now)).toBe(Math.max(0, at - now));
      }),
    );
  });
});
