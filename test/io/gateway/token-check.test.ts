import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TokenCheck, generateToken, presentedToken } from '../../../src/io/gateway/token-check.js';

const request = (url: string, authorization?: string) => ({ url, headers: authorization === undefined ? {} : { authorization } }) as unknown as IncomingMessage;

describe('TokenCheck', () => {
  it('gives each token its role and nothing to others', () => {
    const check = new TokenCheck({ viewer: 'v-token', operator: 'o-token' });
    expect(check.roleOf('v-token')).toBe('viewer');
    expect(check.roleOf('o-token')).toBe('operator');
    expect(check.roleOf('v-toke')).toBeUndefined();
    expect(check.roleOf('')).toBeUndefined();
    expect(check.roleOf(undefined)).toBeUndefined();
    expect(new TokenCheck({ operator: 'o-token' }).roleOf('v-token')).toBeUndefined();
  });

  it('reads a Bearer header before the token query parameter', () => {
    expect(presentedToken(request('/ws?token=abc%2Bd'))).toBe('abc+d');
    expect(presentedToken(request('/ws?x=1&token=q', 'Bearer h'))).toBe('h');
    expect(presentedToken(request('/ws?token=q', 'Basic h'))).toBe('q');
    expect(presentedToken(request('/ws'))).toBeUndefined();
  });

  it('generates distinct url-safe tokens of 43 characters', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });
});
