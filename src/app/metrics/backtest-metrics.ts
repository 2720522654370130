/**
 * A backtest's metrics, computed from its equity curve and its fills alone (pure: the same curve and
 * fills give the same figures). Each metric lives in its own file with its definition; this one
 * puts them together. Money stays exact (`bigint` at the curve's quote precision); ratios are
 * doubles, `null` where undefined (`metric-number.ts` rounds them for output).
 */
import type { Fill } from '../../model/fill.js';
import type { Instrument } from '../../model/instrument.js';
import { instrumentKey } from '../../model/instrument-key.js';
import { canAnnualise, periodsPerYear } from './annualisation.js';
import { cagr } from './cagr.js';
import { calmar } from './calmar.js';
import { finalEquityOf, spanOf, type EquityCurve } from './equity-curve.js';
import { exposure } from './exposure.js';
import { feeShare } from './fee-share.js';
import { instrumentTable, type InstrumentRow } from './instrument-table.js';
import { maxDrawdown, type MaxDrawdown } from './max-drawdown.js';
import { roundTrips, type RoundTrips } from './round-trips.js';
import { sharpe } from './sharpe.js';
import { sortino } from './sortino.js';
import { totalReturn } from './total-return.js';
import { tradeStats, type TradeStats } from './trade-stats.js';
import { averageEquity, tradedNotional, turnover } from './turnover.js';

/** What the metrics are computed from. */
export interface MetricsInput {
  readonly curve: EquityCurve;
  /** Every fill, in the order the portfolio applied them. */
  readonly fills: readonly Fill[];
  /** The run's instruments (their precisions price the fills). */
  readonly instruments: readonly Instrument[];
}

/** Every metric of a run. */
export interface BacktestMetrics {
  readonly intervalUs: number;
  /** The interval asked for, when the recorder coarsened it (`EquityCurve.requestedIntervalUs`). */
  readonly requestedIntervalUs: number | undefined;
  readonly samples: number;
  readonly startTs: number;
  readonly endTs: number;
  readonly spanUs: number;
  /** True when the span reaches a day, so the annualised figures are given. */
  readonly annualised: boolean;
  readonly periodsPerYear: number;
  readonly initialEquity: bigint;
  readonly finalEquity: bigint;
  readonly totalReturn: number | null;
  readonly cagr: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  readonly maxDrawdown: MaxDrawdown;
  /** Over closed round trips. */
  readonly trades: TradeStats;
  readonly roundTrips: RoundTrips;
  readonly exposure: number | null;
  readonly tradedNotional: bigint;
  readonly averageEquity: bigint;
  readonly turnover: number | null;
  /** Fees of every fill. */
  readonly fees: bigint;
  /** `finalEquity − initialEquity + fees`: the result before costs. */
  readonly grossPnl: bigint;
  readonly feeShare: number | null;
  readonly instruments: readonly InstrumentRow[];
}

/** Computes every metric of a run (see each metric's file for its definition). */
export function computeMetrics(input: MetricsInput): BacktestMetrics {
  const { curve, fills } = input;
  const qp = curve.quotePrecision;
  const byKey = new Map<string, Instrument>();
  for (const i of input.instruments) if (i.exchange !== undefined) byKey.set(instrumentKey(i.exchange, i.symbol), i);
  const startTs = curve.samples[0]!.ts;
  const endTs = curve.samples[curve.samples.length - 1]!.ts;
  const spanUs = spanOf(curve);
  const trips = roundTrips(fills, byKey, qp);
  const notional = tradedNotional(fills, byKey, qp);
  const exposed = exposure(fills, startTs, endTs);
  const drawdown = maxDrawdown(curve);
  const growth = cagr(curve);
  let fees = 0n;
  for (const f of fills) fees += f.fee;
  const finalEquity = finalEquityOf(curve);
  const grossPnl = finalEquity - curve.initialEquity + fees;
  return {
    intervalUs: curve.intervalUs,
    requestedIntervalUs: curve.requestedIntervalUs,
    samples: curve.samples.length,
    startTs,
    endTs,
    spanUs,
    annualised: canAnnualise(spanUs),
    periodsPerYear: periodsPerYear(curve.intervalUs),
    initialEquity: curve.initialEquity,
    finalEquity,
    totalReturn: totalReturn(curve),
    cagr: growth,
    sharpe: sharpe(curve),
    sortino: sortino(curve),
    calmar: calmar(growth, drawdown.fraction),
    maxDrawdown: drawdown,
    trades: tradeStats(trips.closed),
    roundTrips: trips,
    exposure: exposed.total,
    tradedNotional: notional.total,
    averageEquity: averageEquity(curve),
    turnover: turnover(notional.total, curve),
    fees,
    grossPnl,
    feeShare: feeShare(fees, grossPnl),
    instruments: instrumentTable({ keys: curve.keys, fills, trips: trips.closed, notional: notional.byKey, exposure: exposed.byKey, spanUs }),
  };
}
