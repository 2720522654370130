import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECOND, SimulatedClock } from '../../../src/runtime/clock.js';
import { createRandom } from '../../../src/runtime/random.js';
import { breakerPolicy, exponentialRecovery, fixedRecovery, type BreakerPolicy } from '../../../streams/live/breaker-policy.js';
import { CircuitBreaker, type BreakerTransition } from '../../../streams/live/circuit-breaker.js';
import { failure, type ClassifiedFailure } from '../../../streams/live/failure-class.js';
import { consecutiveFailures, failureRatio } from '../../../streams/live/trip-rule.js';

const timeout = failure('timeout', 'ETIMEDOUT');
const notFound = failure('permanent', 'HTTP 404');
const tooMany = (retryAfterUs: number): ClassifiedFailure => failure('rate-limited', 'HTTP 429', retryAfterUs);

function rig(overrides: Partial<BreakerPolicy> = {}) {
  const clock = new SimulatedClock(0);
  const events: BreakerTransition[] = [];
  const policy = breakerPolicy({ trip: consecutiveFailures(3), recovery: fixedRecovery(10 * SECOND), ...overrides });
  const breaker = new CircuitBreaker(policy, { random: createRandom(7), onTransition: (t) => events.push(t) });
  const at = (t: number) => (clock.advanceTo(t), clock.now());
  return { clock, breaker, events, at };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures, not before', () => {
    const { breaker, events } = rig();
    breaker.onFailure(1, timeout);
    breaker.onFailure(2, timeout);
    expect(breaker.state(2)).toBe('closed');
    breaker.onFailure(3, timeout);
    expect(breaker.state(3)).toBe('open');
    expect(breaker.canRequest(3)).toBe(false);
    expect(events).toEqual([{ from: 'closed', to: 'open', at: 3, reason: 'threshold', failure: 'timeout', openUntil: 3 + 10 * SECOND }]);
  });

  it('starts counting again after a success', () => {
    const { breaker } = rig();
    for (const ok of [false, false, true, false, false]) ok ? breaker.onSuccess(0) : breaker.onFailure(0, timeout);
    expect(breaker.state(0)).toBe('closed');
  });

  it('turns half-open exactly when the recovery timeout has passed', () => {
    const { breaker, events, at } = rig();
    for (let i = 0; i < 3; i++) breaker.onFailure(at(SECOND), timeout);
    expect(breaker.openUntil).toBe(11 * SECOND);
    expect(breaker.state(at(11 * SECOND - 1))).toBe('open');
    expect(breaker.state(at(11 * SECOND))).toBe('half-open');
    expect(events.at(-1)).toMatchObject({ from: 'open', to: 'half-open', at: 11 * SECOND, reason: 'recovery-elapsed' });
  });

  it('dates a half-open transition at the end of the wait, even when noticed later', () => {
    const { breaker, events } = rig();
    for (let i = 0; i < 3; i++) breaker.onFailure(0, timeout);
    breaker.state(60 * SECOND);
    expect(events.at(-1)?.at).toBe(10 * SECOND);
  });

  it('allows only halfOpenTrials trials in flight while half-open', () => {
    const { breaker } = rig({ halfOpenTrials: 2, closeAfterSuccesses: 3 });
    for (let i = 0; i < 3; i++) breaker.onFailure(0, timeout);
    const t = 10 * SECOND;
    expect(breaker.tryAcquire(t)).toBe(true);
    expect(breaker.tryAcquire(t)).toBe(true);
    expect(breaker.canRequest(t)).toBe(false);
    expect(breaker.tryAcquire(t)).toBe(false);
    breaker.onSuccess(t);
    expect(breaker.tryAcquire(t)).toBe(true);
  });

  it('closes after closeAfterSuccesses successful trials', () => {
    const { breaker, events } = rig({ closeAfterSuccesses: 2 });
    for (let i = 0; i < 3; i++) breaker.onFailure(0, timeout);
    const t = 10 * SECOND;
    expect(breaker.tryAcquire(t)).toBe(true);
    breaker.onSuccess(t + 5);
    expect(breaker.state(t + 5)).toBe('half-open');
    expect(breaker.tryAcquire(t + 6)).toBe(true);
    breaker.onSuccess(t + 9);
    expect(breaker.state(t + 9)).toBe('closed');
    expect(events.map((e) => `${e.from}>${e.to}:${e.reason}`)).toEqual(['closed>open:threshold', 'open>half-open:recovery-elapsed', 'half-open>closed:trials-succeeded']);
    expect([breaker.openings, breaker.halfOpenings, breaker.closings]).toEqual([1, 1, 1]);
  });

  it('judges afresh after closing: earlier failures do not count towards the next opening', () => {
    const { breaker } = rig();
    breaker.onFailure(0, timeout);
    breaker.onFailure(0, timeout);
    breaker.onFailure(0, timeout);
    breaker.tryAcquire(10 * SECOND);
    breaker.onSuccess(10 * SECOND);
    breaker.onFailure(10 * SECOND, timeout);
    breaker.onFailure(10 * SECOND, timeout);
    expect(breaker.state(10 * SECOND)).toBe('closed');
  });

  it('opens again when a trial fails, waiting longer each time in a row', () => {
    const { breaker, events } = rig({ recovery: exponentialRecovery(SECOND, 4 * SECOND) });
    for (let i = 0; i < 3; i++) breaker.onFailure(0, timeout);
    const waits: number[] = [];
    let t = 0;
    for (let k = 0; k < 4; k++) {
      waits.push(breaker.openUntil - t);
      t = breaker.openUntil;
      expect(breaker.tryAcquire(t)).toBe(true);
      breaker.onFailure(t, timeout);
      expect(breaker.state(t)).toBe('open');
    }
    expect(waits).toEqual([SECOND, 2 * SECOND, 4 * SECOND, 4 * SECOND]);
    expect(events.filter((e) => e.reason === 'trial-failed')).toHaveLength(4);
  });

  it('starts the wait from the minimum again after staying closed for resetAfterUs, but not after a flap', () => {
    const policy = { recovery: exponentialRecovery(SECOND, 60 * SECOND, { resetAfterUs: 30 * SECOND }) };
    const { breaker } = rig(policy);
    const openAndRecover = (t: number): number => {
      for (let i = 0; i < 3; i++) breaker.onFailure(t, timeout);
      const until = breaker.openUntil;
      breaker.tryAcquire(until);
      breaker.onSuccess(until);
      return until - t;
    };
    expect(openAndRecover(0)).toBe(SECOND);
    expect(openAndRecover(SECOND + 5)).toBe(2 * SECOND); // closed for 5 µs: a flap, the wait grows
    expect(openAndRecover(100 * SECOND)).toBe(SECOND); // closed for ~97 s: forgiven
  });

  it('opens at once on a permanent failure when the policy says so, and only then', () => {
    const atOnce = rig();
    atOnce.breaker.onFailure(0, notFound);
    expect(atOnce.breaker.state(0)).toBe('open');
    expect(atOnce.events[0]?.reason).toBe('at-once');
    const patient = rig({ openAtOnce: [] });
    patient.breaker.onFailure(0, notFound);
    expect(patient.breaker.state(0)).toBe('closed');
  });

  it('stays open at least as long as Retry-After, beyond its own recovery timeout', () => {
    const { breaker, events } = rig({ recovery: fixedRecovery(SECOND) });
    breaker.onFailure(5, tooMany(30 * SECOND));
    expect(events[0]).toMatchObject({ to: 'open', reason: 'retry-after', openUntil: 5 + 30 * SECOND });
    expect(breaker.canRequest(5 + 30 * SECOND - 1)).toBe(false);
    expect(breaker.canRequest(5 + 30 * SECOND)).toBe(true);
  });

  it('keeps its own recovery timeout when Retry-After is shorter', () => {
    const { breaker } = rig({ recovery: fixedRecovery(10 * SECOND) });
    breaker.onFailure(0, tooMany(SECOND));
    expect(breaker.openUntil).toBe(10 * SECOND);
  });

  it('caps Retry-After at maxRetryAfterUs', () => {
    const { breaker } = rig({ recovery: fixedRecovery(SECOND), maxRetryAfterUs: 60 * SECOND });
    breaker.onFailure(0, failure('banned', 'HTTP 418', 3 * 86_400 * SECOND));
    expect(breaker.openUntil).toBe(60 * SECOND);
  });

  it('extends the wait when a late failure carries a longer Retry-After, and ignores other late outcomes', () => {
    const { breaker } = rig({ recovery: fixedRecovery(SECOND) });
    breaker.onFailure(0, tooMany(10 * SECOND));
    breaker.onFailure(SECOND, tooMany(20 * SECOND));
    expect(breaker.openUntil).toBe(21 * SECOND);
    breaker.onFailure(2 * SECOND, tooMany(SECOND));
    breaker.onSuccess(2 * SECOND);
    breaker.onFailure(2 * SECOND, timeout);
    expect(breaker.openUntil).toBe(21 * SECOND);
    expect(breaker.openings).toBe(1);
  });

  it('reopens from half-open on a Retry-After failure for the server-given time', () => {
    const { breaker, events } = rig({ recovery: fixedRecovery(SECOND) });
    breaker.onFailure(0, notFound);
    breaker.tryAcquire(SECOND);
    breaker.onFailure(SECOND, tooMany(45 * SECOND));
    expect(events.at(-1)).toMatchObject({ from: 'half-open', to: 'open', reason: 'retry-after', openUntil: 46 * SECOND });
  });

  it('trips on a failure ratio, judged when a failure arrives', () => {
    const { breaker } = rig({ trip: failureRatio(0.5, 4) });
    breaker.onFailure(0, timeout);
    breaker.onSuccess(0);
    breaker.onFailure(0, timeout);
    breaker.onSuccess(0);
    // 2 of 4 reached on a success: a success never opens the breaker.
    expect(breaker.state(0)).toBe('closed');
    breaker.onFailure(0, timeout);
    expect(breaker.state(0)).toBe('open');
    expect(breaker.lastTransition).toMatchObject({ reason: 'threshold', failure: 'timeout' });
  });

  it('draws recovery jitter from the seeded generator: same seed, same waits', () => {
    const waits = (seed: number) => {
      const breaker = new CircuitBreaker(breakerPolicy({ trip: consecutiveFailures(1), recovery: exponentialRecovery(SECOND, 60 * SECOND, { jitter: 0.5 }) }), { random: createRandom(seed) });
      const out: number[] = [];
      let t = 0;
      for (let k = 0; k < 5; k++) {
        breaker.onFailure(t, timeout);
        out.push(breaker.openUntil - t);
        t = breaker.openUntil;
        breaker.tryAcquire(t);
      }
      return out;
    };
    expect(waits(3)).toEqual(waits(3));
    expect(waits(3)).not.toEqual(waits(4));
  });

  it('refuses invalid policies with CONFIG_INVALID', () => {
    expect(() => breakerPolicy({ halfOpenTrials: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => breakerPolicy({ recovery: fixedRecovery(0) })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => breakerPolicy({ openAtOnce: ['nope' as never] })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('never grants a request while open, nor more trials than allowed, over any sequence of calls', () => {
    type Op = { kind: 'acquire' } | { kind: 'success' } | { kind: 'failure'; retryAfterUs: number | undefined; permanent: boolean };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constant<Op>({ kind: 'acquire' }),
      fc.constant<Op>({ kind: 'success' }),
      fc.record({ kind: fc.constant('failure' as const), retryAfterUs: fc.option(fc.integer({ min: 0, max: 5 * SECOND }), { nil: undefined }), permanent: fc.boolean() }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 * SECOND }), op), { maxLength: 200 }), fc.integer({ min: 1, max: 3 }), (steps, trials) => {
        const breaker = new CircuitBreaker(breakerPolicy({ trip: consecutiveFailures(2), recovery: exponentialRecovery(SECOND, 8 * SECOND), halfOpenTrials: trials, closeAfterSuccesses: 2 }), { random: createRandom(1) });
        let t = 0;
        let inFlightTrials = 0;
        let openUntil = 0;
        for (const [dt, o] of steps) {
          t += dt;
          const before = breaker.state(t);
          if (before !== 'half-open') inFlightTrials = 0;
          if (o.kind === 'acquire') {
            const granted = breaker.tryAcquire(t);
            if (before === 'open') expect(granted).toBe(false);
            if (before === 'half-open' && granted) inFlightTrials++;
            expect(inFlightTrials).toBeLessThanOrEqual(trials);
          } else if (o.kind === 'success') {
            breaker.onSuccess(t);
            if (inFlightTrials > 0) inFlightTrials--;
          } else {
            const f = o.permanent ? notFound : failure('server', 'HTTP 503', o.retryAfterUs);
            breaker.onFailure(t, f);
            if (inFlightTrials > 0) inFlightTrials--;
            // An honoured Retry-After is never cut short.
            if (f.retryAfterUs !== undefined) openUntil = Math.max(openUntil, t + f.retryAfterUs);
          }
          if (t < openUntil) expect(breaker.canRequest(t)).toBe(false);
          // A failed trial reopens the breaker: the next half-open period starts its trials afresh
          // (a trial of the last period still in flight no longer counts).
          if (breaker.state(t) !== 'half-open') inFlightTrials = 0;
        }
      }),
    );
  });
});
