/**
 * The live feed's first stage under hostile input, without a socket: 100,000 fuzzed frames
 * (truncated, wrong types, huge numbers, random bytes, invalid UTF-8, deep nesting, overlong text)
 * through `decodeBinanceFrames`. Nothing throws or errors the stream, every frame is counted exactly
 * once (decoded, skipped, malformed or unknown), and every record that does come out is sound.
 */
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/model/records.js';
import { createRandom, type Random } from '../../../src/runtime/random.js';
import { decodeBinanceFrames } from '../../../streams/operators/decode-binance-frames.js';
import { MutableSourceStats } from '../../../streams/record-source.js';

/** Well-formed frames of every kind the live feed meets (spot and USD-M), to mutate. */
const TEMPLATES = [
  '{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":3735683259,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}',
  '{"stream":"btcusdt@bookTicker","data":{"u":50093239212,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}',
  '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255308,"s":"BTCUSDT","U":50093239203,"u":50093239207,"b":[["55653.87000000","0.00000000"]],"a":[["61838.04000000","0.32332000"],["61844.30000000","0.40163000"]]}}',
  '{"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1723161256299,"T":1723161256298,"s":"BTCUSDT","U":5123107832006,"u":5123107837557,"pu":5123107831937,"b":[["58710.20","0.014"]],"a":[["61800.30","3.330"]]}}',
  '{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256322,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false}}',
  '{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":1,"s":"BTCUSDT","a":12,"p":"1.0","q":"2.0","f":1,"l":2,"T":1,"m":false,"M":true}}',
  '{"lastUpdateId":50093239218,"bids":[["61837.63000000","3.78826000"]],"asks":[["61837.64000000","1.54698000"]]}',
  '{"e":"trade","E":1,"s":"ETHUSDT","t":7,"p":"2500.1","q":"0.5","T":1,"m":true,"M":true}',
  '{"result":null,"id":1}',
  '{"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1,"s":"BTCUSDT","k":{"t":0,"T":59999,"i":"1m","o":"1","h":"2","l":"0.5","c":"1.5","v":"10","V":"4","q":"15","n":3,"x":true}}}',
  '{"stream":"btcusdt@markPrice","data":{"e":"markPriceUpdate","E":1,"s":"BTCUSDT","p":"1"}}',
];

const WRONG_VALUES = ['1', '-1', '1.5', '1e400', '-1e400', '123456789012345678901234567890', '0.0000000000000000000000001', '"NaN"', '"Infinity"', '""', 'true', 'null', '[]', '{}', '[[[]]]', '{"a":{"b":{}}}', '"\\u0000"', '"\\ud800"', '"' + 'x'.repeat(5000) + '"', '9007199254740993', '"61837.63.0"', '"1e5"', '"-0"'];

/** One mutated frame from a template, as bytes. */
function fuzzFrame(random: Random): Buffer {
  const base = TEMPLATES[random.int(TEMPLATES.length)]!;
  switch (random.int(10)) {
    case 0: // truncated anywhere
      return Buffer.from(base.slice(0, random.int(base.length)));
    case 1:
    case 2: {
      // one value replaced by a value of another type or an extreme number
      const values = [...base.matchAll(/:("[^"]*"|-?[0-9.eE+]+|true|false|null)/g)];
      const m = values[random.int(values.length)]!;
      return Buffer.from(base.slice(0, m.index! + 1) + WRONG_VALUES[random.int(WRONG_VALUES.length)] + base.slice(m.index! + m[0].length));
    }
    case 3: // random bytes, any length up to 300, invalid UTF-8 included
      return Buffer.from(Array.from({ length: random.int(300) }, () => random.int(256)));
    case 4: {
      // a byte flipped
      const bytes = Buffer.from(base);
      bytes[random.int(bytes.length)] = random.int(256);
      return bytes;
    }
    case 5: {
      // a span deleted or duplicated
      const a = random.int(base.length);
      const b = Math.min(base.length, a + 1 + random.int(20));
      return Buffer.from(random.next() < 0.5 ? base.slice(0, a) + base.slice(b) : base.slice(0, b) + base.slice(a));
    }
    case 6: // deep nesting, in the envelope or alone
      return Buffer.from(random.next() < 0.5 ? `{"stream":"x@trade","data":${'['.repeat(2000 + random.int(20_000))}` : '{"a":'.repeat(1 + random.int(5000)));
    case 7: // keys repeated, fields missing
      return Buffer.from(base.replace('"s":"BTCUSDT"', random.next() < 0.5 ? '"s":"BTCUSDT","s":7' : '"x":1'));
    case 8: // overlong text
      return Buffer.from(base.replace('BTCUSDT', 'B'.repeat(100 + random.int(100_000))));
    default: // whitespace, empty, or the frame intact
      return Buffer.from([' ', '', '\n', base, `  ${base}  `][random.int(5)]!);
  }
}

/** Runs frames through the operator; returns what came out and the counters. */
async function decodeAll(frames: readonly (Buffer | string)[]): Promise<{ records: MarketRecord[]; stats: MutableSourceStats }> {
  const stats = new MutableSourceStats('fuzz', 'binance-frames');
  const records = await lastValueFrom(from(frames).pipe(decodeBinanceFrames({ now: () => 1_700_000_000_000_000, stats }), toArray()));
  return { records, stats };
}

/** Every frame is one of decoded (at most one record each), skipped, malformed or unknown. */
function expectAccounted(frames: number, records: readonly MarketRecord[], stats: MutableSourceStats): void {
  expect(stats.lines).toBe(frames);
  expect(stats.records).toBe(records.length);
  expect(stats.records + stats.skipped + stats.malformed + stats.unknownTypes).toBe(frames);
  expect(stats.failure).toBeNull();
}

/**
 * A record that came out of garbage must still be a sound record: ids of digits, every number
 * finite (no NaN, no ±Infinity), every time a non-negative safe integer of µs.
 */
function expectSound(record: MarketRecord): void {
  const safeTime = (us: number) => expect(Number.isSafeInteger(us) && us >= 0, `time ${us}`).toBe(true);
  const finite = (values: readonly number[]) => expect(values.filter((v) => !Number.isFinite(v))).toEqual([]);
  safeTime(record.ts);
  safeTime(record.tsRecv);
  expect(record.symbol.length).toBeGreaterThan(0);
  switch (record.type) {
    case 'trade':
      expect(record.id).toMatch(/^\d+$/);
      finite([record.price, record.amount]);
      break;
    case 'book_ticker':
      finite([record.bidPrice, record.bidAmount, record.askPrice, record.askAmount]);
      break;
    case 'book_change':
    case 'depth_snapshot':
      expect(Number.isSafeInteger(record.lastUpdateId) && record.lastUpdateId >= 0).toBe(true);
      finite([...record.bids, ...record.asks].flatMap((l) => [l.price, l.amount]));
      break;
    case 'trade_bar':
      safeTime(record.openTs);
      safeTime(record.closeTs);
      finite([record.open, record.high, record.low, record.close, record.volume, record.buyVolume, record.sellVolume, record.vwap]);
      break;
  }
}

describe('decodeBinanceFrames under fuzzed frames', () => {
  it('decodes 100,000 fuzzed frames without a throw, counting every one exactly once', async () => {
    const random = createRandom(20240808);
    const frames = Array.from({ length: 100_000 }, () => fuzzFrame(random));
    const { records, stats } = await decodeAll(frames);
    expectAccounted(frames.length, records, stats);
    // The mix really exercised every outcome.
    expect(stats.malformed).toBeGreaterThan(30_000);
    expect(stats.records).toBeGreaterThan(10_000);
    expect(stats.skipped).toBeGreaterThan(1_000);
    expect(stats.unknownTypes).toBeGreaterThan(1_000);
    expect(stats.issues.length).toBe(20); // the first few kept, the counters go on
    for (const record of records) expectSound(record);
  });

  it('accounts for any bytes and any JSON value (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ stream: 'btcusdt@trade', data: v }))), { maxLength: 50 }), async (frames) => {
        const { records, stats } = await decodeAll(frames);
        expectAccounted(frames.length, records, stats);
        for (const record of records) expectSound(record);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  // Found by the fuzz above, once gaps in the Binance parser (streams/venues/binance/): a decimal
  // string beyond a double's range became Infinity, and a millisecond time up to 2^53 was accepted
  // though times 1000 it is no longer a safe integer.
  it('refuses prices beyond a double as malformed, naming the field ("1e400" is not Infinity)', async () => {
    const { records, stats } = await decodeAll(['{"e":"trade","E":1,"s":"ETHUSDT","t":7,"p":"1e400","q":"0.5","T":1,"m":true,"M":true}']);
    expect(records).toEqual([]);
    expect(stats.malformed).toBe(1);
    expect(stats.issues[0]!.message).toMatch(/trade without a valid p \(a decimal string with a finite value\)/);
  });

  it('refuses event times whose microseconds are not safe integers as malformed, naming the field', async () => {
    const { records, stats } = await decodeAll(['{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5,"s":"BTCUSDT","b":"1","B":"1","a":"1","A":"1","T":1,"E":9007199254740991}}']);
    expect(records).toEqual([]);
    expect(stats.malformed).toBe(1);
    expect(stats.issues[0]!.message).toMatch(/bookTicker without a valid E \(an integer time in ms/);
  });
});
