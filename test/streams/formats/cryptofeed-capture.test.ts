import { describe, expect, it } from 'vitest';
import { CryptofeedCaptureDecoder } from '../../../streams/formats/cryptofeed-capture.js';
import { openSource } from '../../../streams/open-source.js';
import { dataPath } from '../../support/data.js';
import { readAll, textSource } from '../source-helpers.js';

const path = dataPath('cryptofeed/BINANCE_FUTURES.ws.1.0');

describe.skipIf(!path)('cryptofeed capture BINANCE_FUTURES.ws.1.0', () => {
  it('decodes aggTrade, bookTicker and depth, and the closed klines as bars', async () => {
    const source = await openSource(path!);
    const records = await readAll(source);
    expect(source.stats).toMatchObject({
      format: 'cryptofeed',
      lines: 1_536,
      byType: { trade: 91, book_ticker: 613, book_change: 764, depth_snapshot: 0, trade_bar: 4 },
      // the subscribe line and 63 klines not yet closed
      skipped: 64,
      malformed: 0,
      unknownTypes: 0,
    });
    expect(new Set(records.map((r) => r.exchange))).toEqual(new Set(['binance-futures']));
    expect(new Set(records.map((r) => r.symbol))).toEqual(new Set(['SUSHIUSDT', 'AKROUSDT', 'KEEPUSDT', 'CTKUSDT']));
    // 1626992741.06217: {"stream":"sushiusdt@bookTicker","data":{"e":"bookTicker","u":600859600576,"s":"SUSHIUSDT","b":"7.6110","B":"2","a":"7.6120","A":"297","T":1626992741012,"E":1626992741017}}
    expect(records[0]).toEqual({ type: 'book_ticker', exchange: 'binance-futures', symbol: 'SUSHIUSDT', ts: 1626992741017000, tsRecv: 1626992741062170, bidPrice: 7.611, bidAmount: 2, askPrice: 7.612, askAmount: 297 });
    // 1626992760.247864: {"stream":"sushiusdt@kline_1m","data":{"e":"kline","E":1626992760203,...,"k":{"t":1626992700000,"T":1626992759999,...,"o":"7.6080","c":"7.6170","h":"7.6180","l":"7.6070","v":"3005","n":113,"x":true,"q":"22875.8590","V":"1900",...}}}
    const bar = records.find((r) => r.type === 'trade_bar' && r.symbol === 'SUSHIUSDT');
    expect(bar).toEqual({
      type: 'trade_bar', exchange: 'binance-futures', symbol: 'SUSHIUSDT', ts: 1626992760203000, tsRecv: 1626992760247864, interval: '1m',
      open: 7.608, high: 7.618, low: 7.607, close: 7.617, volume: 3005, buyVolume: 1900, sellVolume: 1105, trades: 113,
      vwap: 22875.859 / 3005, openTs: 1626992700000000, closeTs: 1626992760000000,
    });
    const trade = records.find((r) => r.type === 'trade' && r.symbol === 'CTKUSDT');
    // 1626992742.289739: {"stream":"ctkusdt@aggTrade","data":{"e":"aggTrade","E":1626992741575,"a":16599292,"s":"CTKUSDT","p":"1.01100","q":"10",...,"T":1626992741421,"m":false}}
    expect(trade).toEqual({ type: 'trade', exchange: 'binance-futures', symbol: 'CTKUSDT', ts: 1626992741421000, tsRecv: 1626992742289739, id: '16599292', price: 1.011, amount: 10, side: 'buy' });
  });
});

describe('cryptofeed decoder', () => {
  it('names the exchange from the subscribe URL host', async () => {
    const line = '1.5: {"stream":"x@kline_1m","data":{"e":"kline","E":1,"s":"X","k":{"t":0,"T":59999,"i":"1m","o":"1","c":"1","h":"1","l":"1","v":"0","n":0,"x":true,"q":"0","V":"0"}}}';
    const spot = await readAll(textSource(`wss://stream.binance.com:9443/stream?streams=x@kline_1m <-> 1\n${line}\n`, new CryptofeedCaptureDecoder({ symbol: 'S' })));
    expect(spot[0]).toMatchObject({ exchange: 'binance', vwap: 1, tsRecv: 1_500_000 });
    const coinM = await readAll(textSource(`wss://dstream.binance.com/stream?streams=x@kline_1m <-> 1\n${line}\n`, new CryptofeedCaptureDecoder({ symbol: 'S' })));
    expect(coinM[0]!.exchange).toBe('binance-delivery');
  });

  it('counts a line without the seconds prefix as malformed', async () => {
    const source = textSource('wss://fstream.binance.com/x <-> 1\nnot a line\nwww\n', new CryptofeedCaptureDecoder({ symbol: 'S' }));
    await readAll(source);
    expect(source.stats.malformed).toBe(2);
    expect(source.stats.issues.map((i) => i.line)).toEqual([2, 3]);
  });
});
