import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { durationSchema, durationTextSchema, formatDuration, microsecondsSchema, parseDuration } from '../../src/model/duration.js';
import { isTickflowError, type TickflowError } from '../../src/runtime/errors.js';

const US: Readonly<Record<string, number>> = { d: 86_400_000_000, h: 3_600_000_000, m: 60_000_000, s: 1_000_000, ms: 1_000, us: 1 };
const ORDER = ['d', 'h', 'm', 's', 'ms', 'us'] as const;

function errorOf(text: unknown): TickflowError {
  try {
    parseDuration(text as string);
  } catch (error) {
    if (isTickflowError(error, 'CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('parseDuration', () => {
  it.each([
    ['0s', 0],
    ['750us', 750],
    ['750µs', 750],
    ['750μs', 750],
    ['250ms', 250_000],
    ['2s', 2_000_000],
    ['1m', 60_000_000],
    ['90m', 5_400_000_000],
    ['1h', 3_600_000_000],
    ['1d', 86_400_000_000],
    ['1m30s', 90_000_000],
    ['1s500ms', 1_500_000],
    ['1d2h3m4s5ms6us', 93_784_005_006],
    [' 10s ', 10_000_000],
  ])('reads %j as %d µs', (text, us) => {
    expect(parseDuration(text)).toBe(us);
  });

  it('refuses a bare number, saying it needs a unit', () => {
    for (const text of ['10', '0', '2.5', '-5', '1e3'] as const) {
      const error = errorOf(text);
      expect(error.message).toMatch(/^a bare number is not a duration: ".*" needs a unit/);
      expect(error.message).toContain(JSON.stringify(text));
      expect(error.context).toEqual({ text });
    }
    expect(errorOf(10).message).toMatch(/^a bare number is not a duration: 10 needs a unit, e.g. "10ms" or "10s"/);
  });

  it.each([
    ['', /cannot be empty/],
    ['soon', /"soon" is not a duration; write whole numbers with units/],
    ['10 s', /"10 s" is not a duration/],
    ['1.5s', /"1\.5s" has a fraction; write whole units/],
    ['-1s', /cannot be negative/],
    ['10S', /"10S" is not a duration/],
    ['10sec', /"10sec" is not a duration/],
    ['30s1m', /each unit once, largest first/],
    ['1s1s', /each unit once, largest first/],
    ['1m 30s', /is not a duration/],
    ['s', /is not a duration/],
    ['1x', /is not a duration/],
    ['99999999999999999999d', /too long/],
  ])('refuses %j, quoting it', (text, message) => {
    expect(errorOf(text).message).toMatch(message);
  });

  it('reads the largest safe number of microseconds and refuses one more', () => {
    expect(parseDuration(`${Number.MAX_SAFE_INTEGER}us`)).toBe(Number.MAX_SAFE_INTEGER);
    expect(errorOf(`${BigInt(Number.MAX_SAFE_INTEGER) + 1n}us`).message).toMatch(/too long/);
  });
});

describe('formatDuration', () => {
  it('writes the largest units first and leaves zero parts out', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(90_000_000)).toBe('1m30s');
    expect(formatDuration(1_500)).toBe('1ms500us');
    expect(formatDuration(86_400_000_000)).toBe('1d');
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
  });

  it('round-trips: parse(format(us)) is us, for every safe number of microseconds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.nat({ max: 10 * US.d! })), (us) => {
        expect(parseDuration(formatDuration(us))).toBe(us);
      }),
    );
  });

  it('reads any written sequence of parts, largest unit first, as the sum of its parts', () => {
    const parts = fc.subarray([...ORDER], { minLength: 1 }).chain((units) => fc.tuple(...units.map((u) => fc.tuple(fc.constant(u), fc.nat({ max: 10_000 })))));
    fc.assert(
      fc.property(parts, (ps) => {
        const text = ps.map(([u, n]) => `${n}${u}`).join('');
        expect(parseDuration(text)).toBe(ps.reduce((sum, [u, n]) => sum + n * US[u]!, 0));
      }),
    );
  });

  it('never reads a bare number, whatever its digits', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)), (text) => {
        expect(errorOf(text).message).toMatch(/bare number/);
      }),
    );
  });
});

describe('duration schemas', () => {
  const schema = z.object({ maxAge: durationSchema(), lateness: durationTextSchema({ allowZero: true }).optional(), timeoutUs: microsecondsSchema().optional() });
  const issues = (input: unknown) => {
    const result = schema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('turns text into microseconds, or keeps checked text', () => {
    expect(schema.parse({ maxAge: '20ms', lateness: ' 0s ', timeoutUs: 5 })).toEqual({ maxAge: 20_000, lateness: '0s', timeoutUs: 5 });
  });

  it('names the path and quotes the value', () => {
    expect(issues({ maxAge: 20 })).toEqual([expect.stringMatching(/^maxAge: a bare number is not a duration: 20 needs a unit/)]);
    expect(issues({ maxAge: '0ms' })).toEqual([expect.stringMatching(/^maxAge: must be longer than 0, got "0ms"/)]);
    expect(issues({ maxAge: '1s', lateness: 'late' })).toEqual([expect.stringMatching(/^lateness: "late" is not a duration/)]);
    expect(issues({ maxAge: ['1s'] })).toEqual([expect.stringMatching(/^maxAge: a duration is text such as "10s", got a list/)]);
    expect(issues({})).toEqual([expect.stringMatching(/^maxAge: /)]);
  });

  it('takes a key ending in Us as integer microseconds only, saying what to write', () => {
    expect(issues({ maxAge: '1s', timeoutUs: '60s' })).toEqual([expect.stringMatching(/^timeoutUs: this key is integer microseconds .*: write 60000000 for "60s"/)]);
    expect(issues({ maxAge: '1s', timeoutUs: 1.5 })).toEqual([expect.stringMatching(/^timeoutUs: this key is integer microseconds/)]);
    expect(issues({ maxAge: '1s', timeoutUs: 0 })).toEqual([expect.stringMatching(/^timeoutUs: must be at least 1 µs/)]);
  });
});
