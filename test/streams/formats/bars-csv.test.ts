import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BarsCsvDecoder, INTERVAL_LOOKAHEAD } from '../../../streams/formats/bars-csv.js';
import { openSource } from '../../../streams/open-source.js';
import { dataPath } from '../../support/data.js';
import { readAll, readAllSettled, textSource } from '../source-helpers.js';

const perp = dataPath('nautilus/btc-perp-20211231-20220201_1m.csv');
const sp500 = dataPath('vega/sp500-2000.csv');
const rows = (path: string) => readFileSync(path, 'utf8').trim().split('\n').length - 1;

describe.skipIf(!perp)('bars CSV btc-perp-20211231-20220201_1m.csv', () => {
  it('reads 45,031 one-minute bars, each arriving at its close', async () => {
    const source = await openSource(perp!, { symbol: 'BTC-PERP' });
    const records = await readAll(source);
    expect(rows(perp!)).toBe(45_031);
    expect(source.stats).toMatchObject({ format: 'bars-csv', records: 45_031, byType: { trade_bar: 45_031 }, malformed: 0 });
    // 2021-12-31 23:01:00.000000,46319.0,46385.0,46319.0,46377.0,2300413.7295
    const open = Date.UTC(2021, 11, 31, 23, 1) * 1000;
    expect(records[0]).toEqual({
      type: 'trade_bar', exchange: 'csv', symbol: 'BTC-PERP', ts: open + 60_000_000, tsRecv: open + 60_000_000, interval: '1m',
      open: 46319, high: 46385, low: 46319, close: 46377, volume: 2300413.7295, buyVolume: 0, sellVolume: 0, trades: 0, vwap: 46377,
      openTs: open, closeTs: open + 60_000_000,
    });
    expect(records.every((r) => r.type === 'trade_bar' && r.tsRecv === r.closeTs && r.closeTs - r.openTs === 60_000_000)).toBe(true);
  });
});

describe.skipIf(!sp500)('bars CSV sp500-2000.csv (date,open,high,low,close,adjclose,volume)', () => {
  it('infers a one-day interval across weekends and reads every row', async () => {
    const source = await openSource(sp500!, { symbol: 'SPX' });
    const records = await readAll(source);
    expect(records).toHaveLength(rows(sp500!));
    // 2000-01-03,1469.250000,1478.000000,1438.359985,1455.219971,1455.219971,931800000
    expect(records[0]).toMatchObject({
      interval: '1d', openTs: Date.UTC(2000, 0, 3) * 1000, closeTs: Date.UTC(2000, 0, 4) * 1000, tsRecv: Date.UTC(2000, 0, 4) * 1000,
      open: 1469.25, high: 1478, low: 1438.359985, close: 1455.219971, volume: 931800000,
    });
  });
});

describe('bars CSV decoder', () => {
  it('infers the interval from the smallest spacing among the first rows, even with a gap first', async () => {
    const text = 'timestamp,open,high,low,close\n0,1,1,1,1\n600,2,2,2,2\n660,3,3,3,3\n720,4,4,4,4\n';
    const records = await readAll(textSource(text, new BarsCsvDecoder({ symbol: 'S' })));
    expect(records.map((r) => [r.type === 'trade_bar' && r.interval, r.tsRecv])).toEqual([
      ['1m', 60_000_000], ['1m', 660_000_000], ['1m', 720_000_000], ['1m', 780_000_000],
    ]);
  });

  it('uses a given interval and emits rows at once', async () => {
    const records = await readAll(textSource('date,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n', new BarsCsvDecoder({ symbol: 'S' }, { intervalUs: 3_600_000_000 })));
    expect(records[0]).toMatchObject({ interval: '1h', volume: 10, closeTs: Date.UTC(2024, 0, 1, 1) * 1000 });
  });

  it('releases held rows once the lookahead is full, in order', async () => {
    const lines = Array.from({ length: INTERVAL_LOOKAHEAD * 2 + 3 }, (_, i) => `${i * 60},${i},${i},${i},${i}`);
    const source = textSource(`time,open,high,low,close\n${lines.join('\n')}\n`, new BarsCsvDecoder({ symbol: 'S' }), { chunkSize: 5 });
    const records = await readAll(source);
    expect(records.map((r) => (r as { open: number }).open)).toEqual(lines.map((_, i) => i));
  });

  it('fails with a clear error when one row cannot give an interval', async () => {
    const { records, error } = await readAllSettled(textSource('timestamp,open,high,low,close\n0,1,1,1,1\n', new BarsCsvDecoder({ symbol: 'S' })));
    expect(records).toEqual([]);
    expect(error).toMatchObject({ code: 'DATA_UNKNOWN_FORMAT' });
    expect((error as Error).message).toMatch(/interval/);
  });
});
