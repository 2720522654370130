import { describe, expect, it } from 'vitest';
import type { BackoffPolicy } from '../../../src/runtime/backoff.js';
import { MILLISECOND, SECOND, SimulatedClock } from '../../../src/runtime/clock.js';
import { createRandom } from '../../../src/runtime/random.js';
import { breakerPolicy, exponentialRecovery, fixedRecovery } from '../../../streams/live/breaker-policy.js';
import { Dedup } from '../../../streams/live/dedup.js';
import { FallbackChain, type FallbackSource, type SourceSwitch } from '../../../streams/live/fallback-chain.js';
import { classifyStatus, failure } from '../../../streams/live/failure-class.js';
import { failed, succeeded } from '../../../streams/live/request-outcome.js';
import { perSecond } from '../../../streams/live/token-bucket.js';
import { consecutiveFailures } from '../../../streams/live/trip-rule.js';

const noRetryWait: BackoffPolicy = { minUs: 0, maxUs: 0, factor: 2, jitter: 0, resetAfterUs: 0 };
const policy = breakerPolicy({ trip: consecutiveFailures(3), recovery: fixedRecovery(SECOND) });
const timeout = failure('timeout', 'ETIMEDOUT');

function chainOf(sources: FallbackSource[], seed = 1) {
  const switches: SourceSwitch[] = [];
  const chain = new FallbackChain({ sources, random: createRandom(seed), onSwitch: (e) => switches.push(e) });
  return { chain, switches };
}

const three = (): FallbackSource[] => [
  { name: 'primary-ws', breaker: policy, retry: noRetryWait },
  { name: 'secondary-ws', breaker: policy, retry: noRetryWait },
  { name: 'rest-book-ticker', breaker: policy, retry: noRetryWait },
];

/** Sends one request to `source` at `t`, if granted, with the given result. */
function request(chain: FallbackChain, source: string, t: number, ok: boolean): boolean {
  if (!chain.acquire(source, t).ok) return false;
  chain.report(source, ok ? succeeded(2 * MILLISECOND) : failed(timeout), t);
  return true;
}

describe('FallbackChain', () => {
  it('uses the first source while it is healthy', () => {
    const { chain, switches } = chainOf(three());
    expect(chain.active(0)).toBe('primary-ws');
    for (let t = 0; t < 10; t++) request(chain, 'primary-ws', t, true);
    expect(chain.active(10)).toBe('primary-ws');
    expect(switches).toEqual([]);
  });

  it('fails over to the next source when the active one opens, and counts the switch', () => {
    const { chain, switches } = chainOf(three());
    request(chain, 'primary-ws', 10, false);
    request(chain, 'primary-ws', 20, false);
    expect(chain.active(20)).toBe('primary-ws');
    request(chain, 'primary-ws', 30, false);
    expect(chain.active(30)).toBe('secondary-ws');
    expect(switches).toEqual([{ from: 'primary-ws', to: 'secondary-ws', at: 30, reason: 'failover' }]);
    expect([chain.switches, chain.failovers, chain.failbacks]).toEqual([1, 1, 0]);
  });

  it('probes a recovered higher source while staying on the active one, then fails back when trials succeed', () => {
    const { chain, switches } = chainOf(three());
    for (let i = 0; i < 3; i++) request(chain, 'primary-ws', 0, false);
    expect(chain.probes(SECOND - 1)).toEqual([]);
    expect(chain.acquire('primary-ws', SECOND - 1)).toEqual({ ok: false, reason: 'open', retryAt: SECOND });
    expect(chain.probes(SECOND)).toEqual(['primary-ws']);
    expect(chain.active(SECOND)).toBe('secondary-ws');
    expect(chain.breakerState('primary-ws', SECOND)).toBe('half-open');
    expect(request(chain, 'primary-ws', SECOND + 5, true)).toBe(true);
    expect(chain.active(SECOND + 5)).toBe('primary-ws');
    expect(switches.map((s) => `${s.from}>${s.to}:${s.reason}@${s.at}`)).toEqual(['primary-ws>secondary-ws:failover@0', 'secondary-ws>primary-ws:failback@1000005']);
    expect([chain.switches, chain.failovers, chain.failbacks]).toEqual([2, 1, 1]);
  });

  it('does not switch when a trial fails: the source opens again, for longer', () => {
    const growing = breakerPolicy({ trip: consecutiveFailures(3), recovery: exponentialRecovery(SECOND, 8 * SECOND) });
    const { chain, switches } = chainOf([
      { name: 'primary-ws', breaker: growing, retry: noRetryWait },
      { name: 'rest-book-ticker', breaker: growing, retry: noRetryWait },
    ]);
    for (let i = 0; i < 3; i++) request(chain, 'primary-ws', 0, false);
    request(chain, 'primary-ws', SECOND, false);
    expect(chain.active(SECOND)).toBe('rest-book-ticker');
    expect(chain.probes(2 * SECOND)).toEqual([]);
    expect(chain.nextWakeAt(SECOND)).toBe(3 * SECOND);
    expect(chain.probes(3 * SECOND)).toEqual(['primary-ws']);
    expect(switches).toHaveLength(1);
  });

  it('allows one trial in flight: a second probe waits for the first to be reported', () => {
    const { chain } = chainOf(three());
    for (let i = 0; i < 3; i++) request(chain, 'primary-ws', 0, false);
    expect(chain.acquire('primary-ws', SECOND).ok).toBe(true);
    expect(chain.probes(SECOND)).toEqual([]);
    expect(chain.acquire('primary-ws', SECOND)).toEqual({ ok: false, reason: 'trial-busy', retryAt: Number.POSITIVE_INFINITY });
  });

  it('has no active source while every breaker is open, and says when to look again', () => {
    const { chain, switches } = chainOf(three());
    for (const [name, t] of [['primary-ws', 0], ['secondary-ws', 100], ['rest-book-ticker', 200]] as const) {
      for (let i = 0; i < 3; i++) request(chain, name, t, false);
    }
    expect(chain.active(200)).toBeNull();
    expect(switches.at(-1)).toEqual({ from: 'rest-book-ticker', to: null, at: 200, reason: 'failover' });
    expect(chain.nextWakeAt(200)).toBe(SECOND);
    // At 1 s + 100 µs the two first are half-open: both are probed; the second answers first.
    expect(chain.probes(SECOND + 100)).toEqual(['primary-ws', 'secondary-ws']);
    request(chain, 'secondary-ws', SECOND + 100, true);
    expect(chain.active(SECOND + 100)).toBe('secondary-ws');
    expect(switches.at(-1)).toMatchObject({ from: null, to: 'secondary-ws', reason: 'failback' });
    request(chain, 'primary-ws', SECOND + 150, true);
    expect(chain.active(SECOND + 150)).toBe('primary-ws');
    expect([chain.failovers, chain.failbacks]).toEqual([3, 2]);
  });

  it('rate-limits each source with its own token bucket, without switching', () => {
    const { chain, switches } = chainOf([
      { name: 'rest', breaker: policy, rateLimit: perSecond(2), retry: noRetryWait },
      { name: 'other', breaker: policy, retry: noRetryWait },
    ]);
    expect(request(chain, 'rest', 0, true)).toBe(true);
    expect(request(chain, 'rest', 0, true)).toBe(true);
    expect(chain.acquire('rest', 0)).toEqual({ ok: false, reason: 'rate-limited', retryAt: 500_000 });
    expect(chain.acquire('rest', 0, 3)).toEqual({ ok: false, reason: 'rate-limited', retryAt: Number.POSITIVE_INFINITY });
    expect(chain.acquire('rest', 500_000).ok).toBe(true);
    expect(chain.active(500_000)).toBe('rest');
    expect(switches).toEqual([]);
    const snap = chain.snapshot(500_000);
    expect(snap.sources[0]).toMatchObject({ source: 'rest', denied: { 'rate-limited': 2 }, tokensAvailable: 0 });
    expect(snap.sources[1]?.tokensAvailable).toBeNull();
  });

  it('backs off after a failure, growing per failure in a row and reset by a success', () => {
    const retry: BackoffPolicy = { minUs: 100 * MILLISECOND, maxUs: SECOND, factor: 2, jitter: 0, resetAfterUs: 0 };
    const { chain } = chainOf([{ name: 'rest', breaker: breakerPolicy({ trip: consecutiveFailures(10) }), retry }]);
    chain.report('rest', failed(timeout), 0);
    expect(chain.acquire('rest', 0)).toEqual({ ok: false, reason: 'retry-wait', retryAt: 100 * MILLISECOND });
    expect(chain.nextWakeAt(0)).toBe(100 * MILLISECOND);
    expect(chain.acquire('rest', 100 * MILLISECOND).ok).toBe(true);
    chain.report('rest', failed(timeout), 100 * MILLISECOND);
    expect(chain.acquire('rest', 100 * MILLISECOND)).toMatchObject({ reason: 'retry-wait', retryAt: 300 * MILLISECOND });
    chain.report('rest', succeeded(1), 300 * MILLISECOND);
    chain.report('rest', failed(timeout), 300 * MILLISECOND);
    expect(chain.acquire('rest', 300 * MILLISECOND)).toMatchObject({ retryAt: 400 * MILLISECOND });
  });

  it('honours a 429 Retry-After: the source opens, the chain fails over, and it is not asked again before the wait ends', () => {
    const clock = new SimulatedClock(Date.UTC(2024, 0, 1) * 1000);
    const wall = () => clock.now();
    const { chain, switches } = chainOf([
      { name: 'rest', breaker: policy, retry: noRetryWait },
      { name: 'rest-backup', breaker: policy, retry: noRetryWait },
    ]);
    const t0 = clock.now();
    expect(chain.acquire('rest', t0).ok).toBe(true);
    chain.report('rest', failed(classifyStatus(429, '30', wall)!), t0);
    expect(switches).toEqual([{ from: 'rest', to: 'rest-backup', at: t0, reason: 'failover' }]);
    clock.advanceTo(t0 + 30 * SECOND - 1);
    expect(chain.acquire('rest', clock.now())).toMatchObject({ ok: false, reason: 'open', retryAt: t0 + 30 * SECOND });
    clock.advanceTo(t0 + 30 * SECOND);
    expect(chain.probes(clock.now())).toEqual(['rest']);
    const snap = chain.snapshot(clock.now());
    expect(snap.sources[0]).toMatchObject({ failuresByClass: { 'rate-limited': 1 }, denied: { open: 1 }, breaker: 'half-open' });
  });

  it('rides out an outage of the primary on the simulated clock: over, back, counted, no request to an open source', () => {
    const run = (seed: number) => {
      const clock = new SimulatedClock(0);
      const { chain, switches } = chainOf(three(), seed);
      const downFrom = 2 * SECOND;
      const downUntil = 6 * SECOND;
      const healthy = (source: string, t: number) => source !== 'primary-ws' || t < downFrom || t >= downUntil;
      const served: string[] = [];
      for (let t = 0; t <= 10 * SECOND; t += 100 * MILLISECOND) {
        clock.advanceTo(t);
        const now = clock.now();
        for (const probe of chain.probes(now)) request(chain, probe, now, healthy(probe, now));
        const active = chain.active(now);
        if (active !== null && request(chain, active, now, healthy(active, now))) served.push(active);
        for (const name of chain.names) if (chain.breakerState(name, now) === 'open') expect(chain.acquire(name, now).ok).toBe(false);
      }
      return { chain, switches, served };
    };
    const { chain, switches, served } = run(1);
    // Down at 2.0 s: failures at 2.0, 2.1, 2.2 open it for 1 s; the probes at 3.2, 4.2 and 5.2 fail;
    // the one at 6.2 succeeds. The secondary serves every tick from 2.3 to 6.1.
    expect(switches).toEqual([
      { from: 'primary-ws', to: 'secondary-ws', at: 2_200_000, reason: 'failover' },
      { from: 'secondary-ws', to: 'primary-ws', at: 6_200_000, reason: 'failback' },
    ]);
    expect(served.filter((s) => s === 'secondary-ws')).toHaveLength(39);
    const primary = chain.snapshot(10 * SECOND).sources[0]!;
    expect(primary).toMatchObject({ failures: 6, breaker: 'closed', breakerOpenings: 4, breakerClosings: 1 });
    expect(run(1).switches).toEqual(switches);
  });

  it('passes each trade once through a failback, while the recovering source and the active one both deliver', () => {
    const { chain } = chainOf(three());
    const dedup = new Dedup();
    const delivered: number[] = [];
    const deliver = (ids: number[]) => ids.forEach((id) => dedup.accept('trade', 'BTCUSDT', id) && delivered.push(id));
    deliver([1, 2, 3]); // from the primary
    for (let i = 0; i < 3; i++) request(chain, 'primary-ws', 0, false);
    deliver([3, 4, 5, 6]); // the secondary's first batch overlaps what the primary gave
    expect(chain.probes(SECOND)).toEqual(['primary-ws']);
    request(chain, 'primary-ws', SECOND, true); // the new primary connection is up: fail back
    expect(chain.active(SECOND)).toBe('primary-ws');
    deliver([5, 6, 7]); // primary, from where its stream stands
    deliver([7, 8]); // the secondary's last batch before it is closed
    deliver([8, 9, 10]);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(dedup.duplicates).toBe(5);
  });

  it('refuses a source it does not have, and malformed source lists, with CONFIG_INVALID', () => {
    const { chain } = chainOf(three());
    expect(() => chain.report('nope', succeeded(1), 0)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => chainOf([])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => chainOf([{ name: 'a' }, { name: 'a' }])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
