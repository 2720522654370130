import { describe, expect, it } from 'vitest';
import { resolveInstruments, type SeenInstrument } from '../../src/app/resolve-instruments.js';
import { createPrecisionTracker } from '../../src/model/instrument.js';
import { isTickflowError } from '../../src/runtime/errors.js';

function seen(...pairs: [string, string][]): Map<string, SeenInstrument> {
  return new Map(
    pairs.map(([exchange, symbol]) => {
      const tracker = createPrecisionTracker();
      tracker.observePrice(61000.1);
      tracker.observeSize(0.001);
      return [`${exchange}:${symbol}`, { exchange, symbol, tracker }];
    }),
  );
}

const btc = { symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' };

describe('resolveInstruments', () => {
  it('applies an instrument without an exchange to the only exchange that has its symbol', () => {
    const { instruments, unused } = resolveInstruments([btc], seen(['binance', 'BTCUSDT'], ['binance', 'ETHUSDT']));
    expect([...instruments.keys()]).toEqual(['binance:BTCUSDT', 'binance:ETHUSDT']);
    expect(instruments.get('binance:BTCUSDT')).toMatchObject({ exchange: 'binance', symbol: 'BTCUSDT', sizeIncrement: '0.00001', source: 'config' });
    expect(instruments.get('binance:ETHUSDT')).toMatchObject({ exchange: 'binance', source: 'inferred' });
    expect(unused).toEqual([]);
  });

  it('refuses it as CONFIG_INVALID naming the path when two exchanges have the symbol', () => {
    let error: unknown;
    try {
      resolveInstruments([{ ...btc, symbol: 'ETHUSDT' }, btc], seen(['binance', 'BTCUSDT'], ['binance-futures', 'BTCUSDT']));
    } catch (e) {
      error = e;
    }
    expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('instruments.1.exchange: BTCUSDT is on 2 exchanges in the data (binance, binance-futures)');
    expect((error as { context: Record<string, unknown> }).context['paths']).toEqual(['instruments.1.exchange']);
  });

  it('keeps an instrument without an exchange whose symbol the data lacks out of the run, and says so', () => {
    const { instruments, unused } = resolveInstruments([{ ...btc, symbol: 'SOLUSDT' }], seen(['binance', 'BTCUSDT']));
    expect([...instruments.keys()]).toEqual(['binance:BTCUSDT']);
    expect(instruments.get('binance:BTCUSDT')?.source).toBe('inferred');
    expect(unused).toEqual([{ path: 'instruments.0', symbol: 'SOLUSDT' }]);
  });

  it('lets an entry with an exchange settle the other venue, and keeps one with an exchange absent from the data', () => {
    const configured = [btc, { ...btc, exchange: 'binance-futures', priceIncrement: '0.1', sizeIncrement: '0.001' }, { ...btc, exchange: 'bybit' }];
    const { instruments } = resolveInstruments(configured, seen(['binance', 'BTCUSDT'], ['binance-futures', 'BTCUSDT']));
    expect([...instruments.keys()]).toEqual(['binance:BTCUSDT', 'binance-futures:BTCUSDT', 'bybit:BTCUSDT']);
    expect(instruments.get('binance-futures:BTCUSDT')).toMatchObject({ priceIncrement: '0.1', source: 'config' });
    expect(instruments.get('binance:BTCUSDT')).toMatchObject({ priceIncrement: '0.01', source: 'config' });
  });

  it('refuses two entries for one instrument', () => {
    expect(() => resolveInstruments([{ ...btc, exchange: 'binance' }, btc], seen(['binance', 'BTCUSDT'], ['binance', 'ETHUSDT']))).not.toThrow(); // the bare one has no venue left: redundant
    expect(() => resolveInstruments([{ ...btc, exchange: 'binance' }, { ...btc, exchange: 'binance' }], seen(['binance', 'BTCUSDT']))).toThrow(
      /instruments\.1: binance:BTCUSDT is configured twice \(instruments\.0 and instruments\.1\)/,
    );
  });
});
