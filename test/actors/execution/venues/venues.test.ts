import { describe, expect, it } from 'vitest';
import { DEFAULT_VENUE, VENUES, venueConfigSchema, venueNamed } from '../../../../actors/execution/venues/venues.js';
import { parseConfig } from '../../../../src/app/config.js';
import { isTickflowError } from '../../../../src/runtime/errors.js';

describe('venues as values', () => {
  it('lists the paper venue first, as the default', () => {
    expect(VENUES.map((v) => v.name)).toEqual(['paper']);
    expect(DEFAULT_VENUE).toBe('paper');
    expect(venueNamed('paper')).toBe(VENUES[0]);
  });

  it('picks the default venue when config names none, and validates the rest with its schema', () => {
    const config = parseConfig({ execution: { venue: { latencyUs: 5 } } }, 'test');
    expect(config.execution.venue).toMatchObject({ type: 'paper', latencyUs: 5, takerFee: '0.0004' });
    expect(venueConfigSchema().safeParse({ type: 'paper', bogus: 1 }).success).toBe(false);
  });

  it('refuses an unknown venue, naming the path in config and the known venues by name', () => {
    expect(() => parseConfig({ execution: { venue: { type: 'binance-live' } } }, 'test')).toThrow(/execution\.venue\.type/);
    try {
      venueNamed('binance-live');
      expect.unreachable();
    } catch (e) {
      expect(isTickflowError(e, 'CONFIG_INVALID')).toBe(true);
      expect(String(e)).toMatch(/unknown venue "binance-live"; known: paper/);
    }
  });
});
