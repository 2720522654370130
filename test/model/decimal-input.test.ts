import { describe, expect, it } from 'vitest';
import { decimalInput, exactDecimalText } from '../../src/model/decimal-input.js';

describe('decimalInput', () => {
  it('keeps text as written and writes a number as its plain shortest decimal', () => {
    expect(exactDecimalText('2500.50')).toBe('2500.50');
    expect(exactDecimalText(' 0.1 ')).toBe('0.1');
    expect(exactDecimalText(0.0004)).toBe('0.0004');
    expect(exactDecimalText(1e-7)).toBe('0.0000001');
    expect(exactDecimalText(1e21)).toBe('1000000000000000000000');
    expect(exactDecimalText(-0.25)).toBe('-0.25');
    expect(exactDecimalText(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  it('accepts a string or a number and refuses anything else', () => {
    const schema = decimalInput();
    expect(schema.parse(0.001)).toBe('0.001');
    expect(schema.parse('0.0010')).toBe('0.0010');
    const refused = schema.safeParse(true);
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.message).toContain('expected a decimal number or a decimal string');
  });
});
