import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eightDigits, word, wordOf } from '../../../../streams/venues/binance/binance-words.js';

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });

describe('eightDigits', () => {
  it('reads 8 digits as their value, and gives -1 when any of the 8 bytes is not a digit (property)', () => {
    fc.assert(
      fc.property(digits(8, 8), fc.nat({ max: 7 }), fc.nat({ max: 255 }), (text, at, byte) => {
        const bytes = Buffer.from(text, 'latin1');
        expect(eightDigits(bytes, 0)).toBe(Number(text));
        bytes[at] = byte;
        const isDigit = byte >= 48 && byte <= 57;
        expect(eightDigits(bytes, 0)).toBe(isDigit ? Number(bytes.toString('latin1')) : -1);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('word', () => {
  it('reads 4 bytes as wordOf reads the same 4 characters, and counts bytes past the buffer as 0', () => {
    expect(word(Buffer.from('"str', 'latin1'), 0)).toBe(wordOf('"str'));
    expect(word(Buffer.from('xx,"E"', 'latin1'), 2)).toBe(wordOf(',"E"'));
    expect(word(Buffer.from('ab', 'latin1'), 0)).toBe(0x6261);
  });
});
