import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decodeBinanceFrames } from '../../../streams/operators/decode-binance-frames.js';
import { MutableSourceStats } from '../../../streams/record-source.js';

describe('decodeBinanceFrames', () => {
  it('stamps each frame with the clock at arrival and counts bad frames without erroring', async () => {
    let now = 1_000;
    const stats = new MutableSourceStats('ws', 'binance-frames');
    const frames = [
      '{"result":null,"id":1}',
      '{"stream":"btcusdt@trade","data":{"e":"trade","E":5,"s":"BTCUSDT","t":1,"p":"2.5","q":"1","T":4,"m":false,"M":true}}',
      '{"stream":"btcusdt@trade","data":{"e":"trade"',
      Buffer.from('{"stream":"btcusdt@bookTicker","data":{"u":9,"s":"BTCUSDT","b":"1","B":"2","a":"3","A":"4"}}\n'),
      '{"e":"24hrTicker","s":"BTCUSDT"}',
    ];
    const out = await firstValueFrom(from(frames).pipe(decodeBinanceFrames({ now: () => (now += 10), stats }), toArray()));
    expect(out).toEqual([
      { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: 4000, tsRecv: 1020, id: '1', price: 2.5, amount: 1, side: 'buy' },
      { type: 'book_ticker', exchange: 'binance', symbol: 'BTCUSDT', ts: 1040, tsRecv: 1040, bidPrice: 1, bidAmount: 2, askPrice: 3, askAmount: 4 },
    ]);
    expect(stats).toMatchObject({ lines: 5, records: 2, skipped: 1, malformed: 1, unknownTypes: 1, unknownByName: { '24hrTicker': 1 }, done: true });
    expect(stats.issues[0]).toMatchObject({ code: 'DATA_MALFORMED_LINE', line: 3 });
  });
});
