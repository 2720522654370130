/**
 * The fallback chain's configuration: a zod schema validated once at the edge (the config loader),
 * whose output is the chain's own data (`FallbackSource[]` with breaker, rate-limit and retry
 * policies in integer µs), trusted after that. Durations use the project's one grammar
 * (`src/model/duration.ts`: `"250ms"`, `"5s"`, `"1m30s"`); a bare number is refused. Example:
 *
 * ```yaml
 * sources:
 *   - name: primary                      # the preferred source first
 *     breaker: { trip: { consecutiveFailures: 5 }, recovery: 5s, maxRecovery: 5m }
 *     rateLimit: { capacity: 5, refill: 5, every: 1s }
 *   - name: rest-book-ticker
 *     breaker: { trip: { failureRatio: { ratio: 0.5, window: 20, minCalls: 10 } } }
 *     rateLimit: { capacity: 1200, refill: 1200, every: 1m }
 *     retry: { min: 250ms, max: 30s }
 * ```
 *
 * Every breaker key defaults to `DEFAULT_BREAKER_POLICY`, `retry` to `DEFAULT_RETRY`, and a source
 * without `rateLimit` is unlimited. Errors are zod issues at the key's path, quoting the value.
 */
import { z } from 'zod';
import { durationSchema } from '../../src/model/duration.js';
import type { BackoffPolicy } from '../../src/runtime/backoff.js';
import { isTickflowError } from '../../src/runtime/errors.js';
import { DEFAULT_BREAKER_POLICY, validateBreakerPolicy, type BreakerPolicy } from './breaker-policy.js';
import { DEFAULT_RETRY, type FallbackSource } from './fallback-chain.js';
import { FAILURE_CLASSES, type FailureClass } from './failure-class.js';
import { anyOf, consecutiveFailures, failureRatio, type TripRule } from './trip-rule.js';

const count = (what: string) => z.int({ error: `${what} must be a whole number` }).min(1, { error: `${what} must be at least 1` });
const fraction = (what: string) => z.number({ error: `${what} must be a number` }).min(0, { error: `${what} must be ≥ 0` }).max(1, { error: `${what} must be ≤ 1` });

const TripConfig = z
  .strictObject({
    consecutiveFailures: count('consecutiveFailures').optional().describe('Open after this many failures in a row.'),
    failureRatio: z
      .strictObject({
        ratio: z.number().gt(0, { error: 'ratio must be > 0' }).max(1, { error: 'ratio must be ≤ 1' }),
        window: count('window').max(100_000, { error: 'window must be at most 100000' }),
        minCalls: count('minCalls').optional().describe('Outcomes needed before judging; default the window.'),
      })
      .optional()
      .describe('Open when at least `ratio` of the last `window` outcomes failed.'),
  })
  .refine((t) => t.consecutiveFailures !== undefined || t.failureRatio !== undefined, { error: 'trip needs consecutiveFailures, failureRatio or both' })
  .transform((t): TripRule => {
    const rules: TripRule[] = [];
    if (t.consecutiveFailures !== undefined) rules.push(consecutiveFailures(t.consecutiveFailures));
    if (t.failureRatio !== undefined) rules.push(failureRatio(t.failureRatio.ratio, t.failureRatio.window, t.failureRatio.minCalls));
    return rules.length === 1 ? (rules[0] as TripRule) : anyOf(...rules);
  });

const d = DEFAULT_BREAKER_POLICY;

const BreakerConfig = z
  .strictObject({
    trip: TripConfig.prefault({ consecutiveFailures: 5 }),
    recovery: durationSchema().default(d.recovery.minUs).describe('Wait before the first trial after opening.'),
    maxRecovery: durationSchema().optional().describe('Longest wait as openings repeat; default the larger of recovery and 5m.'),
    recoveryFactor: z.number().min(1, { error: 'recoveryFactor must be ≥ 1' }).default(d.recovery.factor),
    recoveryJitter: fraction('recoveryJitter').default(d.recovery.jitter),
    recoveryResetAfter: durationSchema({ allowZero: true }).default(0).describe('Closed this long, the wait starts again from recovery.'),
    halfOpenTrials: count('halfOpenTrials').default(d.halfOpenTrials),
    closeAfterSuccesses: count('closeAfterSuccesses').default(d.closeAfterSuccesses),
    openAtOnce: z.array(z.enum(FAILURE_CLASSES as [FailureClass, ...FailureClass[]])).default([...d.openAtOnce]),
    maxRetryAfter: durationSchema({ allowZero: true }).default(d.maxRetryAfterUs).describe("Longest server Retry-After honoured."),
  })
  .transform((b, ctx): BreakerPolicy => {
    const policy: BreakerPolicy = {
      trip: b.trip,
      recovery: { minUs: b.recovery, maxUs: b.maxRecovery ?? Math.max(b.recovery, d.recovery.maxUs), factor: b.recoveryFactor, jitter: b.recoveryJitter, resetAfterUs: b.recoveryResetAfter },
      halfOpenTrials: b.halfOpenTrials,
      closeAfterSuccesses: b.closeAfterSuccesses,
      openAtOnce: b.openAtOnce,
      maxRetryAfterUs: b.maxRetryAfter,
    };
    // Cross-field rules (maxRecovery ≥ recovery, minCalls ≤ window) live in one place: the validator.
    try {
      validateBreakerPolicy(policy);
    } catch (error) {
      if (!isTickflowError(error)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
      return z.NEVER;
    }
    return policy;
  });

const RateLimitConfig = z.strictObject({
  capacity: count('capacity').describe('Largest burst, requests.'),
  refill: count('refill').describe('Requests added per `every`.'),
  every: durationSchema(),
});

const RetryConfig = z
  .strictObject({
    min: durationSchema().default(DEFAULT_RETRY.minUs),
    max: durationSchema().default(DEFAULT_RETRY.maxUs),
    factor: z.number().min(1, { error: 'factor must be ≥ 1' }).default(DEFAULT_RETRY.factor),
    jitter: fraction('jitter').default(DEFAULT_RETRY.jitter),
  })
  .refine((r) => r.max >= r.min, { error: 'retry.max must be at least retry.min', path: ['max'] })
  .transform((r): BackoffPolicy => ({ minUs: r.min, maxUs: r.max, factor: r.factor, jitter: r.jitter, resetAfterUs: 0 }));

const SourceConfig = z
  .strictObject({
    name: z.string().min(1, { error: 'name must not be empty' }),
    breaker: BreakerConfig.prefault({}),
    rateLimit: RateLimitConfig.optional(),
    retry: RetryConfig.prefault({}),
  })
  .transform(
    (s): FallbackSource => ({
      name: s.name,
      breaker: s.breaker,
      rateLimit: s.rateLimit === undefined ? null : { capacity: s.rateLimit.capacity, refillTokens: s.rateLimit.refill, refillIntervalUs: s.rateLimit.every },
      retry: s.retry,
    }),
  );

/** Config of one symbol's fallback chain (see the module comment). */
export const FallbackChainConfig = z.strictObject({
  sources: z
    .array(SourceConfig)
    .min(1, { error: 'a fallback chain needs at least one source' })
    .refine((sources) => new Set(sources.map((s) => s.name)).size === sources.length, { error: 'source names must be unique' })
    .describe('Sources in priority order, the preferred first.'),
});

/** Fallback chain config as written. */
export type FallbackChainConfig = z.input<typeof FallbackChainConfig>;

/** Fallback chain config after validation: the chain's `sources` option. */
export type ResolvedFallbackChainConfig = z.output<typeof FallbackChainConfig>;
