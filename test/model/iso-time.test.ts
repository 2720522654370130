import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/model/iso-time.js';

describe('isoTime', () => {
  it('writes engine microseconds as ISO 8601 UTC with six decimals', () => {
    expect(isoTime(0)).toBe('1970-01-01T00:00:00.000000Z');
    expect(isoTime(1_704_067_200_186_143)).toBe('2024-01-01T00:00:00.186143Z');
    expect(isoTime(1_704_067_260_000_001)).toBe('2024-01-01T00:01:00.000001Z');
  });

  it('keeps the microseconds right before the epoch', () => {
    expect(isoTime(-1)).toBe('1969-12-31T23:59:59.999999Z');
  });

  it('refuses a time that is not an integer', () => {
    expect(() => isoTime(1.5)).toThrow(RangeError);
  });
});
