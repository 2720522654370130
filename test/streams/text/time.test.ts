import { describe, expect, it } from 'vitest';
import { formatDurationUs, parseTimeUs } from '../../../streams/text/time.js';

const t = (text: string) => parseTimeUs(text, 0, text.length);

describe('parseTimeUs', () => {
  it('reads ISO dates and date-times as UTC unless a zone is given', () => {
    expect(t('2000-01-03')).toBe(Date.UTC(2000, 0, 3) * 1000);
    expect(t('2021-12-31 23:01:00.000000')).toBe(Date.UTC(2021, 11, 31, 23, 1) * 1000);
    expect(t('2013-01-01 22:00:00.295000+00:00')).toBe(Date.UTC(2013, 0, 1, 22, 0, 0, 295) * 1000);
    expect(t('2013-01-01T22:00:00.2951239Z')).toBe(Date.UTC(2013, 0, 1, 22, 0, 0, 295) * 1000 + 123);
    expect(t('2013-01-01T22:00:00-05:00')).toBe(Date.UTC(2013, 0, 2, 3) * 1000);
    expect(t('2013-01-01T22:00+0130')).toBe(Date.UTC(2013, 0, 1, 20, 30) * 1000);
  });

  it('reads epoch numbers by their digit count', () => {
    expect(t('1583020803')).toBe(1583020803_000000);
    expect(t('1583020803145')).toBe(1583020803145_000);
    expect(t('1583020803145000')).toBe(1583020803145000);
    expect(t('1583020803145000123')).toBe(1583020803145000);
    expect(t('1583020803.5')).toBe(1583020803_500000);
  });

  it('rejects malformed times', () => {
    for (const bad of ['', '2000-13-01', '2000-01-01X10:00', '2000-01-01 25:00', '2000-01-01 10:00:00.', '2000-01-01 10:00+99:00', 'abc', '12:00']) {
      expect(t(bad), bad).toBeNaN();
    }
  });
});

describe('formatDurationUs', () => {
  it('names a duration by its largest whole unit', () => {
    expect(formatDurationUs(60_000_000)).toBe('1m');
    expect(formatDurationUs(86_400_000_000)).toBe('1d');
    expect(formatDurationUs(5_000)).toBe('5ms');
    expect(formatDurationUs(90_000_000)).toBe('90s');
    expect(formatDurationUs(1_500)).toBe('1500us');
  });
});
