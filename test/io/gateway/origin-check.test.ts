import { describe, expect, it } from 'vitest';
import { originAllowed, ownOrigins } from '../../../src/io/gateway/origin-check.js';

describe('origin check', () => {
  it('lists every loopback spelling of the daemon origin, or the host as given', () => {
    expect(ownOrigins('127.0.0.1', 8080)).toEqual(['http://127.0.0.1:8080', 'http://localhost:8080', 'http://[::1]:8080']);
    expect(ownOrigins('::1', 80)).toEqual(['http://[::1]', 'http://127.0.0.1', 'http://localhost']);
    expect(ownOrigins('10.0.0.5', 8080)).toEqual(['http://10.0.0.5:8080']);
  });

  it('allows no Origin and the listed ones, in any case, and refuses the rest', () => {
    const allowed = new Set(ownOrigins('127.0.0.1', 8080));
    expect(originAllowed(undefined, allowed)).toBe(true);
    expect(originAllowed('http://LOCALHOST:8080', allowed)).toBe(true);
    expect(originAllowed('http://localhost:8081', allowed)).toBe(false);
    expect(originAllowed('https://localhost:8080', allowed)).toBe(false);
    expect(originAllowed('null', allowed)).toBe(false);
    expect(originAllowed('', allowed)).toBe(false);
  });
});
