import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineSupervisor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { backoffDelay, type BackoffPolicy } from '../../src/runtime/backoff.js';
import { HOUR, SimulatedClock } from '../../src/runtime/clock.js';
import { createRandom } from '../../src/runtime/random.js';
import { askNow, counterActor } from './fixtures.js';

const jittered: BackoffPolicy = { minUs: 1_000, maxUs: 1_000_000, factor: 2, jitter: 0.5, resetAfterUs: 0 };

/** The documented formula, with `r` drawn from a generator seeded like the one under test. */
function expectedDelays(policy: BackoffPolicy, seed: number, attempts: number): number[] {
  const r = createRandom(seed);
  return Array.from({ length: attempts }, (_, k) =>
    Math.min(policy.maxUs, Math.floor(policy.minUs * policy.factor ** k * (1 + policy.jitter * r.next()))),
  );
}

function delays(policy: BackoffPolicy, seed: number, attempts: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: attempts }, (_, k) => backoffDelay(policy, k, random));
}

describe('backoffDelay', () => {
  it('waits min(maxUs, floor(minUs * factor^k * (1 + jitter * r))) with r from the seeded stream', () => {
    for (const seed of [1, 2, 6, 42, 1234]) {
      expect(delays(jittered, seed, 12)).toEqual(expectedDelays(jittered, seed, 12));
    }
  });

  it('adds jitter: delays differ across seeds and exceed the bare exponential', () => {
    for (let k = 0; k < 6; k++) {
      const base = jittered.minUs * jittered.factor ** k;
      const samples = Array.from({ length: 20 }, (_, seed) => backoffDelay(jittered, k, createRandom(seed + 1)));
      expect(new Set(samples).size).toBeGreaterThan(10);
      expect(samples.filter((d) => d > base).length).toBeGreaterThan(15);
      // The mean of r is 1/2, so the mean delay sits well above the base (about base * 1.25).
      const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
      expect(mean).toBeGreaterThan(base * 1.1);
    }
  });

  it('gives the exact exponential, capped at maxUs, when jitter is 0', () => {
    const policy: BackoffPolicy = { ...jittered, jitter: 0, maxUs: 50_000 };
    expect(delays(policy, 7, 8)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 50_000, 50_000]);
  });

  it('restarts at once when minUs is 0', () => {
    expect(backoffDelay({ ...jittered, minUs: 0 }, 3, createRandom(1))).toBe(0);
  });

  it('stays within [minUs * factor^k, minUs * factor^k * (1 + jitter)], capped at maxUs, as an integer', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.constantFrom(1, 1.5, 2, 3),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer(),
        (minUs, extra, factor, jitter, attempt, seed) => {
          const policy: BackoffPolicy = { minUs, maxUs: minUs + extra, factor, jitter, resetAfterUs: 0 };
          const d = backoffDelay(policy, attempt, createRandom(seed));
          const base = minUs * factor ** attempt;
          expect(Number.isInteger(d)).toBe(true);
          expect(d).toBeLessThanOrEqual(policy.maxUs);
          expect(d).toBeGreaterThanOrEqual(Math.min(policy.maxUs, Math.floor(base)));
          expect(d).toBeLessThanOrEqual(base * (1 + jitter));
        },
      ),
    );
  });
});

describe('restart backoff in a supervisor', () => {
  it('restarts a crashed child only after the jittered delay, not after the bare exponential', async () => {
    // Seed 6 draws r of about 0.87 then 0.87 for the supervisor `sup`: delays of about 1.44 ms and 2.87 ms.
    const seed = 6;
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock, seed });
    system.spawn(
      defineSupervisor({
        name: 'sup',
        supervision: { maxRestarts: 10, withinUs: HOUR, backoff: jittered },
        children: [{ actor: counterActor(), name: 'c' }],
      }),
    );
    // A supervisor draws jitter from its own stream, forked from the system's by its path.
    const stream = system.random.fork('sup');
    const child = system.lookup('sup/c')!;
    for (let k = 0; k < 2; k++) {
      const base = jittered.minUs * jittered.factor ** k;
      const delay = Math.min(jittered.maxUs, Math.floor(base * (1 + jittered.jitter * stream.next())));
      // The seed is chosen so that jitter is large: a restart at `base` is far too early.
      expect(delay).toBeGreaterThan(base * 1.3);
      expect(delay).toBeLessThanOrEqual(base * (1 + jittered.jitter));

      child.tell('inc');
      const crashedAt = clock.now();
      child.tell('crash');
      system.runUntilIdle();
      expect(system.inspectActor(child)!.status).toBe('restarting');

      clock.advanceTo(crashedAt + base);
      expect(system.inspectActor(child)!.status).toBe('restarting');
      clock.advanceTo(crashedAt + delay - 1);
      expect(system.inspectActor(child)!.status).toBe('restarting');
      expect(system.inspectActor(child)!.counters.restarts).toBe(k);

      clock.advanceTo(crashedAt + delay);
      expect(system.inspectActor(child)!.status).toBe('running');
      expect(system.inspectActor(child)!.counters.restarts).toBe(k + 1);
      expect(await askNow(system, child, 'get')).toBe(0);
      clock.advanceTo(clock.now() + 10_000);
    }
  });
});
