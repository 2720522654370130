/**
 * Hand-made inputs for the metrics tests: equity curves written as decimal strings, instruments and
 * fills. Not a test file; the tests import it.
 */
import type { EquityCurve } from '../../../src/app/metrics/equity-curve.js';
import type { Fill } from '../../../src/model/fill.js';
import { createInstrument, priceToTicks, sizeToLots, type Instrument } from '../../../src/model/instrument.js';
import { toUnits } from '../../../src/model/money.js';

/** Options of `curveOf`. */
export interface CurveOptions {
  /** Starting equity (default the first sample's). */
  readonly initial?: string;
  readonly start?: number;
  readonly quotePrecision?: number;
  /** Times of the samples, when not `start + k × interval` (a closing sample off the grid). */
  readonly times?: readonly number[];
}

/** A curve with one sample per entry of `equities`, every `intervalUs` from `start` (default 0). */
export function curveOf(intervalUs: number, equities: readonly string[], options: CurveOptions = {}): EquityCurve {
  const qp = options.quotePrecision ?? 2;
  const start = options.start ?? 0;
  return {
    intervalUs,
    quotePrecision: qp,
    initialEquity: toUnits(options.initial ?? equities[0]!, qp),
    keys: [],
    samples: equities.map((e, k) => ({ ts: options.times?.[k] ?? start + k * intervalUs, equity: toUnits(e, qp), positions: [] })),
  };
}

/** Quote precision of the fills' money: price decimals (2) + size decimals (3), so every notional is exact. */
export const QP = 5;

/** `x:A` with price step 0.01, size step 0.001. */
export const A: Instrument = createInstrument({ exchange: 'x', symbol: 'A', priceIncrement: '0.01', sizeIncrement: '0.001' });
/** `x:B`, the same grid. */
export const B: Instrument = createInstrument({ exchange: 'x', symbol: 'B', priceIncrement: '0.01', sizeIncrement: '0.001' });

/** Instruments by key. */
export const INSTRUMENTS: ReadonlyMap<string, Instrument> = new Map([
  ['x:A', A],
  ['x:B', B],
]);

let fillId = 0;

/** A fill of `instrument` written in decimals: `fill(A, 'buy', '2', '100', '0.08', 1)`; fee at `QP` decimals. */
export function fill(instrument: Instrument, side: 'buy' | 'sell', quantity: string, price: string, fee: string, ts: number): Fill {
  return {
    clientOrderId: `f${++fillId}`,
    exchange: instrument.exchange!,
    symbol: instrument.symbol,
    side,
    quantity: sizeToLots(instrument, quantity),
    price: priceToTicks(instrument, price),
    fee: toUnits(fee, QP),
    liquidity: 'taker',
    ts,
  };
}
