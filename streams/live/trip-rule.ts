/**
 * When a closed circuit breaker opens, as a small composable value (Effect's schedules are the
 * model): `consecutiveFailures(5)`, `failureRatio(0.5, 20, 10)` (half of the last 20 outcomes, once
 * 10 are known), `anyOf(a, b)` (whichever trips first). `TripTracker` evaluates a rule over the
 * outcomes a breaker records while closed; its memory is one byte per outcome of the largest
 * ratio window, allocated once.
 */
import { TickflowError } from '../../src/runtime/errors.js';

/** A rule that trips (opens) a closed breaker. */
export type TripRule =
  | { readonly kind: 'consecutive'; readonly failures: number }
  | { readonly kind: 'ratio'; readonly ratio: number; readonly window: number; readonly minCalls: number }
  | { readonly kind: 'any'; readonly rules: readonly TripRule[] };

/** Trips after `failures` failures in a row (a success resets the count). */
export function consecutiveFailures(failures: number): TripRule {
  return { kind: 'consecutive', failures };
}

/**
 * Trips when at least `ratio` (0 < ratio ≤ 1, inclusive) of the last `window` outcomes are
 * failures, judged only once `minCalls` outcomes (default: the whole window) are known.
 */
export function failureRatio(ratio: number, window: number, minCalls = window): TripRule {
  return { kind: 'ratio', ratio, window, minCalls };
}

/** Trips when any of `rules` trips. */
export function anyOf(...rules: TripRule[]): TripRule {
  return { kind: 'any', rules };
}

type RatioRule = Extract<TripRule, { kind: 'ratio' }>;

/**
 * Throws `TickflowError('CONFIG_INVALID')` naming the bad figure unless: counts are whole numbers
 * ≥ 1, `0 < ratio ≤ 1`, `minCalls ≤ window`, a window is at most 100,000 outcomes (memory is one
 * byte each), and `anyOf` has at least one rule.
 */
export function validateTripRule(rule: TripRule, path = 'trip'): void {
  const bad = (message: string, value: unknown): never => {
    throw new TickflowError('CONFIG_INVALID', `${path}: ${message}, got ${JSON.stringify(value)}`, { path, value });
  };
  switch (rule.kind) {
    case 'consecutive':
      if (!Number.isSafeInteger(rule.failures) || rule.failures < 1) bad('failures must be a whole number ≥ 1', rule.failures);
      return;
    case 'ratio':
      if (!(rule.ratio > 0 && rule.ratio <= 1)) bad('ratio must be in (0, 1]', rule.ratio);
      if (!Number.isSafeInteger(rule.window) || rule.window < 1 || rule.window > 100_000) bad('window must be a whole number from 1 to 100000', rule.window);
      if (!Number.isSafeInteger(rule.minCalls) || rule.minCalls < 1 || rule.minCalls > rule.window) bad('minCalls must be a whole number from 1 to window', rule.minCalls);
      return;
    case 'any':
      if (rule.rules.length === 0) bad('anyOf needs at least one rule', rule.rules);
      rule.rules.forEach((r, i) => validateTripRule(r, `${path}.rules[${i}]`));
      return;
  }
}

/** The running state of one trip rule. */
export class TripTracker {
  // Every field set here, in one order (one hidden class).
  private readonly consecutiveLimit: number;
  private readonly ratios: readonly RatioRule[];
  private readonly ratioFailures: number[];
  private readonly ring: Uint8Array;
  private head: number;
  private size: number;
  private consecutive: number;

  /** A tracker with no outcomes. Validates the rule (see `validateTripRule`). */
  constructor(rule: TripRule) {
    validateTripRule(rule);
    const flat: TripRule[] = [];
    flatten(rule, flat);
    const limits = flat.flatMap((r) => (r.kind === 'consecutive' ? [r.failures] : []));
    this.consecutiveLimit = limits.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...limits);
    this.ratios = flat.filter((r): r is RatioRule => r.kind === 'ratio');
    this.ratioFailures = this.ratios.map(() => 0);
    this.ring = new Uint8Array(Math.max(0, ...this.ratios.map((r) => r.window)));
    this.head = 0;
    this.size = 0;
    this.consecutive = 0;
  }

  /** Records one outcome; true when the rule now trips. */
  record(failed: boolean): boolean {
    this.consecutive = failed ? this.consecutive + 1 : 0;
    const cap = this.ring.length;
    if (cap > 0) {
      for (let i = 0; i < this.ratios.length; i++) {
        const w = (this.ratios[i] as RatioRule).window;
        // The outcome leaving this rule's window is the one `w` places back, read before the write.
        if (this.size >= w) this.ratioFailures[i]! -= this.ring[(this.head - w + cap) % cap]!;
        if (failed) this.ratioFailures[i]! += 1;
      }
      this.ring[this.head] = failed ? 1 : 0;
      this.head = (this.head + 1) % cap;
      if (this.size < cap) this.size++;
    }
    return this.tripped();
  }

  /** True when the rule trips on the outcomes recorded so far. */
  tripped(): boolean {
    if (this.consecutive >= this.consecutiveLimit) return true;
    for (let i = 0; i < this.ratios.length; i++) {
      const r = this.ratios[i] as RatioRule;
      const calls = Math.min(this.size, r.window);
      // Divide rather than multiply: 3 / 30 rounds to the same double as 0.1, but 0.1 * 30 does not round to 3.
      if (calls >= r.minCalls && (this.ratioFailures[i] as number) / calls >= r.ratio) return true;
    }
    return false;
  }

  /** Forgets every outcome (a breaker that closes starts judging afresh). */
  reset(): void {
    this.head = 0;
    this.size = 0;
    this.consecutive = 0;
    this.ring.fill(0);
    this.ratioFailures.fill(0);
  }
}

function flatten(rule: TripRule, out: TripRule[]): void {
  if (rule.kind === 'any') for (const r of rule.rules) flatten(r, out);
  else out.push(rule);
}
