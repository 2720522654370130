import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../../src/model/records.js';
import { DECODED, MALFORMED, SKIPPED, UNKNOWN } from '../../../../streams/line-decoder.js';
import { BinanceMessageParser } from '../../../../streams/venues/binance/binance-message.js';

const RECV = 1_723_161_254_087_896;

function parse(json: string, parser = new BinanceMessageParser()): { outcome: number; records: MarketRecord[]; reason: string } {
  const bytes = Buffer.from(json, 'utf8');
  const records: MarketRecord[] = [];
  const outcome = parser.parse(bytes, 0, bytes.length, RECV, records);
  return { outcome, records, reason: parser.reason };
}

describe('BinanceMessageParser', () => {
  it('decodes a spot trade: ts is T, an aggressive seller when the buyer is maker', () => {
    const { outcome, records } = parse('{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}');
    expect(outcome).toBe(DECODED);
    expect(records).toEqual([
      { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: 1723161255342000, tsRecv: RECV, id: '3735683259', price: 61837.63, amount: 0.02, side: 'sell' },
    ]);
    expect(Object.keys(records[0]!)).toEqual(['type', 'exchange', 'symbol', 'ts', 'tsRecv', 'id', 'price', 'amount', 'side']);
  });

  it('decodes a USD-M trade (no M) as binance-futures with an aggressive buyer', () => {
    const { records } = parse('{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}');
    expect(records[0]).toMatchObject({ exchange: 'binance-futures', id: '5266583935', price: 61800.3, amount: 0.006, side: 'buy', ts: 1723161256322000 });
  });

  it('decodes an aggTrade with the aggregate id', () => {
    const { records } = parse('{"stream":"ctkusdt@aggTrade","data":{"e":"aggTrade","E":1626992741575,"a":16599292,"s":"CTKUSDT","p":"1.01100","q":"10","f":23961322,"l":23961322,"T":1626992741421,"m":false}}');
    expect(records[0]).toMatchObject({ type: 'trade', exchange: 'binance-futures', symbol: 'CTKUSDT', id: '16599292', price: 1.011, amount: 10, ts: 1626992741421000 });
  });

  it('gives a spot bookTicker the receive time, and a USD-M one its E', () => {
    const spot = parse('{"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}');
    expect(spot.records).toEqual([
      { type: 'book_ticker', exchange: 'binance', symbol: 'BTCUSDT', ts: RECV, tsRecv: RECV, bidPrice: 61837.63, bidAmount: 3.78826, askPrice: 61837.64, askAmount: 1.54698 },
    ]);
    const futures = parse('{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256313}}');
    expect(futures.records[0]).toMatchObject({ exchange: 'binance-futures', ts: 1723161256313000, askAmount: 2.51 });
  });

  it('decodes depth updates with their update ids and levels, pu only on USD-M', () => {
    const spot = parse('{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255308,"s":"BTCUSDT","U":50093239203,"u":50093239207,"b":[["55653.87000000","0.00000000"]],"a":[["61838.04000000","0.32332000"],["61844.30000000","0.40163000"]]}}');
    expect(spot.records).toEqual([
      {
        type: 'book_change', exchange: 'binance', symbol: 'BTCUSDT', ts: 1723161255308000, tsRecv: RECV, isSnapshot: false,
        firstUpdateId: 50093239203, lastUpdateId: 50093239207, prevUpdateId: -1,
        bids: [{ price: 55653.87, amount: 0 }], asks: [{ price: 61838.04, amount: 0.32332 }, { price: 61844.3, amount: 0.40163 }],
      },
    ]);
    const futures = parse('{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161256299,"T":1723161256298,"s":"BTCUSDT","U":5123107832006,"u":5123107837557,"pu":5123107831937,"b":[],"a":[["1000.00","606.675"]]}}');
    expect(futures.records[0]).toMatchObject({ exchange: 'binance-futures', prevUpdateId: 5123107831937, bids: [], asks: [{ price: 1000, amount: 606.675 }] });
  });

  it('names a REST snapshot after the last symbol seen, or the caller', () => {
    const parser = new BinanceMessageParser({ symbol: 'GIVEN' });
    expect(parse('{"lastUpdateId":5,"bids":[["1.5","2"]],"asks":[]}', parser).records[0]).toMatchObject({ type: 'depth_snapshot', symbol: 'GIVEN', exchange: 'binance', ts: RECV, lastUpdateId: 5 });
    parse('{"u":1,"s":"ETHUSDT","b":"1","B":"1","a":"2","A":"1"}', parser);
    const futures = parse('{"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,"bids":[["61800.20","2.909"]],"asks":[["61800.30","1"]]}', parser);
    expect(futures.records[0]).toEqual({
      type: 'depth_snapshot', exchange: 'binance-futures', symbol: 'ETHUSDT', ts: 1723161256501000, tsRecv: RECV, lastUpdateId: 5123107852948,
      bids: [{ price: 61800.2, amount: 2.909 }], asks: [{ price: 61800.3, amount: 1 }],
    });
  });

  it('reads a partial-depth stream as a snapshot named by its stream', () => {
    const { records } = parse('{"stream":"ethusdt@depth5@100ms","data":{"lastUpdateId":160,"bids":[["0.0024","10"]],"asks":[["0.0026","100"]]}}');
    expect(records[0]).toMatchObject({ type: 'depth_snapshot', symbol: 'ETHUSDT', lastUpdateId: 160 });
  });

  it('turns a closed kline into a bar received at the receive time and skips an open one', () => {
    const k = (x: boolean) =>
      `{"stream":"sushiusdt@kline_1m","data":{"e":"kline","E":1626992760203,"s":"SUSHIUSDT","k":{"t":1626992700000,"T":1626992759999,"s":"SUSHIUSDT","i":"1m","f":126902874,"L":126902986,"o":"7.6080","c":"7.6170","h":"7.6180","l":"7.6070","v":"3005.3","n":113,"x":${x},"q":"22875.8590","V":"1900.1","Q":"14464.6960","B":"0"}}}`;
    expect(parse(k(false)).outcome).toBe(SKIPPED);
    const parser = new BinanceMessageParser({ defaultExchange: 'binance-futures' });
    const { records } = parse(k(true), parser);
    expect(records).toEqual([
      {
        type: 'trade_bar', exchange: 'binance-futures', symbol: 'SUSHIUSDT', ts: 1626992760203000, tsRecv: RECV, interval: '1m',
        open: 7.608, high: 7.618, low: 7.607, close: 7.617, volume: 3005.3, buyVolume: 1900.1, sellVolume: 1105.2, trades: 113,
        vwap: 22875.859 / 3005.3, openTs: 1626992700000000, closeTs: 1626992760000000,
      },
    ]);
  });

  it('reads raw (unwrapped) stream messages and tolerates whitespace between tokens', () => {
    const { records } = parse('{ "e" : "trade", "E":1, "s" : "X", "t" : 7, "p" : "1.5", "q":"2", "T" : 3, "m" : false, "M" : true }');
    expect(records[0]).toMatchObject({ symbol: 'X', id: '7', price: 1.5, amount: 2, ts: 3000, side: 'buy', exchange: 'binance' });
  });

  it('uses the caller exchange name over detection', () => {
    const parser = new BinanceMessageParser({ exchange: 'binance-test' });
    expect(parse('{"u":1,"s":"X","b":"1","B":"1","a":"2","A":"1"}', parser).records[0]!.exchange).toBe('binance-test');
  });

  it('skips subscription replies and reports unknown event types by name', () => {
    expect(parse('{"result":null,"id":1}').outcome).toBe(SKIPPED);
    const unknown = parse('{"stream":"btcusdt@markPrice","data":{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"1"}}');
    expect(unknown).toMatchObject({ outcome: UNKNOWN, reason: 'markPriceUpdate', records: [] });
    expect(parse('{"stream":"btcusdt@ticker_x","data":{"x":1}}')).toMatchObject({ outcome: UNKNOWN, reason: 'ticker_x' });
  });

  it.each([
    ['truncated', '{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":37356'],
    ['missing price', '{"e":"trade","E":1,"s":"X","t":7,"q":"2","T":3,"m":false}'],
    ['price not a number', '{"e":"trade","E":1,"s":"X","t":7,"p":"1.2.3","q":"2","T":3,"m":false}'],
    ['price unquoted', '{"e":"trade","E":1,"s":"X","t":7,"p":1.5,"q":"2","T":3,"m":false}'],
    ['bad maker flag', '{"e":"trade","E":1,"s":"X","t":7,"p":"1","q":"2","T":3,"m":1}'],
    ['id not an integer', '{"e":"trade","E":1,"s":"X","t":"7","p":"1","q":"2","T":3,"m":true}'],
    ['bad level', '{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1","x"]],"a":[]}'],
    ['levels missing', '{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[]}'],
    ['trailing garbage', '{"u":1,"s":"X","b":"1","B":"1","a":"2","A":"1"}}'],
    ['not an object', '[1,2]'],
    ['data not an object', '{"stream":"x@trade","data":"x"}'],
  ])('reports a malformed message (%s)', (_what, json) => {
    const { outcome, records, reason } = parse(json);
    expect(outcome).toBe(MALFORMED);
    expect(records).toEqual([]);
    expect(reason.length).toBeGreaterThan(0);
  });
});

/** Largest ms time whose µs are a safe integer (the parser's `MAX_TIME_MS`, restated here on purpose). */
const MAX_MS = 9_007_199_254_740;

/** A field's JSON text and whether the parser must accept it. */
interface Field {
  readonly text: string;
  readonly ok: boolean;
}

const valid = (text: string): Field => ({ text, ok: true });
const invalid = (text: string): Field => ({ text, ok: false });

/** Decimal strings: plain, slow-path (long, exponent, the largest double) and non-finite or not decimals. */
const quotedDecimal: fc.Arbitrary<Field> = fc.oneof(
  fc.tuple(fc.nat({ max: 1e9 }), fc.stringMatching(/^[0-9]{0,8}$/)).map(([i, f]) => valid(`"${i}${f === '' ? '' : `.${f}`}"`)),
  fc.constantFrom('"0.000000000000000000000000000001"', '"123456789012345678901234567890.5"', '"1e5"', '"1.7976931348623157e308"').map(valid),
  fc.constantFrom('"1e400"', '"-1e400"', `"${'9'.repeat(400)}"`, '"1e309"', '"x"', '""', '"1.2.3"').map(invalid),
);
const decimal: fc.Arbitrary<Field> = fc.oneof(quotedDecimal, fc.constantFrom('1.5', 'null', 'true').map(invalid));

/** Unquoted ms times up to `max`, and beyond it, up to and past 2^53, and of other kinds. */
function time(max: number): fc.Arbitrary<Field> {
  return fc.oneof(
    fc.integer({ min: 0, max }).map((ms) => valid(String(ms))),
    fc.constantFrom(0, max).map((ms) => valid(String(ms))),
    fc.integer({ min: max + 1, max: Number.MAX_SAFE_INTEGER }).map((ms) => invalid(String(ms))),
    fc.constantFrom(String(max + 1), '9007199254740993', '99999999999999999999', '-1', '1.5', '"1"', 'null').map(invalid),
  );
}

const levels: fc.Arbitrary<Field> = fc.array(fc.tuple(quotedDecimal, quotedDecimal), { maxLength: 3 }).map((pairs) => ({
  text: `[${pairs.map(([p, q]) => `[${p.text},${q.text}]`).join(',')}]`,
  ok: pairs.every(([p, q]) => p.ok && q.ok),
}));

/** A message of one type whose used fields are drawn above, with those fields in the parser's report order. */
interface Drawn {
  readonly type: string;
  readonly json: string;
  readonly fields: readonly (readonly [string, Field])[];
}

const message: fc.Arbitrary<Drawn> = fc.oneof(
  fc.tuple(decimal, decimal, time(MAX_MS), time(MAX_MS)).map(([p, q, t, e]) => ({
    type: 'trade',
    json: `{"e":"trade","E":${e.text},"s":"X","t":7,"p":${p.text},"q":${q.text},"T":${t.text},"m":true,"M":true}`,
    fields: [['p', p], ['q', q], ['T', t]] as const,
  })),
  fc.tuple(decimal, decimal, decimal, decimal, time(MAX_MS)).map(([b, bq, a, aq, e]) => ({
    type: 'bookTicker',
    json: `{"e":"bookTicker","u":5,"s":"X","b":${b.text},"B":${bq.text},"a":${a.text},"A":${aq.text},"T":1,"E":${e.text}}`,
    fields: [['b', b], ['B', bq], ['a', a], ['A', aq], ['E', e]] as const,
  })),
  fc.tuple(time(MAX_MS), levels, levels).map(([e, b, a]) => ({
    type: 'depthUpdate',
    json: `{"e":"depthUpdate","E":${e.text},"T":1,"s":"X","U":1,"u":2,"pu":0,"b":${b.text},"a":${a.text}}`,
    fields: [['E', e], ['b', b], ['a', a]] as const,
  })),
  fc.tuple(time(MAX_MS), levels, levels).map(([e, b, a]) => ({
    type: 'depth snapshot',
    json: `{"lastUpdateId":5,"E":${e.text},"T":1,"bids":${b.text},"asks":${a.text}}`,
    fields: [['E', e], ['bids', b], ['asks', a]] as const,
  })),
  fc.tuple(time(MAX_MS), time(MAX_MS), time(MAX_MS - 1), fc.array(decimal, { minLength: 7, maxLength: 7 })).map(([e, t, last, [o, h, l, c, v, vb, q]]) => ({
    type: 'kline',
    json: `{"e":"kline","E":${e.text},"s":"X","k":{"t":${t.text},"T":${last.text},"i":"1m","o":${o!.text},"h":${h!.text},"l":${l!.text},"c":${c!.text},"v":${v!.text},"V":${vb!.text},"q":${q!.text},"n":3,"x":true}}`,
    fields: [['E', e], ['k.t', t], ['k.T', last], ['k.o', o!], ['k.h', h!], ['k.l', l!], ['k.c', c!], ['k.v', v!], ['k.V', vb!], ['k.q', q!]] as const,
  })),
);

/** Every number of a decoded record finite, every time a non-negative safe integer of µs. */
function expectSound(record: MarketRecord): void {
  const numbers: number[] = [];
  const times = [record.ts, record.tsRecv];
  if (record.type === 'trade') numbers.push(record.price, record.amount);
  if (record.type === 'book_ticker') numbers.push(record.bidPrice, record.bidAmount, record.askPrice, record.askAmount);
  if (record.type === 'book_change' || record.type === 'depth_snapshot') numbers.push(...[...record.bids, ...record.asks].flatMap((l) => [l.price, l.amount]));
  if (record.type === 'trade_bar') {
    numbers.push(record.open, record.high, record.low, record.close, record.volume, record.buyVolume, record.sellVolume, record.vwap);
    times.push(record.openTs, record.closeTs);
  }
  expect(numbers.filter((n) => !Number.isFinite(n))).toEqual([]);
  expect(times.filter((t) => !Number.isSafeInteger(t) || t < 0)).toEqual([]);
}

describe('BinanceMessageParser value bounds', () => {
  it('decodes exactly the messages whose used values are finite and whose times fit µs, naming the first bad field (property)', () => {
    fc.assert(
      fc.property(message, ({ type, json, fields }) => {
        const { outcome, records, reason } = parse(json, new BinanceMessageParser({ symbol: 'GIVEN' }));
        for (const record of records) expectSound(record);
        const bad = fields.find(([, field]) => !field.ok);
        if (bad !== undefined) {
          expect({ outcome, reason }).toMatchObject({ outcome: MALFORMED, reason: expect.stringContaining(`${type} without a valid ${bad[0]} (`) });
        } else if (outcome === MALFORMED) {
          // Finite inputs may still overflow a kline's derived vwap (q / v): refused, never Infinity.
          expect(reason).toMatch(/^kline whose v, V and q give a sellVolume or vwap beyond a double$/);
        } else {
          expect(outcome).toBe(DECODED);
          expect(records).toHaveLength(1);
        }
      }),
      { numRuns: 3000, seed: 20240808 },
    );
  });

  it('accepts the last ms whose µs are safe and refuses the next, in event times and in a kline close', () => {
    const ticker = (e: number) => parse(`{"e":"bookTicker","u":5,"s":"X","b":"1","B":"1","a":"2","A":"1","E":${e}}`);
    expect(ticker(MAX_MS).records[0]!.ts).toBe(MAX_MS * 1000);
    expect(Number.isSafeInteger(MAX_MS * 1000) && !Number.isSafeInteger((MAX_MS + 1) * 1000)).toBe(true);
    expect(ticker(MAX_MS + 1)).toMatchObject({ outcome: MALFORMED, reason: expect.stringMatching(/^bookTicker without a valid E \(an integer time in ms from 0 to 9007199254740,/) });
    const kline = (last: number) => parse(`{"e":"kline","E":1,"s":"X","k":{"t":0,"T":${last},"i":"1m","o":"1","h":"1","l":"1","c":"1","v":"1","V":"1","q":"1","n":1,"x":true}}`);
    expect(kline(MAX_MS - 1).records[0]).toMatchObject({ closeTs: MAX_MS * 1000 });
    expect(kline(MAX_MS)).toMatchObject({ outcome: MALFORMED, reason: expect.stringMatching(/^kline without a valid k\.T /) });
  });

  it('refuses a depth level beyond a double as malformed, naming its side, not as broken JSON', () => {
    const { outcome, records, reason } = parse('{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":[["1","2"]],"a":[["1e400","1"],["2","1"]]}');
    expect({ outcome, records }).toEqual({ outcome: MALFORMED, records: [] });
    expect(reason).toBe('depthUpdate without a valid a (an array of ["price","amount"] levels with finite decimal strings)');
    const snapshot = parse('{"lastUpdateId":5,"bids":[["1","1e999"]],"asks":[]}', new BinanceMessageParser({ symbol: 'X' }));
    expect(snapshot.reason).toMatch(/^depth snapshot without a valid bids /);
  });
});

// Every line of every shared capture against an independent JSON.parse reference: decoder-identity.test.ts.
