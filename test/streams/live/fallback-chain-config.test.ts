import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createRandom } from '../../../src/runtime/random.js';
import { DEFAULT_BREAKER_POLICY } from '../../../streams/live/breaker-policy.js';
import { FallbackChainConfig } from '../../../streams/live/fallback-chain-config.js';
import { DEFAULT_RETRY, FallbackChain } from '../../../streams/live/fallback-chain.js';

const EXAMPLE = `
sources:
  - name: primary
    breaker: { trip: { consecutiveFailures: 5 }, recovery: 5s, maxRecovery: 5m }
    rateLimit: { capacity: 5, refill: 5, every: 1s }
  - name: rest-book-ticker
    breaker: { trip: { failureRatio: { ratio: 0.5, window: 20, minCalls: 10 } }, openAtOnce: [permanent] }
    rateLimit: { capacity: 1200, refill: 1200, every: 1m }
    retry: { min: 250ms, max: 30s, jitter: 0 }
`;

function issues(input: unknown): string[] {
  const result = FallbackChainConfig.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('FallbackChainConfig', () => {
  it('turns the documented example into the chain’s policies, durations in µs', () => {
    const config = FallbackChainConfig.parse(parseYaml(EXAMPLE));
    const [primary, rest] = config.sources;
    expect(primary).toMatchObject({
      name: 'primary',
      breaker: { trip: { kind: 'consecutive', failures: 5 }, recovery: { minUs: 5_000_000, maxUs: 300_000_000 } },
      rateLimit: { capacity: 5, refillTokens: 5, refillIntervalUs: 1_000_000 },
      retry: DEFAULT_RETRY,
    });
    expect(rest).toMatchObject({
      breaker: { trip: { kind: 'ratio', ratio: 0.5, window: 20, minCalls: 10 }, openAtOnce: ['permanent'] },
      rateLimit: { capacity: 1200, refillTokens: 1200, refillIntervalUs: 60_000_000 },
      retry: { minUs: 250_000, maxUs: 30_000_000, jitter: 0 },
    });
    expect(() => new FallbackChain({ sources: config.sources, random: createRandom(1) })).not.toThrow();
  });

  it('fills every breaker key from the defaults', () => {
    const [only] = FallbackChainConfig.parse({ sources: [{ name: 'a' }] }).sources;
    expect(only?.breaker).toEqual(DEFAULT_BREAKER_POLICY);
    expect(only?.rateLimit).toBeNull();
  });

  it('combines both trip rules with anyOf', () => {
    const [only] = FallbackChainConfig.parse({ sources: [{ name: 'a', breaker: { trip: { consecutiveFailures: 3, failureRatio: { ratio: 0.5, window: 10 } } } }] }).sources;
    expect(only?.breaker?.trip).toEqual({ kind: 'any', rules: [{ kind: 'consecutive', failures: 3 }, { kind: 'ratio', ratio: 0.5, window: 10, minCalls: 10 }] });
  });

  it('refuses bare numbers as durations, naming the key', () => {
    const found = issues({ sources: [{ name: 'a', breaker: { recovery: 10 } }] });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^sources\.0\.breaker\.recovery: a bare number is not a duration/);
  });

  it('refuses cross-field mistakes with the validator’s message', () => {
    expect(issues({ sources: [{ name: 'a', breaker: { recovery: '1m', maxRecovery: '10s' } }] })[0]).toMatch(/recovery\.maxUs: must be whole µs ≥ minUs/);
    expect(issues({ sources: [{ name: 'a', breaker: { trip: { failureRatio: { ratio: 0.5, window: 10, minCalls: 11 } } } }] })[0]).toMatch(/minCalls/);
    expect(issues({ sources: [{ name: 'a', retry: { min: '1s', max: '10ms' } }] })[0]).toMatch(/^sources\.0\.retry\.max: retry\.max must be at least retry\.min/);
  });

  it('refuses an empty trip, unknown classes and keys, duplicate names and an empty list', () => {
    expect(issues({ sources: [{ name: 'a', breaker: { trip: {} } }] })[0]).toMatch(/trip needs/);
    expect(issues({ sources: [{ name: 'a', breaker: { openAtOnce: ['teapot'] } }] })).toHaveLength(1);
    expect(issues({ sources: [{ name: 'a', retries: 3 }] })).toHaveLength(1);
    expect(issues({ sources: [{ name: 'a' }, { name: 'a' }] })[0]).toMatch(/unique/);
    expect(issues({ sources: [] })[0]).toMatch(/at least one source/);
  });
});
