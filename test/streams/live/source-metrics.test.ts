import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SourceMetrics } from '../../../streams/live/source-metrics.js';

describe('SourceMetrics', () => {
  it('reports nulls, not zeros, before anything happened', () => {
    const s = new SourceMetrics('rest').snapshot();
    expect(s).toMatchObject({ source: 'rest', requests: 0, successRate: null, recentSuccessRate: null, latencyP50Us: null, latencyP99Us: null, breaker: 'closed' });
  });

  it('keeps the overall success rate and the rate over the last 100 apart', () => {
    const m = new SourceMetrics('primary');
    for (let i = 0; i < 100; i++) m.recordFailure('timeout');
    for (let i = 0; i < 100; i++) m.recordSuccess(1_000);
    let s = m.snapshot();
    expect(s.successRate).toBe(0.5);
    expect(s.recentSuccessRate).toBe(1);
    expect(s.recentRequests).toBe(100);
    for (let i = 0; i < 30; i++) m.recordFailure('reset');
    s = m.snapshot();
    expect(s.recentSuccessRate).toBe(0.7);
    expect(s.requests).toBe(230);
    expect(s.failuresByClass).toMatchObject({ timeout: 100, reset: 30, refused: 0 });
  });

  it('gives nearest-rank p50 and p99 on known latencies', () => {
    const m = new SourceMetrics('primary');
    // 1..100 ms, shuffled deterministically.
    const values = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    for (const v of values) m.recordSuccess(v * 1_000);
    expect(m.snapshot()).toMatchObject({ latencyP50Us: 50_000, latencyP99Us: 99_000, latencySamples: 100 });
    const few = new SourceMetrics('few');
    few.recordSuccess(10);
    few.recordSuccess(30);
    few.recordSuccess(20);
    expect(few.snapshot()).toMatchObject({ latencyP50Us: 20, latencyP99Us: 30 });
  });

  it('takes latency percentiles over the recent window only', () => {
    const m = new SourceMetrics('primary', { latencyWindow: 1_000 });
    for (let i = 0; i < 5_000; i++) m.recordSuccess(900_000); // an old slow period
    for (let i = 0; i < 1_000; i++) m.recordSuccess(1_000 + (i % 10));
    const s = m.snapshot();
    expect(s.latencySamples).toBe(1_000);
    expect(s.latencyP99Us).toBe(1_009);
  });

  it('does not time failures', () => {
    const m = new SourceMetrics('primary');
    m.recordSuccess(5);
    m.recordFailure('timeout');
    expect(m.snapshot()).toMatchObject({ latencySamples: 1, latencyP99Us: 5 });
  });

  it('follows the breaker and counts refusals by reason', () => {
    const m = new SourceMetrics('primary');
    m.onBreakerTransition({ from: 'closed', to: 'open', at: 1, reason: 'threshold', failure: 'timeout', openUntil: 10 });
    m.recordDenied('open');
    m.recordDenied('open');
    m.recordDenied('rate-limited');
    const s = m.snapshot();
    expect(s).toMatchObject({ breaker: 'open', breakerOpenings: 1, denied: { open: 2, 'rate-limited': 1, 'trial-busy': 0, 'retry-wait': 0 } });
  });

  it('snapshots plain data that JSON round-trips unchanged', () => {
    const m = new SourceMetrics('primary');
    m.recordSuccess(12);
    m.recordFailure('rate-limited');
    const s = m.snapshot();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('computes the recent rate as a naive recount of the last window, over any outcome sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 400 }), fc.integer({ min: 1, max: 120 }), (outcomes, window) => {
        const m = new SourceMetrics('s', { recentWindow: window });
        outcomes.forEach((ok) => (ok ? m.recordSuccess(1) : m.recordFailure('server')));
        const last = outcomes.slice(-window);
        const s = m.snapshot();
        expect(s.recentRequests).toBe(last.length);
        expect(s.recentSuccessRate).toBe(last.length === 0 ? null : last.filter(Boolean).length / last.length);
        expect(s.successRate).toBe(outcomes.length === 0 ? null : outcomes.filter(Boolean).length / outcomes.length);
      }),
    );
  });
});
