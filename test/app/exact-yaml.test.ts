import fc from 'fast-check';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseExactYaml, readsExactly } from '../../src/app/exact-yaml.js';
import { exactDecimalText } from '../../src/model/decimal-input.js';
import { parseDecimal } from '../../src/model/money.js';

/** True when two decimal texts are the same number. */
function sameDecimal(a: string, b: string): boolean {
  const x = parseDecimal(a);
  const y = parseDecimal(b);
  return x.units === y.units && x.scale === y.scale;
}

describe('parseExactYaml', () => {
  it('reads a number as a number when it is exactly its text, and as its text when a double would round it', () => {
    const doc = parseExactYaml(
      ['fee: 0.0004', 'cash: 100000', 'small: 1e-7', 'long: 0.10000000000000000001', 'big: 12345678901234567890', 'neg: -2.50', 'hex: 0x1F', 'inf: .inf', 'quoted: "0.5"', 'word: manual', 'flag: true'].join('\n'),
    );
    expect(doc).toEqual({ fee: 0.0004, cash: 100000, small: 1e-7, long: '0.10000000000000000001', big: '12345678901234567890', neg: -2.5, hex: 31, inf: Infinity, quoted: '0.5', word: 'manual', flag: true });
  });

  it('reads the same as yaml.parse wherever no digit would be lost', () => {
    const text = 'a: [1, 2.5, -3, 1e3, 0.1]\nb: { c: null, d: ~, e: "x" }\n';
    expect(parseExactYaml(text)).toEqual(parse(text));
  });

  it('never loses a digit: each plain decimal reads back, through exactDecimalText, as the number its text says', () => {
    const digits = fc.stringMatching(/^[0-9]{1,25}$/);
    const decimal = fc.tuple(fc.boolean(), digits, fc.option(digits, { nil: undefined })).map(([negative, int, frac]) => `${negative ? '-' : ''}${int.replace(/^0+(?=\d)/, '')}${frac === undefined ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(decimal, (text) => {
        const value = (parseExactYaml(`v: ${text}`) as { v: unknown }).v;
        if (typeof value === 'number') expect(readsExactly(text, value)).toBe(true);
        else expect(value).toBe(text);
        expect(sameDecimal(exactDecimalText(value as number | string), text)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every double that a YAML writer prints as a number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect((parseExactYaml(`v: ${String(x)}`) as { v: unknown }).v).toBe(x === 0 ? 0 : x);
      }),
      { numRuns: 500 },
    );
  });
});
