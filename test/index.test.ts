import { describe, expect, it } from 'vitest';
import * as tickflow from '../src/index.js';

describe('public entry', () => {
  it('exports the indicators, the runtime and the backtest by name', () => {
    expect(new tickflow.EMA(3).update(1)).toBeUndefined();
    for (const name of ['createActorSystem', 'defineActor', 'defineStrategy', 'runBacktest', 'replay', 'openSource', 'SMA', 'RSI', 'MACD', 'OBV']) {
      expect(typeof (tickflow as Record<string, unknown>)[name]).toBe('function');
    }
  });
});
