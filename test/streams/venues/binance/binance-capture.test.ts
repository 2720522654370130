import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketRecord, Trade } from '../../../../src/model/records.js';
import { DECODED, MALFORMED } from '../../../../streams/line-decoder.js';
import { createMergedSource } from '../../../../streams/merge-sources.js';
import { openSource } from '../../../../streams/open-source.js';
import type { RecordSource } from '../../../../streams/record-source.js';
import { BinanceCaptureDecoder } from '../../../../streams/venues/binance/binance-capture.js';
import { dataPath } from '../../../support/data.js';

async function readAll(source: RecordSource): Promise<MarketRecord[]> {
  const all: MarketRecord[] = [];
  for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) all.push(...chunk);
  return all;
}

const spot08 = dataPath('binance-spot/btcusdt_20240808.gz');
const spot09 = dataPath('binance-spot/btcusdt_20240809.gz');
const eth08 = dataPath('binance-spot/ethusdt_20240808.gz');
const usdm08 = dataPath('binance-usdm/btcusdt_20240808.gz');

describe.skipIf(!spot08)('binance spot capture btcusdt_20240808', () => {
  it('holds exactly 9,757 trades, 28,040 book tickers, 3,451 book changes and 1 snapshot', async () => {
    const source = await openSource(spot08!);
    const records = await readAll(source);
    expect(source.stats).toMatchObject({
      format: 'binance',
      lines: 41_249,
      records: 41_249,
      byType: { trade: 9_757, book_ticker: 28_040, book_change: 3_451, depth_snapshot: 1, trade_bar: 0 },
      malformed: 0,
      unknownTypes: 0,
      failure: null,
      done: true,
    });
    expect(records.filter((r) => r.type === 'trade')).toHaveLength(9_757);
    expect(new Set(records.map((r) => r.exchange))).toEqual(new Set(['binance']));
  });

  it('decodes line 1, the snapshot on line 8, and the first trade as the raw lines say', async () => {
    const records = await readAll(await openSource(spot08!));
    // 1723161253937085768 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":50093239189,"u":50093239202,"b":[["61737.63000000","0.00000000"],...
    expect(records[0]).toMatchObject({ type: 'book_change', ts: 1723161255208000, tsRecv: 1723161253937085, firstUpdateId: 50093239189, lastUpdateId: 50093239202, prevUpdateId: -1 });
    expect((records[0] as { bids: unknown[] } | undefined)?.bids[0]).toEqual({ price: 61737.63, amount: 0 });
    // 1723161254206652067 {"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"],...
    expect(records[7]).toMatchObject({ type: 'depth_snapshot', symbol: 'BTCUSDT', exchange: 'binance', lastUpdateId: 50093239218, ts: 1723161254206652, tsRecv: 1723161254206652 });
    expect((records[7] as { bids: unknown[] } | undefined)?.bids[0]).toEqual({ price: 61837.63, amount: 3.78826 });
    // 1723161254087896568 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}
    expect(records[3]).toEqual({ type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: 1723161255342000, tsRecv: 1723161254087896, id: '3735683259', price: 61837.63, amount: 0.02, side: 'sell' });
    // 1723161599999231384 {"stream":"btcusdt@bookTicker","data":{"u":50093421612,"s":"BTCUSDT","b":"61685.99000000","B":"1.25869000","a":"61686.00000000","A":"2.44807000"}}
    expect(records.at(-1)).toEqual({ type: 'book_ticker', exchange: 'binance', symbol: 'BTCUSDT', ts: 1723161599999231, tsRecv: 1723161599999231, bidPrice: 61685.99, bidAmount: 1.25869, askPrice: 61686, askAmount: 2.44807 });
  });
});

describe.skipIf(!spot08 || !spot09)('binance spot captures _20240808 and _20240809 merged', () => {
  it('continue trade ids without a gap and stay in receive-time order', async () => {
    const merged = createMergedSource([await openSource(spot09!), await openSource(spot08!)]);
    const records = await readAll(merged);
    expect(merged.outOfOrder).toBe(0);
    expect(merged.stats.byType).toEqual({ trade: 9_757 + 10_147, book_ticker: 28_040 + 45_134, book_change: 3_451 + 3_044, depth_snapshot: 1, trade_bar: 0 });
    expect(records.filter((r, i) => i > 0 && r.tsRecv < records[i - 1]!.tsRecv)).toEqual([]);
    const ids = records.filter((r): r is Trade => r.type === 'trade').map((t) => Number(t.id));
    expect(ids).toHaveLength(19_904);
    expect(ids.filter((id, i) => i > 0 && id !== ids[i - 1]! + 1)).toEqual([]);
    expect(ids[0]).toBe(3735683259);
  });
});

describe.skipIf(!eth08)('binance spot capture ethusdt_20240808', () => {
  it('holds its trades, tickers, updates and the snapshot on line 6, named ETHUSDT', async () => {
    const source = await openSource(eth08!);
    const records = await readAll(source);
    expect(source.stats.byType).toEqual({ trade: 6_106, book_ticker: 24_077, book_change: 3_434, depth_snapshot: 1, trade_bar: 0 });
    expect(records[5]).toMatchObject({ type: 'depth_snapshot', symbol: 'ETHUSDT' });
  });
});

describe.skipIf(!usdm08)('binance USD-M capture btcusdt_20240808', () => {
  it('holds 21,313 trades, 66,089 book tickers, 6,551 updates with pu and the snapshot on line 55', async () => {
    const source = await openSource(usdm08!);
    const records = await readAll(source);
    expect(source.stats).toMatchObject({
      lines: 93_954,
      byType: { trade: 21_313, book_ticker: 66_089, book_change: 6_551, depth_snapshot: 1, trade_bar: 0 },
      malformed: 0,
      unknownTypes: 0,
    });
    expect(new Set(records.map((r) => r.exchange))).toEqual(new Set(['binance-futures']));
    // ... {"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,"bids":[["61800.20","2.909"],...
    expect(records[54]).toMatchObject({ type: 'depth_snapshot', lastUpdateId: 5123107852948, ts: 1723161256501000, tsRecv: 1723161255319702, symbol: 'BTCUSDT' });
    // 1723161255030314667 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161256299,"T":1723161256298,...,"U":5123107832006,"u":5123107837557,"pu":5123107831937,"b":[["58710.20","0.014"],...
    expect(records[0]).toMatchObject({ type: 'book_change', prevUpdateId: 5123107831937, firstUpdateId: 5123107832006, lastUpdateId: 5123107837557, ts: 1723161256299000 });
    // the pu chain links every update to the one before
    const changes = records.filter((r) => r.type === 'book_change');
    expect(changes.filter((c, i) => i > 0 && c.prevUpdateId !== changes[i - 1]!.lastUpdateId)).toEqual([]);
  });
});

describe('BinanceCaptureDecoder receive times', () => {
  const message = '{"u":1,"s":"X","b":"1.00000000","B":"1.00000000","a":"2.00000000","A":"1.00000000"}';

  function decodeLine(prefix: string): { outcome: number; records: MarketRecord[] } {
    const bytes = Buffer.from(`${prefix} ${message}`, 'latin1');
    const records: MarketRecord[] = [];
    return { outcome: new BinanceCaptureDecoder({ symbol: 'X' }).decode(bytes, 0, bytes.length, records), records };
  }

  it('reads 19 digits of ns as whole µs, and refuses them with any byte not a digit (property)', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 19, maxLength: 19 });
    fc.assert(
      fc.property(digits, fc.nat({ max: 18 }), fc.nat({ max: 255 }), (ns, at, byte) => {
        const micros = BigInt(ns) / 1000n;
        const { outcome, records } = decodeLine(ns);
        if (micros <= BigInt(Number.MAX_SAFE_INTEGER)) expect([outcome, records[0]?.tsRecv]).toEqual([DECODED, Number(micros)]);
        else expect(outcome).toBe(MALFORMED);
        const changed = ns.slice(0, at) + String.fromCharCode(byte) + ns.slice(at + 1);
        if (byte < 48 || byte > 57) expect(decodeLine(changed).outcome).toBe(MALFORMED);
      }),
      { numRuns: 5_000 },
    );
  });
});
