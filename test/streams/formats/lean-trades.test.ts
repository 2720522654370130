import { describe, expect, it } from 'vitest';
import { leanEntryInfo } from '../../../streams/formats/lean-trades.js';
import { openSource } from '../../../streams/open-source.js';
import { dataPath } from '../../support/data.js';
import { readAll } from '../source-helpers.js';

const path = dataPath('lean/spy-20131007-trade.zip');

describe.skipIf(!path)('LEAN trade ticks spy-20131007-trade.zip', () => {
  it('reads every tick of the zip entry as a SPY trade in New York time', async () => {
    const source = await openSource(path!);
    const records = await readAll(source);
    expect(source.stats).toMatchObject({ format: 'lean-trades', records: 250_601, malformed: 0 });
    // 14400464,1674100,100,P,20002000,0 → 04:00:00.464 EDT (UTC-4) on 2013-10-07
    expect(records[0]).toEqual({
      type: 'trade', exchange: 'lean', symbol: 'SPY', ts: Date.UTC(2013, 9, 7, 8, 0, 0, 464) * 1000, tsRecv: Date.UTC(2013, 9, 7, 8, 0, 0, 464) * 1000,
      id: '1', price: 167.41, amount: 100, side: 'unknown',
    });
  });
});

describe('leanEntryInfo', () => {
  it('reads the date and symbol of an entry name, with the winter offset in January', () => {
    expect(leanEntryInfo('20140115_aapl_Trade_Tick.csv')).toEqual({ midnightUs: Date.UTC(2014, 0, 15, 5) * 1000, symbol: 'AAPL' });
    expect(leanEntryInfo('readme.txt')).toBeNull();
  });
});
