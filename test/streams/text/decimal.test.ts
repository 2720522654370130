import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nanosToMicrosBytes, parseDecimalBytes, parseUnsignedBytes, secondsToMicrosBytes } from '../../../streams/text/ascii-bytes.js';
import { parseDecimal, parseUnsigned, secondsToMicros } from '../../../streams/text/decimal.js';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
/** Decimal text as venues write it: optional sign, digits, optional fraction (trailing zeros included). */
const decimalText = fc
  .tuple(fc.constantFrom('', '-'), digits(1, 20), fc.option(digits(0, 25), { nil: undefined }))
  .map(([sign, int, frac]) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}`);

function both(text: string): [number, number] {
  return [parseDecimal(`#${text}#`, 1, text.length + 1), parseDecimalBytes(Buffer.from(`#${text}#`, 'latin1'), 1, text.length + 1)];
}

describe('parseDecimal and parseDecimalBytes', () => {
  it('give the same double as Number for decimal text', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const [a, b] = both(text);
        expect(Object.is(a, Number(text))).toBe(true);
        expect(Object.is(b, Number(text))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('give back every double from its shortest text, exponents included', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const [a, b] = both(String(x));
        expect(Object.is(a, Number(String(x)))).toBe(true);
        expect(Object.is(b, Number(String(x)))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('parses the venue prices exactly as Number does', () => {
    for (const text of ['61837.63000000', '0.00000000', '1000.00', '606.675', '0.1', '9007199254740993', '1e-7', '.5', '5.']) {
      expect(both(text)).toEqual([Number(text), Number(text)]);
    }
  });

  it('returns NaN for anything that is not a decimal', () => {
    for (const text of ['', '-', '.', 'abc', '1.2.3', '1,5', '0x10', 'Infinity', '1e', '--1', ' 1', '1 ', 'e5']) {
      const [a, b] = both(text);
      expect(a, text).toBeNaN();
      expect(b, text).toBeNaN();
    }
  });
});

describe('integer and time helpers', () => {
  it('parse unsigned integers up to the safe limit', () => {
    expect(parseUnsigned('x12345y', 1, 6)).toBe(12345);
    expect(parseUnsignedBytes(Buffer.from('9007199254740991'), 0, 16)).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseUnsignedBytes(Buffer.from('9007199254740993'), 0, 16)).toBe(-1);
    expect(parseUnsigned('12a', 0, 3)).toBe(-1);
    expect(parseUnsigned('', 0, 0)).toBe(-1);
  });

  it('truncates nanoseconds to microseconds', () => {
    expect(nanosToMicrosBytes(Buffer.from('1723161253937085768'), 0, 19)).toBe(1723161253937085);
    expect(nanosToMicrosBytes(Buffer.from('999'), 0, 3)).toBe(0);
    expect(nanosToMicrosBytes(Buffer.from('17231612539370857x8'), 0, 19)).toBe(-1);
  });

  it('rounds decimal seconds to the microsecond, half up', () => {
    for (const parse of [(t: string) => secondsToMicros(t, 0, t.length), (t: string) => secondsToMicrosBytes(Buffer.from(t), 0, t.length)]) {
      expect(parse('1626992741.06217')).toBe(1626992741062170);
      expect(parse('1626992742.2895691')).toBe(1626992742289569);
      expect(parse('1626992742.2895695')).toBe(1626992742289570);
      expect(parse('1626992742')).toBe(1626992742000000);
      expect(parse('16269927x2.1')).toBe(-1);
      expect(parse('1626992742.1x')).toBe(-1);
    }
  });
});
