import { describe, expect, it } from 'vitest';
import { QuotesCsvDecoder } from '../../../streams/formats/quotes-csv.js';
import { openSource } from '../../../streams/open-source.js';
import { dataPath } from '../../support/data.js';
import { readAll, textSource } from '../source-helpers.js';

const path = dataPath('nautilus/truefx-usdjpy-ticks.csv');

describe.skipIf(!path)('quotes CSV truefx-usdjpy-ticks.csv', () => {
  it('reads 1,000 quotes as book tickers with unknown (0) sizes at their ISO times', async () => {
    const source = await openSource(path!, { symbol: 'USDJPY', exchange: 'truefx' });
    const records = await readAll(source);
    expect(source.stats).toMatchObject({ format: 'quotes-csv', records: 1_000, byType: { book_ticker: 1_000 }, malformed: 0 });
    // 2013-01-01 22:00:00.295000+00:00,86.655,86.728
    expect(records[0]).toEqual({
      type: 'book_ticker', exchange: 'truefx', symbol: 'USDJPY', ts: Date.UTC(2013, 0, 1, 22, 0, 0, 295) * 1000, tsRecv: Date.UTC(2013, 0, 1, 22, 0, 0, 295) * 1000,
      bidPrice: 86.655, bidAmount: 0, askPrice: 86.728, askAmount: 0,
    });
    // 2013-01-01 22:35:13.494000+00:00,86.836,86.854
    expect(records.at(-1)).toMatchObject({ ts: Date.UTC(2013, 0, 1, 22, 35, 13, 494) * 1000, bidPrice: 86.836, askPrice: 86.854 });
  });

  it('takes the file name as the symbol and csv as the exchange when none is given', async () => {
    const records = await readAll(await openSource(path!));
    expect(records[0]).toMatchObject({ symbol: 'truefx-usdjpy-ticks', exchange: 'csv' });
  });
});

describe('quotes CSV decoder', () => {
  it('reads the Tardis quotes layout with sizes and both times', async () => {
    const text = 'exchange,symbol,timestamp,local_timestamp,ask_amount,ask_price,bid_price,bid_amount\nbitmex,XBTUSD,1583020803145000,1583020803307160,5,8532,8531.5,7\n';
    const records = await readAll(textSource(text, new QuotesCsvDecoder({ symbol: 'S' })));
    expect(records).toEqual([
      { type: 'book_ticker', exchange: 'bitmex', symbol: 'XBTUSD', ts: 1583020803145000, tsRecv: 1583020803307160, bidPrice: 8531.5, bidAmount: 7, askPrice: 8532, askAmount: 5 },
    ]);
  });
});
