import { describe, expect, it } from 'vitest';
import { RiskConfig, parseRiskConfig } from '../../../actors/risk/risk-config.js';
import { isTickflowError } from '../../../src/runtime/errors.js';

function issuesOf(input: unknown): string[] {
  try {
    parseRiskConfig(input);
  } catch (e) {
    if (isTickflowError(e, 'CONFIG_INVALID')) return e.context.issues as string[];
    throw e;
  }
  return [];
}

describe('RiskConfig', () => {
  it('turns every check off by default', () => {
    const c = parseRiskConfig(undefined);
    expect(c).toEqual({ initialState: 'ACTIVE', referencePrice: ['mid', 'last', 'barClose'], symbols: {} });
  });

  it('reads limits exactly as canonical decimal strings', () => {
    const c = parseRiskConfig({ maxOrderQuantity: 1.5, maxOrderNotional: '10000.00', maxPosition: '2e-3', maxGrossExposure: 0.1 });
    expect(c.maxOrderQuantity).toBe('1.5');
    expect(c.maxOrderNotional).toBe('10000');
    expect(c.maxPosition).toBe('0.002');
    expect(c.maxGrossExposure).toBe('0.1');
  });

  it('reads fractions as decimals, percentages or bps', () => {
    const band = (v: unknown): string | undefined => parseRiskConfig({ priceBand: { maxDeviation: v } }).priceBand?.maxDeviation;
    expect(band(0.05)).toBe('0.05');
    expect(band('5%')).toBe('0.05');
    expect(band('500bps')).toBe('0.05');
    expect(band('12.5 bps')).toBe('0.00125');
  });

  it('reads durations in the one grammar into integer microseconds, and refuses a bare number', () => {
    const maxAge = (v: unknown): number | undefined => parseRiskConfig({ staleMarketData: { maxAge: v } }).staleMarketData?.maxAge;
    expect(maxAge('1s')).toBe(1_000_000);
    expect(maxAge('250ms')).toBe(250_000);
    expect(maxAge('1s500ms')).toBe(1_500_000);
    expect(maxAge('2m')).toBe(120_000_000);
    expect(maxAge('100us')).toBe(100);
    expect(parseRiskConfig({ orderRate: { maxOrders: 2, interval: '10s' } }).orderRate?.interval).toBe(10_000_000);
    expect(issuesOf({ staleMarketData: { maxAge: 250 } })).toEqual([expect.stringMatching(/^risk\.staleMarketData\.maxAge: a bare number is not a duration: 250 needs a unit/)]);
    expect(issuesOf({ orderRate: { maxOrders: 2, interval: '10' } })).toEqual([expect.stringMatching(/^risk\.orderRate\.interval: a bare number is not a duration: "10" needs a unit/)]);
  });

  it('refuses its own output: a config validated twice fails loudly instead of changing units', () => {
    const once = parseRiskConfig({ orderRate: { maxOrders: 2, interval: '10s' } });
    expect(issuesOf(once).join()).toMatch(/risk\.orderRate\.interval: a bare number is not a duration/);
  });

  it('lists every bad path with a message that says what would be right', () => {
    const issues = issuesOf({
      maxPosition: 0,
      maxOrderQuantity: 'lots',
      orderRate: { maxOrders: 0, interval: 'soon' },
      killSwitch: { maxDrawdown: '150%', action: 'PANIC' },
      typo: 1,
    });
    const joined = issues.join('\n');
    expect(joined).toMatch(/risk\.maxPosition: maxPosition must be greater than 0 \(omit the key to turn the check off\)/);
    expect(joined).toMatch(/risk\.maxOrderQuantity: maxOrderQuantity must be a decimal number like "1\.5"/);
    expect(joined).toMatch(/risk\.orderRate\.maxOrders: orderRate\.maxOrders must be at least 1/);
    expect(joined).toMatch(/risk\.orderRate\.interval: "soon" is not a duration; write whole numbers with units/);
    expect(joined).toMatch(/risk\.killSwitch\.maxDrawdown: killSwitch\.maxDrawdown must be at most 1/);
    expect(joined).toMatch(/risk\.killSwitch\.action/);
    expect(joined).toMatch(/typo/);
    expect(issues.length).toBe(7);
  });

  it('rejects a fraction of a unit and a zero duration', () => {
    expect(issuesOf({ staleMarketData: { maxAge: '0.5us' } }).join()).toMatch(/"0\.5us" has a fraction; write whole units/);
    expect(issuesOf({ staleMarketData: { maxAge: '0s' } }).join()).toMatch(/risk\.staleMarketData\.maxAge: must be longer than 0/);
  });

  it('documents that limits are exclusive upper bounds', () => {
    for (const key of ['maxOrderQuantity', 'maxOrderNotional', 'maxPosition', 'maxGrossExposure', 'priceBand', 'staleMarketData'] as const) {
      expect(RiskConfig.shape[key].description).toMatch(/Exclusive upper bound/);
    }
  });

  it('keeps per-symbol overrides', () => {
    const c = parseRiskConfig({ maxPosition: 1, symbols: { ETHUSDT: { maxPosition: '10' } } });
    expect(c.symbols.ETHUSDT?.maxPosition).toBe('10');
  });
});
