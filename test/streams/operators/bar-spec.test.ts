import { describe, expect, it } from 'vitest';
import { TickflowError } from '../../../src/runtime/errors.js';
import { parseBarSpec, type BarSpecOptions } from '../../../streams/operators/bar-spec.js';

function errorOf(text: string, options?: BarSpecOptions): TickflowError {
  try {
    parseBarSpec(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(TickflowError);
    return error as TickflowError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseBarSpec', () => {
  it.each([
    ['1s', 1_000_000],
    ['5s', 5_000_000],
    ['1m', 60_000_000],
    ['15m', 900_000_000],
    ['1h', 3_600_000_000],
    ['1d', 86_400_000_000],
    ['250ms', 250_000],
  ])('parses the time bar %s into an interval of %d µs on engine time', (text, intervalUs) => {
    expect(parseBarSpec(text)).toEqual({
      text,
      kind: 'time',
      intervalUs,
      tickCount: 0,
      volumeThreshold: 0,
      quoteSource: null,
      timeBase: 'engine',
      latenessUs: 0,
    });
  });

  it('parses tick bars', () => {
    expect(parseBarSpec('100t')).toMatchObject({ kind: 'tick', tickCount: 100, intervalUs: 0, volumeThreshold: 0 });
  });

  it('parses volume bars, fractional thresholds included', () => {
    expect(parseBarSpec('10v')).toMatchObject({ kind: 'volume', volumeThreshold: 10, tickCount: 0 });
    expect(parseBarSpec('0.5v')).toMatchObject({ kind: 'volume', volumeThreshold: 0.5 });
  });

  it.each(['mid', 'bid', 'ask'] as const)('parses quote bars on %s', (source) => {
    expect(parseBarSpec(`1m:${source}`)).toMatchObject({
      text: `1m:${source}`,
      kind: 'quote',
      intervalUs: 60_000_000,
      quoteSource: source,
    });
  });

  it('reads the interval in the project\'s one duration grammar', () => {
    expect(parseBarSpec('1m30s').intervalUs).toBe(90_000_000);
    expect(parseBarSpec('500us:mid')).toMatchObject({ kind: 'quote', intervalUs: 500 });
    expect(errorOf('10').message).toMatch(/bare number is not a duration/);
    expect(parseBarSpec('1s', { timeBase: 'venue', lateness: '0s' }).latenessUs).toBe(0);
  });

  it('trims surrounding whitespace and keeps the trimmed text as the interval name', () => {
    expect(parseBarSpec(' 1m ').text).toBe('1m');
  });

  it('takes venue time with a lateness as a duration string or microseconds', () => {
    expect(parseBarSpec('1s', { timeBase: 'venue', lateness: '500ms' })).toMatchObject({
      timeBase: 'venue',
      latenessUs: 500_000,
    });
    expect(parseBarSpec('1m:mid', { timeBase: 'venue', latenessUs: 2_000_000 })).toMatchObject({
      kind: 'quote',
      timeBase: 'venue',
      latenessUs: 2_000_000,
    });
    expect(parseBarSpec('1s', { timeBase: 'venue' }).latenessUs).toBe(0);
  });

  it.each(['', 'abc', '1x', '0s', '0t', '0v', '-1s', '1.5s', '1m:last', '100t:mid', '10v:bid', 's', 'mid', '1 m'])(
    'rejects %j with CONFIG_INVALID naming the text and listing the valid forms',
    (text) => {
      const error = errorOf(text);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.message).toContain(`"${text.trim()}"`);
      expect(error.message).toContain('100t');
      expect(error.message).toContain('10v');
      expect(error.message).toContain('1m:mid');
      expect(error.context).toEqual({ spec: text.trim() });
    },
  );

  it('rejects lateness on engine time', () => {
    const error = errorOf('1s', { lateness: '1s' });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.context).toEqual({ spec: '1s', option: 'lateness' });
  });

  it('rejects venue time on tick and volume bars', () => {
    expect(errorOf('100t', { timeBase: 'venue' }).context).toEqual({ spec: '100t', option: 'timeBase' });
    expect(errorOf('10v', { timeBase: 'venue' }).context).toEqual({ spec: '10v', option: 'timeBase' });
  });

  it('rejects a malformed lateness and an unknown time base', () => {
    expect(errorOf('1s', { timeBase: 'venue', lateness: 'soon' }).message).toContain('"soon"');
    expect(errorOf('1s', { timeBase: 'venue', latenessUs: -5 }).code).toBe('CONFIG_INVALID');
    expect(errorOf('1s', { timeBase: 'venue', lateness: '500' }).message).toMatch(/bare number is not a duration/);
    expect(errorOf('1s', { timeBase: 'venue', lateness: '1s', latenessUs: 1 }).context).toEqual({ spec: '1s', option: 'lateness' });
    expect(errorOf('1s', { timeBase: 'exchange' as 'venue' }).context).toEqual({ spec: '1s', option: 'timeBase' });
  });
});
