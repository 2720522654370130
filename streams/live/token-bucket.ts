/**
 * A token bucket: at most `capacity` tokens, refilled continuously at `refillTokens` per
 * `refillIntervalUs`, so a source may burst to `capacity` and then sustain the refill rate. It
 * runs on engine time (integer µs passed in), so it behaves the same live and under the simulated
 * clock.
 *
 * Exact arithmetic: the balance is kept as an integer count of "parts", one token being
 * `refillIntervalUs` parts, and each elapsed µs adds `refillTokens` parts. So refilling is integer
 * addition with no rounding at all, and over any run (a day, a year) the tokens granted in any
 * window of W µs are at most `capacity + refillTokens × W / refillIntervalUs` (a float rate would
 * drift by a part per refill). Rates such as 1200 per minute are exact too, which a per-second
 * float is not.
 */
import { TickflowError } from '../../src/runtime/errors.js';

/** Rate limit of one source, as data. */
export interface TokenBucketPolicy {
  /** Largest burst, in tokens (integer ≥ 1). The bucket starts full. */
  readonly capacity: number;
  /** Tokens added per `refillIntervalUs` (integer ≥ 1), continuously, not in steps. */
  readonly refillTokens: number;
  /** Integer µs ≥ 1. */
  readonly refillIntervalUs: number;
}

/** `rate` tokens per second, bursting to `capacity`. */
export function perSecond(rate: number, capacity = rate): TokenBucketPolicy {
  return { capacity, refillTokens: rate, refillIntervalUs: 1_000_000 };
}

/** `tokens` per `intervalUs` (e.g. 1200 per minute), bursting to `capacity`. */
export function perInterval(tokens: number, intervalUs: number, capacity = tokens): TokenBucketPolicy {
  return { capacity, refillTokens: tokens, refillIntervalUs: intervalUs };
}

/** Largest balance we allow in parts, with room to add one refill step without leaving safe integers. */
const MAX_PARTS = Math.floor(Number.MAX_SAFE_INTEGER / 2);

/** A token bucket on engine time. */
export class TokenBucket {
  readonly policy: TokenBucketPolicy;
  // Fields initialised in one order in the constructor (one hidden class for every bucket).
  private readonly fullParts: number;
  private parts: number;
  private lastUs: number;

  /**
   * A full bucket as of `startUs`. Throws `TickflowError('CONFIG_INVALID')` unless every policy
   * figure is a positive integer and `capacity × refillIntervalUs` stays below 2^52 (so the
   * integer arithmetic cannot overflow; 10^6 tokens over an hour is far inside it).
   */
  constructor(policy: TokenBucketPolicy, startUs = 0) {
    const { capacity, refillTokens, refillIntervalUs } = policy;
    for (const [key, value] of [['capacity', capacity], ['refillTokens', refillTokens], ['refillIntervalUs', refillIntervalUs]] as const) {
      if (!Number.isSafeInteger(value) || value < 1) {
        throw new TickflowError('CONFIG_INVALID', `token bucket ${key} must be a whole number ≥ 1, got ${value}`, { key, value });
      }
    }
    if (capacity * refillIntervalUs > MAX_PARTS) {
      throw new TickflowError('CONFIG_INVALID', `token bucket too large: capacity × refillIntervalUs must stay under ${MAX_PARTS}`, { capacity, refillIntervalUs });
    }
    this.policy = policy;
    this.fullParts = capacity * refillIntervalUs;
    this.parts = this.fullParts;
    this.lastUs = Math.floor(startUs);
  }

  /**
   * Takes `n` tokens (default 1) if the bucket holds them at `nowUs`, and says whether it did.
   * Taking nothing when refused keeps a refused caller from starving others. `n` larger than the
   * capacity, or not a whole number ≥ 0, is never granted. A `nowUs` earlier than a previous call counts as no time passing
   * (time never flows backwards here).
   */
  tryTake(nowUs: number, n = 1): boolean {
    this.refill(nowUs);
    if (!isCount(n, this.policy.capacity)) return false;
    const need = n * this.policy.refillIntervalUs;
    if (need > this.parts) return false;
    this.parts -= need;
    return true;
  }

  /**
   * The earliest engine time, at or after `nowUs`, at which `tryTake(t, n)` will succeed if nothing
   * else is taken meanwhile: `nowUs` when it would now, `Infinity` when `n` exceeds the capacity
   * (or is not a whole number ≥ 0).
   * Exact: `tryTake` at the returned time succeeds and one µs earlier it fails.
   */
  nextAvailableAt(nowUs: number, n = 1): number {
    this.refill(nowUs);
    if (!isCount(n, this.policy.capacity)) return Number.POSITIVE_INFINITY;
    const missing = n * this.policy.refillIntervalUs - this.parts;
    if (missing <= 0) return this.lastUs;
    return this.lastUs + ceilDiv(missing, this.policy.refillTokens);
  }

  /** Whole tokens available at `nowUs` (for metrics). */
  available(nowUs: number): number {
    this.refill(nowUs);
    return Math.floor(this.parts / this.policy.refillIntervalUs);
  }

  private refill(nowUs: number): void {
    const now = Math.floor(nowUs);
    if (now <= this.lastUs) return;
    const elapsed = now - this.lastUs;
    this.lastUs = now;
    const missing = this.fullParts - this.parts;
    if (missing === 0) return;
    // Compare before multiplying: elapsed × refillTokens could pass 2^53 after a long idle gap.
    if (elapsed >= ceilDiv(missing, this.policy.refillTokens)) this.parts = this.fullParts;
    else this.parts += elapsed * this.policy.refillTokens;
  }
}

function isCount(n: number, capacity: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= capacity;
}

/**
 * ⌈a / b⌉ for safe integers a ≥ 0, b ≥ 1. Exact: the float quotient of two safe integers is off by
 * less than 1/b, so its floor is the true floor, and the remainder check makes it a ceiling.
 */
function ceilDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  return q * b < a ? q + 1 : q;
}
