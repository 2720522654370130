import { describe, expect, it } from 'vitest';
import { TradesCsvDecoder } from '../../../streams/formats/trades-csv.js';
import { openSource } from '../../../streams/open-source.js';
import { dataPath } from '../../support/data.js';
import { readAll, readAllSettled, textSource } from '../source-helpers.js';

const path = dataPath('nautilus/tardis-bitmex-trades-XBTUSD.csv');

describe.skipIf(!path)('Tardis trades CSV tardis-bitmex-trades-XBTUSD.csv', () => {
  it('reads every trade with its exchange, symbol, both times, id and side', async () => {
    const source = await openSource(path!);
    const records = await readAll(source);
    expect(source.stats).toMatchObject({ format: 'trades-csv', lines: 11, records: 10, skipped: 1, malformed: 0 });
    // bitmex,XBTUSD,1583020803145000,1583020803307160,ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf,sell,8531.5,2152
    expect(records[0]).toEqual({
      type: 'trade', exchange: 'bitmex', symbol: 'XBTUSD', ts: 1583020803145000, tsRecv: 1583020803307160,
      id: 'ccc3c1fa-212c-e8b0-1706-9b9c4f3d5ecf', price: 8531.5, amount: 2152, side: 'sell',
    });
    expect(records.every((r) => r.symbol === 'XBTUSD' && r.exchange === 'bitmex')).toBe(true);
  });
});

describe('trades CSV decoder', () => {
  const naming = { symbol: 'FROMFILE' };

  it('finds columns by name in any order and fills what is missing', async () => {
    const text = 'price,size,time\n1.5,2,2024-01-01T00:00:00Z\n1.6,3,1704067201000\n';
    const records = await readAll(textSource(text, new TradesCsvDecoder(naming)));
    expect(records).toEqual([
      { type: 'trade', exchange: 'csv', symbol: 'FROMFILE', ts: 1704067200000000, tsRecv: 1704067200000000, id: '1', price: 1.5, amount: 2, side: 'unknown' },
      { type: 'trade', exchange: 'csv', symbol: 'FROMFILE', ts: 1704067201000000, tsRecv: 1704067201000000, id: '2', price: 1.6, amount: 3, side: 'unknown' },
    ]);
  });

  it('counts bad rows with their line numbers and goes on', async () => {
    const text = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nx,Y,1,2,a,buy,1,1\nx,Y,1,2,b,buy,NaN,1\nx,Y\nx,Y,bad,2,c,sell,1,1\nx,Y,3,4,d,sell,2,2\n';
    const source = textSource(text, new TradesCsvDecoder(naming));
    const records = await readAll(source);
    expect(records.map((r) => (r as { id: string }).id)).toEqual(['a', 'd']);
    expect(source.stats.malformed).toBe(3);
    expect(source.stats.issues.map((i) => [i.line, i.code])).toEqual([[3, 'DATA_MALFORMED_LINE'], [4, 'DATA_MALFORMED_LINE'], [5, 'DATA_MALFORMED_LINE']]);
    expect(source.stats.issues[0]!.message).toMatch(/price/);
  });

  it('fails the source when the header lacks a price', async () => {
    const source = textSource('timestamp,amount\n1,2\n', new TradesCsvDecoder(naming));
    const { records, error } = await readAllSettled(source);
    expect(records).toEqual([]);
    expect(error).toMatchObject({ code: 'DATA_UNKNOWN_FORMAT', context: { file: 'memory.txt', line: 1 } });
    expect((error as Error).message).toMatch(/price/);
  });
});
