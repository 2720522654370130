import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InstrumentKeys, instrumentKey, parseInstrumentKey } from '../../src/model/instrument-key.js';

describe('instrument keys', () => {
  it('are exchange:SYMBOL and parse back, past the interning bound too', () => {
    const keys = new InstrumentKeys();
    // 6,000 distinct pairs: more than instrumentKey keeps, so the built-each-time path runs too.
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z-]{1,12}$/), fc.stringMatching(/^[A-Z0-9]{1,10}$/), (exchange, symbol) => {
        const key = instrumentKey(exchange, symbol);
        expect(key).toBe(`${exchange}:${symbol}`);
        expect(instrumentKey(exchange, symbol)).toBe(key);
        expect(keys.of(exchange, symbol)).toBe(key);
        expect(parseInstrumentKey(key)).toEqual({ exchange, symbol });
      }),
      { numRuns: 6_000 },
    );
  });
});
