import { describe, expect, it } from 'vitest';
import { DAY_US } from '../../../src/app/metrics/annualisation.js';
import { computeMetrics } from '../../../src/app/metrics/backtest-metrics.js';
import type { EquityCurve } from '../../../src/app/metrics/equity-curve.js';
import { metricsReport } from '../../../src/app/metrics/metrics-report.js';
import { A, QP, fill } from './metrics-fixtures.js';

const money = (text: string): bigint => BigInt(Math.round(Number(text) * 1e5));

function curve(equities: readonly string[], intervalUs = DAY_US): EquityCurve {
  return { intervalUs, quotePrecision: QP, initialEquity: money('1000'), keys: ['x:A'], samples: equities.map((e, k) => ({ ts: k * intervalUs, equity: money(e), positions: [0] })) };
}

/** Every number in `value`, recursively. */
function numbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(numbers);
}

describe('metricsReport', () => {
  it('gives defined figures or null when nothing traded, never NaN or Infinity', () => {
    const report = metricsReport(computeMetrics({ curve: curve(['1000', '1000', '1000']), fills: [], instruments: [A] }), QP);
    expect(numbers(report).every(Number.isFinite)).toBe(true);
    expect(report).toEqual({
      equityCurve: { file: 'equity.csv', interval: '1d', intervalUs: DAY_US, samples: 3, startTs: 0, endTs: 2 * DAY_US },
      annualisation: { yearDays: 365, periodsPerYear: 365, riskFreeRate: 0, minimumSpan: '1d', annualised: true },
      spanUs: 2 * DAY_US,
      spanDays: 2,
      initialEquity: '1000.00000',
      finalEquity: '1000.00000',
      totalReturn: 0,
      cagr: 0, // 1^182.5 − 1
      sharpe: null, // no variation
      sortino: null, // no losing day
      calmar: null, // no drawdown
      maxDrawdown: { amount: '0.00000', fraction: 0, peakEquity: null, troughEquity: null, startTs: null, troughTs: null, recoveryTs: null, durationUs: 0 },
      roundTripCount: 0,
      wins: 0,
      losses: 0,
      winRate: null,
      profitFactor: null,
      expectancy: null,
      roundTripPnl: '0.00000',
      averageHoldingUs: null,
      openRoundTrips: 0,
      exposure: 0,
      tradedNotional: '0.00000',
      averageEquity: '1000.00000',
      turnover: 0,
      fees: '0.00000',
      grossPnl: '0.00000',
      feeShare: null,
      instruments: {
        'x:A': { fills: 0, roundTripCount: 0, wins: 0, losses: 0, winRate: null, profitFactor: null, expectancy: null, roundTripPnl: '0.00000', averageHoldingUs: null, fees: '0.00000', tradedNotional: '0.00000', exposure: 0 },
      },
      roundTrips: [],
    });
  });

  it('survives a run with a single sample (no data at all)', () => {
    const report = metricsReport(computeMetrics({ curve: curve(['1000']), fills: [], instruments: [A] }), QP);
    expect(numbers(report).every(Number.isFinite)).toBe(true);
    expect([report.spanUs, report.exposure, report.cagr, report.sharpe, report.totalReturn]).toEqual([0, null, null, null, 0]);
  });

  it('formats money at the quote precision and ratios at six significant digits, and lists the round trips', () => {
    // Daily samples. Bought 1 A @ 100 (fee 0.04) at 12 h, marked 110 at day 1, sold @ 110 (fee 0.044) at 36 h.
    // day 0: 1000; day 1: 1000 − 100 − 0.04 + 110 = 1009.96; day 2: 899.96 + 110 − 0.044 = 1009.916
    const fills = [fill(A, 'buy', '1', '100', '0.04', DAY_US / 2), fill(A, 'sell', '1', '110', '0.044', (3 * DAY_US) / 2)];
    const report = metricsReport(computeMetrics({ curve: curve(['1000', '1009.96', '1009.916']), fills, instruments: [A] }), QP);
    // 9.916 / 1000
    expect(report.totalReturn).toBe(0.009916);
    // 1.009916^(365 / 2) − 1 = 5.05368... (six digits)
    expect(report.cagr).toBe(Number((1.009916 ** 182.5 - 1).toPrecision(6)));
    // returns r1 = 9.96 / 1000 = 0.00996, r2 = −0.044 / 1009.96; with two returns the sample stdev is |r1 − r2| / √2
    const r1 = 0.00996;
    const r2 = -0.044 / 1009.96;
    const sharpe = ((r1 + r2) / 2 / (Math.abs(r1 - r2) / Math.SQRT2)) * Math.sqrt(365);
    expect(report.sharpe).toBe(Number(sharpe.toPrecision(6)));
    // downside √(r2² / 2)
    expect(report.sortino).toBe(Number((((r1 + r2) / 2 / Math.sqrt((r2 * r2) / 2)) * Math.sqrt(365)).toPrecision(6)));
    // drawdown 1009.96 -> 1009.916: 0.044 / 1009.96; calmar = cagr / that
    expect(report.maxDrawdown).toEqual({ amount: '0.04400', fraction: Number((0.044 / 1009.96).toPrecision(6)), peakEquity: '1009.96000', troughEquity: '1009.91600', startTs: DAY_US, troughTs: 2 * DAY_US, recoveryTs: null, durationUs: DAY_US });
    expect(report.calmar).toBe(Number(((1.009916 ** 182.5 - 1) / (0.044 / 1009.96)).toPrecision(6)));
    // In the market from 12 h to 36 h of 48 h: 0.5. Traded 100 + 110 = 210 over mean equity (1000 + 1009.96 + 1009.916) / 3.
    expect(report.exposure).toBe(0.5);
    expect(report.tradedNotional).toBe('210.00000');
    expect(report.averageEquity).toBe('1006.62533'); // 3019.876 / 3 = 1006.625333...
    expect(report.turnover).toBe(Number((210 / (3019.876 / 3)).toPrecision(6)));
    // gross PnL 1009.916 − 1000 + 0.084 = 10; fees 0.084 of it
    expect([report.fees, report.grossPnl, report.feeShare]).toEqual(['0.08400', '10.00000', 0.0084]);
    expect([report.roundTripCount, report.winRate, report.profitFactor, report.expectancy, report.roundTripPnl, report.averageHoldingUs]).toEqual([1, 1, null, '9.91600', '9.91600', DAY_US]);
    expect(report.roundTrips).toEqual([
      { instrument: 'x:A', side: 'long', openTs: DAY_US / 2, closeTs: (3 * DAY_US) / 2, quantity: '1.000', entryPrice: '100.00000', exitPrice: '110.00000', grossPnl: '10.00000', fees: '0.08400', netPnl: '9.91600', holdingUs: DAY_US, fills: 2 },
    ]);
  });
});
