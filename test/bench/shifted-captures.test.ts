import { describe, expect, it } from 'vitest';
import { loadCapture, shiftCopy, shiftSecondsOf } from '../../bench/shifted-captures.js';

// A capture in miniature, laid out as the spot captures are: diffs that run past the REST
// snapshot's lastUpdateId arrive before it; a book ticker shares the diffs' id sequence.
const CAPTURE = [
  '1723161253937085768 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":100,"u":104,"b":[["61737.63000000","0.00000000"]],"a":[]}}',
  '1723161254087891268 {"stream":"btcusdt@bookTicker","data":{"u":105,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}',
  '1723161254087896568 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161255343,"s":"BTCUSDT","t":7000,"p":"61837.63000000","q":"0.02000000","T":1723161255342,"m":true,"M":true}}',
  '1723161254206652067 {"lastUpdateId":102,"bids":[["61837.63000000","3.78826000"]],"asks":[["61837.64000000","1.54698000"]]}',
  '1723161300137307667 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161301408,"s":"BTCUSDT","U":105,"u":109,"b":[],"a":[["61838.04000000","0.00000000"]]}}',
  '1723161313000000000 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161314300,"s":"BTCUSDT","t":7001,"p":"61837.64000000","q":"0.01000000","T":1723161314299,"m":false,"M":true}}',
].join('\n') + '\n';

const lines = (text: string) => text.trimEnd().split('\n');
const json = (line: string) => JSON.parse(line.slice(20)) as { data?: Record<string, number>; lastUpdateId?: number };

describe('shifted captures', () => {
  const capture = loadCapture('BTCUSDT', [CAPTURE]);
  const shift = { seconds: shiftSecondsOf([capture]), tradeIds: capture.tradeIdSpan, updateIds: capture.updateIdSpan };

  it('shifts by the span rounded up to a minute, and by the trade and diff id spans', () => {
    expect(shift).toEqual({ seconds: 60, tradeIds: 2, updateIds: 10 });
    expect(capture.lines).toBe(6);
  });

  it('chains copy k + 1 right after copy k: receive and venue times, trade ids, diff ids', () => {
    const one = lines(shiftCopy(CAPTURE, 1, shift, true));
    const two = lines(shiftCopy(CAPTURE, 2, shift, true));
    const firstDiff = (ls: string[]) => ls.map(json).find((j) => j.data?.U !== undefined)?.data;
    const trades = (ls: string[]) => ls.map(json).filter((j) => j.data?.t !== undefined).map((j) => j.data!.t);
    expect(trades(one)).toEqual([7002, 7003]);
    expect(trades(two)).toEqual([7004, 7005]);
    expect(firstDiff(two)?.U).toBe(json(one.at(-2)!).data!.u! + 1);
    expect(json(two.find((l) => l.includes('"T":'))!).data!.T).toBe(1723161255342 + 120_000);
    expect(two.at(-1)!.slice(0, 19)).toBe('1723161433000000000');
  });

  it('moves the snapshot of a later copy to its head, at the copy\'s first receive time', () => {
    const one = lines(shiftCopy(CAPTURE, 1, shift, true));
    expect(one).toHaveLength(6);
    expect(one[0]!.slice(0, 19)).toBe('1723161313937085768');
    expect(json(one[0]!).lastUpdateId).toBe(112);
    expect(one.filter((l) => l.includes('lastUpdateId'))).toHaveLength(1);
    const shape = (l: string) => l.slice(20).replace(/\d+/g, '#');
    expect(one.slice(1).map(shape)).toEqual(lines(CAPTURE).filter((l) => !l.includes('lastUpdateId')).map(shape));
  });

  it('leaves the first copy as it is', () => {
    expect(shiftCopy(CAPTURE, 0, shift, true)).toBe(CAPTURE);
  });
});
