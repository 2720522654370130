import { firstValueFrom, from, lastValueFrom, throwError, concat, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decodeLines } from '../../../streams/operators/decode-lines.js';
import { MutableSourceStats } from '../../../streams/record-source.js';

describe('decodeLines', () => {
  it('decodes CSV lines, header first, with the given naming', async () => {
    const out = await firstValueFrom(from(['timestamp,bid,ask', '1000,1,2', 'oops', '2000,1.5,2']).pipe(decodeLines('quotes-csv', { symbol: 'EURUSD', exchange: 'fx' }), toArray()));
    expect(out.map((r) => [r.exchange, r.symbol, r.tsRecv])).toEqual([
      ['fx', 'EURUSD', 1_000_000_000],
      ['fx', 'EURUSD', 2_000_000_000],
    ]);
  });

  it('releases held-back bars when the stream completes', async () => {
    const stats = new MutableSourceStats('bars', 'bars-csv');
    const out = await firstValueFrom(from(['time,open,high,low,close', '0,1,1,1,1', '60,2,2,2,2']).pipe(decodeLines('bars-csv', { stats }), toArray()));
    expect(out.map((r) => r.tsRecv)).toEqual([60_000_000, 120_000_000]);
    expect(stats.byType.trade_bar).toBe(2);
  });

  it('errors with DATA_UNKNOWN_FORMAT when the header is unusable', async () => {
    await expect(lastValueFrom(from(['a,b,c', '1,2,3']).pipe(decodeLines('trades-csv')))).rejects.toMatchObject({ code: 'DATA_UNKNOWN_FORMAT' });
  });

  it('passes a source error on', async () => {
    const boom = new Error('socket closed');
    await expect(lastValueFrom(concat(from(['timestamp,bid,ask']), throwError(() => boom)).pipe(decodeLines('quotes-csv')))).rejects.toBe(boom);
  });
});
