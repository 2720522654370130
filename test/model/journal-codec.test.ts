import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecord, decodeRecordOrError, encodeRecord } from '../../src/model/journal-codec.js';
import type { BookLevel, MarketRecord } from '../../src/model/records.js';
import { isTickflowError } from '../../src/runtime/errors.js';

const name = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });
const time = fc.integer({ min: 0, max: 4_102_444_800_000_000 });
const price = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });
const amount = fc.double({ noNaN: true, noDefaultInfinity: true, min: 0, max: 1e12 });
const id = fc.integer({ min: -1, max: Number.MAX_SAFE_INTEGER });
const level: fc.Arbitrary<BookLevel> = fc.record({ price, amount });

// Records are built in their interface's key order, as every decoder builds them.
const record: fc.Arbitrary<MarketRecord> = fc.oneof(
  fc.tuple(name, name, time, time, fc.string(), price, amount, fc.constantFrom('buy', 'sell', 'unknown') as fc.Arbitrary<'buy' | 'sell' | 'unknown'>).map(
    ([exchange, symbol, ts, tsRecv, tid, p, a, side]): MarketRecord => ({ type: 'trade', exchange, symbol, ts, tsRecv, id: tid, price: p, amount: a, side }),
  ),
  fc.tuple(name, name, time, time, price, amount, price, amount).map(
    ([exchange, symbol, ts, tsRecv, bidPrice, bidAmount, askPrice, askAmount]): MarketRecord => ({ type: 'book_ticker', exchange, symbol, ts, tsRecv, bidPrice, bidAmount, askPrice, askAmount }),
  ),
  fc.tuple(name, name, time, time, id, id, id, fc.array(level, { maxLength: 5 }), fc.array(level, { maxLength: 5 })).map(
    ([exchange, symbol, ts, tsRecv, firstUpdateId, lastUpdateId, prevUpdateId, bids, asks]): MarketRecord => ({
      type: 'book_change', exchange, symbol, ts, tsRecv, isSnapshot: false, firstUpdateId, lastUpdateId, prevUpdateId, bids, asks,
    }),
  ),
  fc.tuple(name, name, time, time, id, fc.array(level, { maxLength: 5 }), fc.array(level, { maxLength: 5 })).map(
    ([exchange, symbol, ts, tsRecv, lastUpdateId, bids, asks]): MarketRecord => ({ type: 'depth_snapshot', exchange, symbol, ts, tsRecv, lastUpdateId, bids, asks }),
  ),
  fc.tuple(name, name, time, name, fc.array(price, { minLength: 4, maxLength: 4 }), fc.array(amount, { minLength: 3, maxLength: 3 }), fc.nat(), price, time).map(
    ([exchange, symbol, ts, interval, [open, high, low, close], [volume, buyVolume, sellVolume], trades, vwap, openTs]): MarketRecord => ({
      type: 'trade_bar', exchange, symbol, ts, tsRecv: ts, interval, open: open!, high: high!, low: low!, close: close!,
      volume: volume!, buyVolume: buyVolume!, sellVolume: sellVolume!, trades, vwap, openTs, closeTs: ts,
    }),
  ),
);

describe('journal codec', () => {
  it('round-trips every record, with the same key order', () => {
    fc.assert(
      fc.property(record, (r) => {
        const back = decodeRecord(encodeRecord(r));
        // -0 is written as 0, as JSON.stringify does.
        expect(back).toEqual(JSON.parse(JSON.stringify(r)));
        expect(Object.keys(back)).toEqual(Object.keys(r));
      }),
      { numRuns: 500 },
    );
  });

  it('writes exactly what JSON.stringify writes, on one line', () => {
    fc.assert(
      fc.property(record, (r) => {
        const line = encodeRecord(r);
        expect(line).toBe(JSON.stringify(r));
        expect(line).not.toContain('\n');
      }),
      { numRuns: 500 },
    );
  });

  it('escapes quotes, backslashes, control characters and lone surrogates in strings', () => {
    const r: MarketRecord = { type: 'trade', exchange: 'x"y', symbol: 'a\\b\n\u0001', ts: 1, tsRecv: 2, id: '\ud800', price: 1, amount: 1, side: 'buy' };
    expect(encodeRecord(r)).toBe(JSON.stringify(r));
    expect(decodeRecord(encodeRecord(r))).toEqual(r);
  });

  it('rejects a line that is not JSON with DATA_MALFORMED_LINE', () => {
    expect(() => decodeRecord('{"type":"trade",')).toThrowError(/not JSON/);
    try {
      decodeRecord('nope');
    } catch (error) {
      expect(isTickflowError(error, 'DATA_MALFORMED_LINE')).toBe(true);
    }
  });

  it('names every invalid field of a record of unknown origin', () => {
    const line = '{"type":"trade","exchange":"binance","symbol":"BTCUSDT","ts":1.5,"tsRecv":2,"id":"1","price":"61000","amount":-1,"side":"up"}';
    const result = decodeRecordOrError(line);
    expect(typeof result).toBe('string');
    expect(result).toMatch(/^invalid trade record: /);
    for (const field of ['ts', 'price', 'amount', 'side']) expect(result).toContain(`${field}:`);
  });

  it('rejects an unknown record type and a missing field', () => {
    expect(decodeRecordOrError('{"type":"quote","exchange":"x"}')).toMatch(/^not a record: /);
    expect(decodeRecordOrError('{"type":"book_ticker","exchange":"x","symbol":"y","ts":1,"tsRecv":1,"bidPrice":1,"bidAmount":1,"askPrice":1}')).toMatch(/askAmount/);
  });

  it('rejects non-finite numbers, which it writes as null', () => {
    const r: MarketRecord = { type: 'trade', exchange: 'x', symbol: 'y', ts: 1, tsRecv: 1, id: '1', price: NaN, amount: 1, side: 'buy' };
    expect(encodeRecord(r)).toContain('"price":null');
    expect(decodeRecordOrError(encodeRecord(r))).toMatch(/price/);
  });

  it('strips unknown keys and keeps the interface key order', () => {
    const back = decodeRecord('{"side":"sell","extra":1,"amount":2,"price":3,"id":"9","tsRecv":5,"ts":4,"symbol":"S","exchange":"E","type":"trade"}');
    expect(Object.keys(back)).toEqual(['type', 'exchange', 'symbol', 'ts', 'tsRecv', 'id', 'price', 'amount', 'side']);
  });

  it('skips validation for a trusted journal but still checks the type', () => {
    expect(decodeRecordOrError('{"type":"trade","price":"bad"}', { trusted: true })).toEqual({ type: 'trade', price: 'bad' });
    expect(decodeRecordOrError('{"type":"nope"}', { trusted: true })).toMatch(/unknown type/);
    expect(decodeRecordOrError('[1]', { trusted: true })).toMatch(/unknown type/);
  });
});
