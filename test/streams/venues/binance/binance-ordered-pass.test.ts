import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookChange, MarketRecord } from '../../../../src/model/records.js';
import { DECODED } from '../../../../streams/line-decoder.js';
import { DECLINED } from '../../../../streams/venues/binance/binance-keyed-pass.js';
import { BinanceMessageParser } from '../../../../streams/venues/binance/binance-message.js';
import { BinanceNaming } from '../../../../streams/venues/binance/binance-naming.js';
import { decodeInOrder } from '../../../../streams/venues/binance/binance-ordered-pass.js';

const RECV = 1_723_161_254_087_896;

/** One message of each form the ordered pass takes, as the shared captures hold them. */
const FORMS: Record<string, string> = {
  'spot trade': '{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}',
  'USD-M trade': '{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}',
  'USD-M aggTrade': '{"stream":"ctkusdt@aggTrade","data":{"e":"aggTrade","E":1626992741575,"a":16599292,"s":"CTKUSDT","p":"1.01100","q":"10","f":23961322,"l":23961322,"T":1626992741421,"m":false}}',
  'spot aggTrade': '{"e":"aggTrade","E":1672515782136,"s":"BNBBTC","a":12345,"p":"0.001","q":"100","f":100,"l":105,"T":1672515782136,"m":true,"M":true}',
  'spot bookTicker': '{"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}',
  'USD-M bookTicker': '{"stream":"sushiusdt@bookTicker","data":{"e":"bookTicker","u":600859600576,"s":"SUSHIUSDT","b":"7.6110","B":"2","a":"7.6120","A":"297","T":1626992741012,"E":1626992741017}}',
  'spot depthUpdate': '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255308,"s":"BTCUSDT","U":50093239203,"u":50093239207,"b":[["55653.87000000","0.00000000"]],"a":[["61838.04000000","0.32332000"],["61844.30000000","0.40163000"]]}}',
  'USD-M depthUpdate': '{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161256299,"T":1723161256298,"s":"BTCUSDT","U":5123107832006,"u":5123107837557,"pu":5123107831937,"b":[],"a":[["61653.30","0.000"]]}}',
};

/** The ordered pass on `json` with a fresh naming state; the outcome, records and naming after it. */
function inOrder(json: string): { outcome: number; out: MarketRecord[]; naming: BinanceNaming } {
  const bytes = Buffer.from(json, 'latin1');
  const naming = new BinanceNaming({ symbol: 'GIVEN', defaultExchange: 'unset' });
  const out: MarketRecord[] = [];
  return { outcome: decodeInOrder(bytes, 0, bytes.length, RECV, naming, out), out, naming };
}

/** The parser without the ordered pass (keyed pass, then the general path) on `json`. */
function keyed(json: string): MarketRecord[] {
  const bytes = Buffer.from(json, 'latin1');
  const out: MarketRecord[] = [];
  new BinanceMessageParser({ orderedPass: false }).parse(bytes, 0, bytes.length, RECV, out);
  return out;
}

describe('decodeInOrder', () => {
  it.each(Object.keys(FORMS))('decodes a %s to the keyed pass record, keys in the same order', (form) => {
    const json = FORMS[form]!;
    const { outcome, out } = inOrder(json);
    expect(outcome).toBe(DECODED);
    expect(out).toEqual(keyed(json));
    expect(JSON.stringify(out)).toBe(JSON.stringify(keyed(json)));
  });

  // Each is another form (key order, an extra or missing key, spacing) or a value it does not read
  // itself: the keyed pass or the general path decides.
  const declined: [string, string][] = [
    ['keys swapped', FORMS['spot trade']!.replace('"p":"61837.63000000","q":"0.02000000"', '"q":"0.02000000","p":"61837.63000000"')],
    ['a key added', FORMS['spot bookTicker']!.replace('"A":"1.54698000"', '"A":"1.54698000","x":1')],
    ['a key missing', FORMS['spot trade']!.replace(',"m":true', '')],
    ['T twice', FORMS['USD-M trade']!.replace('"X":"MARKET"', '"T":1,"X":"MARKET"')],
    ['a space', FORMS['spot trade']!.replace('"s":"BTCUSDT"', '"s": "BTCUSDT"')],
    ['an escaped symbol', FORMS['spot trade']!.replace('"s":"BTCUSDT"', '"s":"BTC\\u0055SDT"')],
    ['an empty symbol', FORMS['spot trade']!.replace('"s":"BTCUSDT"', '"s":""')],
    ['a level with a third element', FORMS['spot depthUpdate']!.replace('["55653.87000000","0.00000000"]', '["55653.87000000","0.00000000",[]]')],
    ['a level number with an exponent', FORMS['spot depthUpdate']!.replace('"55653.87000000"', '"5.565387e4"')],
    ['a price of 16 digits', FORMS['spot trade']!.replace('"61837.63000000"', '"61837.63000000001"')],
    ['a time past MAX_TIME_MS', FORMS['spot trade']!.replace('"T":1723161255342', '"T":9007199254741')],
    ['an id past the safe integers', FORMS['spot trade']!.replace('"t":3735683259', '"t":9007199254740992')],
    ['a number as a string', FORMS['spot bookTicker']!.replace('"u":50093239212', '"u":"50093239212"')],
    ['a kline', '{"e":"kline","E":1,"s":"X","k":{"t":0,"T":1,"i":"1m","o":"1","h":"1","l":"1","c":"1","v":"1","V":"1","q":"1","n":1,"x":true}}'],
    ['a snapshot', '{"lastUpdateId":5,"bids":[["1","2"]],"asks":[]}'],
    ['a broken envelope', FORMS['spot trade']!.slice(0, -1)],
  ];

  it.each(declined)('declines a message with %s, appending nothing and naming nothing', (_, json) => {
    const { outcome, out, naming } = inOrder(json);
    expect(outcome).toBe(DECLINED);
    expect(out).toEqual([]);
    expect([naming.lastSymbol, naming.lastExchange]).toEqual(['GIVEN', 'unset']);
  });

  it('names the symbol of each message, sharing one string while it does not change', () => {
    const naming = new BinanceNaming({});
    const out: MarketRecord[] = [];
    for (const json of [FORMS['spot trade']!, FORMS['spot bookTicker']!, FORMS['USD-M aggTrade']!, FORMS['spot depthUpdate']!]) {
      const bytes = Buffer.from(json, 'latin1');
      expect(decodeInOrder(bytes, 0, bytes.length, RECV, naming, out)).toBe(DECODED);
    }
    expect(out.map((r) => r.symbol)).toEqual(['BTCUSDT', 'BTCUSDT', 'CTKUSDT', 'BTCUSDT']);
    expect(out[1]!.symbol).toBe(out[0]!.symbol);
  });

  it('declines a symbol with an escape even when it is the last symbol named, as written', () => {
    const escaped = 'BTC\\u0055SDT';
    const naming = new BinanceNaming({ symbol: escaped });
    const bytes = Buffer.from(FORMS['spot trade']!.replace('"s":"BTCUSDT"', `"s":"${escaped}"`), 'latin1');
    const out: MarketRecord[] = [];
    expect(decodeInOrder(bytes, 0, bytes.length, RECV, naming, out)).toBe(DECLINED);
    expect(out).toEqual([]);
  });

  it('reads every level of a depth update as Number(text), in plain level objects a spread copy keeps (property)', () => {
    const decimal = fc
      .tuple(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 7 }), fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 0, maxLength: 8 }))
      .map(([whole, fraction]) => (fraction === '' ? whole : `${whole}.${fraction}`));
    const levels = fc.array(fc.tuple(decimal, decimal), { maxLength: 40 });
    fc.assert(
      fc.property(levels, levels, (bids, asks) => {
        const text = (side: [string, string][]) => `[${side.map(([p, q]) => `["${p}","${q}"]`).join(',')}]`;
        const json = `{"stream":"x@depth","data":{"e":"depthUpdate","E":1,"s":"X","U":1,"u":2,"b":${text(bids)},"a":${text(asks)}}}`;
        const { outcome, out } = inOrder(json);
        const record = out[0] as BookChange;
        const want = (side: [string, string][]) => side.map(([p, q]) => ({ price: Number(p), amount: Number(q) }));
        expect(outcome).toBe(DECODED);
        expect(isDeepStrictEqual({ ...record }.bids, want(bids)) && isDeepStrictEqual({ ...record }.asks, want(asks)) ? 'exact' : { json, record }).toBe('exact');
        expect(Array.isArray(record.bids) && Array.isArray(record.asks)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });
});
