import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeRecord } from '../../../src/model/journal-codec.js';
import type { MarketRecord } from '../../../src/model/records.js';
import { openSource } from '../../../streams/open-source.js';
import { readAll, tmpFile } from '../source-helpers.js';

const records: MarketRecord[] = [
  { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: 2, tsRecv: 1, id: '7', price: 61000.5, amount: 0.25, side: 'buy' },
  { type: 'book_ticker', exchange: 'binance', symbol: 'BTCUSDT', ts: 3, tsRecv: 3, bidPrice: 1, bidAmount: 2, askPrice: 3, askAmount: 4 },
  { type: 'depth_snapshot', exchange: 'binance', symbol: 'BTCUSDT', ts: 4, tsRecv: 4, lastUpdateId: 9, bids: [{ price: 1, amount: 1 }], asks: [] },
];
const journal = records.map(encodeRecord).join('\n') + '\n';

describe('journal source', () => {
  it('reads back what the codec wrote, plain or gzip, detecting the format', async () => {
    for (const [name, content] of [['j.ndjson', journal], ['j.ndjson.gz', gzipSync(journal)]] as const) {
      const source = await openSource(tmpFile(name, content));
      expect(await readAll(source)).toEqual(records);
      expect(source.stats).toMatchObject({ format: 'journal', records: 3, malformed: 0 });
    }
  });

  it('counts an invalid line with its line number and reason, keeping the others', async () => {
    const lines = journal.split('\n');
    lines.splice(1, 0, '{"type":"trade","exchange":"x","symbol":"y","ts":1,"tsRecv":1,"id":"1","price":"1","amount":1,"side":"buy"}');
    const source = await openSource(tmpFile('bad.ndjson', lines.join('\n')));
    expect(await readAll(source)).toEqual(records);
    expect(source.stats.issues).toEqual([expect.objectContaining({ code: 'DATA_MALFORMED_LINE', line: 2, message: expect.stringMatching(/price/) })]);
  });
});
