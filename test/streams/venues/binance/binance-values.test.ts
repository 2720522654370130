import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cursor, shortDecimalAt, shortDecimalUntilQuote, unsignedAt } from '../../../../streams/venues/binance/binance-values.js';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

/** Decimal text in the short form: up to 9 digits each side of an optional point, 1 to 15 in all. */
const shortDecimal = fc
  .tuple(digits(0, 9), fc.option(fc.oneof(digits(8, 8), digits(0, 9)), { nil: undefined }))
  .filter(([whole, fraction]) => whole.length + (fraction?.length ?? 0) > 0 && whole.length + (fraction?.length ?? 0) <= 15 && (whole.length > 0 || fraction !== undefined))
  .map(([whole, fraction]) => (fraction === undefined ? whole : `${whole}.${fraction}`));

/** `text` as a JSON string closing an object, as the fast paths meet a last value. */
function inObject(text: string): Buffer {
  return Buffer.from(`"${text}"}`, 'latin1');
}

describe('shortDecimalAt', () => {
  it('reads decimal text in the short form as Number(text), to the bit, cursor past the quote (property)', () => {
    fc.assert(
      fc.property(shortDecimal, (text) => {
        const bytes = inObject(text);
        const value = shortDecimalAt(bytes, 0);
        expect([Object.is(value, Number(text)) ? 'same' : value, cursor]).toEqual(['same', text.length + 2]);
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads Binance spot prices and amounts (7 digits at most, 8 after the point) as Number(text) (property)', () => {
    fc.assert(
      fc.property(digits(1, 7), digits(8, 8), (whole, fraction) => {
        const text = `${whole}.${fraction}`;
        expect(Object.is(shortDecimalAt(inObject(text), 0), Number(text)) ? 'same' : text).toBe('same');
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with shortDecimalUntilQuote on any text, value and end (property)', () => {
    const text = fc.string({ unit: fc.constantFrom(...'0123456789.."e-+x\\ '), maxLength: 24 });
    fc.assert(
      fc.property(text, (t) => {
        const bytes = inObject(t);
        const at = shortDecimalAt(bytes, 0);
        const atCursor = cursor;
        const untilQuote = shortDecimalUntilQuote(bytes, 1, bytes.length - 1);
        const untilCursor = cursor;
        expect({ value: at, end: atCursor }).toEqual({ value: untilQuote, end: untilCursor < 0 ? -1 : untilCursor + 1 });
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses a non-digit among the 8 after the point, and more than 15 digits', () => {
    for (const text of ['1.0000000x', '1.-0000000', '1.00000:00', '1234567890.12345678', '1234567.123456789', '1e5', '-1.5', '', '.']) {
      expect([text, shortDecimalAt(inObject(text), 0)]).toEqual([text, NaN]);
      expect(cursor).toBe(-1);
    }
  });
});

describe('unsignedAt', () => {
  it('reads up to the largest safe integer exactly and refuses the next (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 54n }), (n) => {
        const bytes = Buffer.from(`${n}}`, 'latin1');
        const value = unsignedAt(bytes, 0);
        if (n <= BigInt(Number.MAX_SAFE_INTEGER)) expect([value, cursor]).toEqual([Number(n), String(n).length]);
        else expect(cursor).toBe(-1);
      }),
      { numRuns: 5_000 },
    );
  });
});
