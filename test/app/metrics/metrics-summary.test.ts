import { describe, expect, it } from 'vitest';
import { DAY_US } from '../../../src/app/metrics/annualisation.js';
import { computeMetrics } from '../../../src/app/metrics/backtest-metrics.js';
import type { EquityCurve } from '../../../src/app/metrics/equity-curve.js';
import { metricsRows } from '../../../src/app/metrics/metrics-summary.js';
import { A, QP, fill } from './metrics-fixtures.js';

const money = (text: string): bigint => BigInt(Math.round(Number(text) * 1e5));
const T0 = 1_704_067_200_000_000; // 2024-01-01T00:00:00Z

function curve(intervalUs: number, equities: readonly string[]): EquityCurve {
  return { intervalUs, quotePrecision: QP, initialEquity: money('1000'), keys: ['x:A'], samples: equities.map((e, k) => ({ ts: T0 + k * intervalUs, equity: money(e), positions: [0] })) };
}

describe('metricsRows', () => {
  it('says why there are no annualised figures under a day, and gives the drawdown with ISO times', () => {
    // 1-minute samples over 3 minutes: 1000, 990, 1001, 995. Drawdown 10 / 1000 = 1% from the start,
    // trough at 00:01, recovered at 00:02 (1001 ≥ 1000) after 2 minutes. (Curve and fills are separate
    // inputs of the metrics; here they need not tell the same story.)
    const fills = [fill(A, 'buy', '1', '100', '0.04', T0 + 30_000_000), fill(A, 'sell', '1', '99.5', '0.0398', T0 + 150_000_000)];
    const rows = metricsRows(computeMetrics({ curve: curve(60_000_000, ['1000', '990', '1001', '995']), fills, instruments: [A] }), QP);
    expect(Object.fromEntries(rows)).toEqual({
      'return / CAGR': '-0.5% / n/a',
      'sharpe / sortino / calmar': 'n/a (annualised figures need a day of data; this run spans 3m)',
      'drawdown (1m curve)': '1% (10.00000) from 2024-01-01T00:00:00.000000Z, trough 2024-01-01T00:01:00.000000Z, recovered 2024-01-01T00:02:00.000000Z (2m)',
      // −0.5 − 0.0798 = −0.5798 net
      'round trips': '1 closed: win rate 0%, profit factor 0, expectancy -0.57980, average holding 2m',
      // in the market 00:00:30 .. 00:02:30 of 3 minutes; traded 199.5 over mean equity 996.5
      'exposure / turnover': `66.6667% of the time / ${Number((199.5 / 996.5).toPrecision(6))}x average equity`,
      // gross: 995 − 1000 + 0.0798 < 0: no share
      'fees / gross PnL': '0.07980 / -4.92020',
    });
  });

  it('gives the annualised ratios from a day of data on', () => {
    const rows = Object.fromEntries(metricsRows(computeMetrics({ curve: curve(DAY_US / 2, ['1000', '1010', '1005']), fills: [], instruments: [A] }), QP));
    expect(rows['sharpe / sortino / calmar']).toMatch(/^-?[\d.e-]+ \/ -?[\d.e-]+ \/ -?[\d.e-]+ \(annualised: 365-day year, 12h samples\)$/);
    expect(rows['return / CAGR']).toMatch(/^\+0\.5% \/ \+[\d.]+%$/);
    expect(rows['drawdown (12h curve)']).toContain('not recovered (12h so far)');
    expect(rows['round trips']).toBe('none closed');
  });
});
