/**
 * The raw capture writer on its own (simulated clock, no sockets): the capture layout the shared
 * recordings use, receive times that survive as exact nanoseconds, one file per symbol and UTC day,
 * nothing overwritten, one message per line, and nothing after `seal()`.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createRawCaptureWriter } from '../../../src/io/journal/raw-capture-writer.js';
import type { MarketRecord } from '../../../src/model/records.js';
import { SimulatedClock } from '../../../src/runtime/clock.js';
import { BinanceCaptureDecoder } from '../../../streams/venues/binance/binance-capture.js';
import { tempDir } from '../live-feed/live-feed-rig.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const TRADE = '{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}';
const ETH_QUOTE = '{"stream":"ethusdt@bookTicker","data":{"u":1,"s":"ETHUSDT","b":"2600.10","B":"1.5","a":"2600.11","A":"2.5"}}';
const SNAPSHOT = '{"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"]],"asks":[["61837.64000000","1.2"]]}';

function lines(file: string): string[] {
  return gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l !== '');
}

function decode(file: string, symbol: string): MarketRecord[] {
  const decoder = new BinanceCaptureDecoder({ symbol });
  const out: MarketRecord[] = [];
  for (const line of lines(file)) {
    const bytes = Buffer.from(line);
    decoder.decode(bytes, 0, bytes.length, out);
  }
  return out;
}

describe('RawCaptureWriter', () => {
  it('writes <µs>000 <json> lines that decode to the very receive time, a file per symbol', async () => {
    const dir = join(tmp.path, 'layout');
    const w = createRawCaptureWriter({ dir, clock: new SimulatedClock(0) });
    // Past 2^53 as nanoseconds: µs × 1000 as a number would round these.
    const t = 1_723_161_254_087_897;
    w.frame(Buffer.from(TRADE), t, 'BTCUSDT');
    w.snapshot('BTCUSDT', SNAPSHOT, t + 1);
    w.frame(Buffer.from(ETH_QUOTE), t + 2, 'ETHUSDT');
    await w.close();
    expect(readdirSync(dir).sort()).toEqual(['btcusdt_20240808.gz', 'ethusdt_20240808.gz']);
    expect(lines(join(dir, 'btcusdt_20240808.gz'))).toEqual([`1723161254087897000 ${TRADE}`, `1723161254087898000 ${SNAPSHOT}`]);
    const btc = decode(join(dir, 'btcusdt_20240808.gz'), 'BTCUSDT');
    expect(btc.map((r) => [r.type, r.symbol, r.tsRecv])).toEqual([
      ['trade', 'BTCUSDT', t],
      ['depth_snapshot', 'BTCUSDT', t + 1],
    ]);
    expect(decode(join(dir, 'ethusdt_20240808.gz'), 'ETHUSDT').map((r) => r.tsRecv)).toEqual([t + 2]);
    expect(w.stats).toMatchObject({ frames: 2, snapshots: 1, joined: 0 });
  });

  it('starts a new file at UTC midnight, named by its first line, and never overwrites one', async () => {
    const dir = join(tmp.path, 'days');
    const beforeMidnight = Date.UTC(2024, 7, 8, 23, 59, 59, 999) * 1000;
    for (let run = 0; run < 2; run++) {
      const w = createRawCaptureWriter({ dir, clock: new SimulatedClock(0) });
      w.frame(Buffer.from(TRADE), beforeMidnight, 'BTCUSDT');
      w.frame(Buffer.from(TRADE), beforeMidnight + 1000, 'BTCUSDT');
      await w.close();
    }
    expect(readdirSync(dir).sort()).toEqual(['btcusdt_20240808.gz', 'btcusdt_20240808_2.gz', 'btcusdt_20240809.gz', 'btcusdt_20240809_2.gz']);
    expect(lines(join(dir, 'btcusdt_20240809_2.gz'))).toEqual([`${beforeMidnight + 1000}000 ${TRADE}`]);
  });

  it('keeps one message a line, and ignores everything after seal()', async () => {
    const dir = join(tmp.path, 'seal');
    const w = createRawCaptureWriter({ dir, clock: new SimulatedClock(0) });
    // The frame decoder ignores a frame's trailing line break; the capture must not split on it.
    w.frame(Buffer.from(`${TRADE}\r\n`), 1_723_161_254_000_000, 'BTCUSDT');
    w.snapshot('BTCUSDT', SNAPSHOT.replace(',', ',\n'), 1_723_161_254_000_000);
    w.seal();
    w.frame(Buffer.from(TRADE), 1_723_161_254_000_001, 'BTCUSDT');
    await w.close();
    const written = lines(join(dir, 'btcusdt_20240808.gz'));
    expect(written).toEqual([`1723161254000000000 ${TRADE}`, `1723161254000000000 ${SNAPSHOT.replace(',', ', ')}`]);
    expect(decode(join(dir, 'btcusdt_20240808.gz'), 'BTCUSDT')[0]).toMatchObject({ type: 'trade', tsRecv: 1_723_161_254_000_000 });
    expect(w.stats).toMatchObject({ snapshots: 1, frames: 1, joined: 2, afterSeal: 1 });
  });

  it('never throws into the feed when its folder cannot be written: the lines are counted lost and drained() rejects', async () => {
    const blocker = join(tmp.path, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const writer = createRawCaptureWriter({ dir: join(blocker, 'raw'), clock: new SimulatedClock(0) });
    expect(() => writer.frame(Buffer.from(TRADE), 1_723_161_254_083_812, 'BTCUSDT')).not.toThrow();
    writer.frame(Buffer.from(TRADE), 1_723_161_254_083_900, 'BTCUSDT');
    expect(writer.stats).toMatchObject({ frames: 2, lost: 2 });
    await expect(writer.drained()).rejects.toThrow(/a-file/);
  });
});
