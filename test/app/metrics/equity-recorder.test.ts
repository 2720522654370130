import { describe, expect, it } from 'vitest';
import { MAX_EQUITY_SAMPLES, createEquityRecorder } from '../../../src/app/metrics/equity-recorder.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../../src/runtime/clock.js';
import { A, INSTRUMENTS, QP, fill } from './metrics-fixtures.js';

const trade = (price: number) => ({ type: 'trade', exchange: 'x', symbol: 'A', id: '1', price, amount: 1, side: 'buy', ts: 0, tsRecv: 0 });
const quote = (bidPrice: number, askPrice: number) => ({ type: 'book_ticker', exchange: 'x', symbol: 'A', bidPrice, bidAmount: 1, askPrice, askAmount: 1, ts: 0, tsRecv: 0 });
const money = (units: string): bigint => BigInt(Math.round(Number(units) * 1e5));

describe('createEquityRecorder', () => {
  it('samples equity and positions on the engine-time grid, each sample after every event at or before it', () => {
    const system = createActorSystem({ clock: new SimulatedClock(1_000) });
    const recorder = createEquityRecorder(system, { instruments: INSTRUMENTS, quotePrecision: QP, initialCash: '1000', intervalUs: 10 });
    const at = (t: number, topic: string, message: unknown): void => {
      system.advanceTo(t);
      system.publish(topic, message);
    };
    at(1_005, 'md.x.A.trade', trade(100)); //                           no position: equity 1000
    at(1_012, 'exec.fill.x.A', { type: 'fill_report', fill: fill(A, 'buy', '2', '100', '0.5', 1_012), position: 2000 });
    //                                                                   cash 1000 − 200 − 0.5; 2 × 100: 999.5
    at(1_020, 'md.x.A.book_ticker', quote(104, 106)); //                 mid 105, on the grid point: 799.5 + 210 = 1009.5
    at(1_025, 'md.x.A.book_ticker', quote(0, 106)); //                   one-sided: no mark (as execution)
    at(1_031, 'md.x.A.trade_bar', { type: 'trade_bar', exchange: 'x', symbol: 'A', close: 90, tsRecv: 1_031 }); // 799.5 + 180 = 979.5
    const curve = recorder.finish(1_037);
    expect(curve.keys).toEqual(['x:A', 'x:B']);
    expect(curve.initialEquity).toBe(money('1000'));
    expect(curve.samples.map((s) => [s.ts, s.equity, s.positions[0]])).toEqual([
      [1_000, money('1000'), 0],
      [1_010, money('1000'), 0],
      [1_020, money('1009.5'), 2000],
      [1_030, money('1009.5'), 2000],
      [1_037, money('979.5'), 2000], // the closing sample, off the grid
    ]);
  });

  it('fills the grid points of a quiet stretch with the state before it, and adds no closing sample on a grid point', () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    const recorder = createEquityRecorder(system, { instruments: INSTRUMENTS, quotePrecision: QP, initialCash: '50', intervalUs: 10 });
    system.advanceTo(45);
    system.publish('exec.fill.x.A', { type: 'fill_report', fill: fill(A, 'sell', '1', '10', '0', 45), position: -1000 });
    const curve = recorder.finish(50);
    expect(curve.samples.map((s) => [s.ts, s.positions[0]])).toEqual([
      [0, 0],
      [10, 0],
      [20, 0],
      [30, 0],
      [40, 0],
      [50, -1000],
    ]);
  });

  it('coarsens the interval of a long run to stay under the cap, keeping exactly the samples of the coarser grid', () => {
    const run = (intervalUs: number) => {
      const system = createActorSystem({ clock: new SimulatedClock(0) });
      const recorder = createEquityRecorder(system, { instruments: INSTRUMENTS, quotePrecision: QP, initialCash: '1000', intervalUs });
      const events: [number, string, unknown][] = [
        [123_457, 'md.x.A.trade', trade(100)],
        [123_457, 'exec.fill.x.A', { type: 'fill_report', fill: fill(A, 'buy', '1', '100', '0', 123_457), position: 1000 }],
        [600_000, 'md.x.A.trade', trade(101)],
        [777_777, 'md.x.A.trade', trade(99)],
      ];
      for (const [t, topic, message] of events) {
        system.advanceTo(t);
        system.publish(topic, message);
      }
      return recorder.finish(1_000_003);
    };
    // 1 µs over [0, 1,000,003] is 1,000,004 grid points; 5 µs still 200,001 (> 200,000); 15 µs 66,667.
    const fine = run(1);
    expect(fine.intervalUs).toBe(15);
    expect(fine.requestedIntervalUs).toBe(1);
    expect(fine.samples.length).toBeLessThanOrEqual(MAX_EQUITY_SAMPLES);
    const direct = run(15);
    expect(direct.requestedIntervalUs).toBeUndefined();
    expect(fine.samples).toEqual(direct.samples);
    expect(fine.samples.at(-1)).toEqual({ ts: 1_000_003, equity: money('999'), positions: [1000, 0] });
  });

  it('stops listening once finished', () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    const recorder = createEquityRecorder(system, { instruments: INSTRUMENTS, quotePrecision: QP, initialCash: '50', intervalUs: 10 });
    const curve = recorder.finish(0);
    system.advanceTo(30);
    system.publish('exec.fill.x.A', { type: 'fill_report', fill: fill(A, 'buy', '1', '10', '0', 30), position: 1000 });
    expect(curve.samples).toHaveLength(1);
  });

  it('refuses an interval that is not a positive whole number of µs', () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    expect(() => createEquityRecorder(system, { instruments: INSTRUMENTS, quotePrecision: QP, initialCash: '50', intervalUs: 0 })).toThrow(RangeError);
  });
});
