import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonForScript } from '../../../src/app/report-html/json-in-html.js';

describe('jsonForScript', () => {
  it('writes no markup: a script end or comment opening in the data comes out escaped', () => {
    const value = { reason: '</script><script>alert(1)</script>', note: '<!-- x -->', amp: 'a&b', sep: '\u2028\u2029' };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(text).toContain('\\u003c/script\\u003e');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('parses back to the same value, whatever the strings hold', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = jsonForScript(value);
        expect(text).not.toMatch(/[<>&]/);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});
