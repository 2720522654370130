/**
 * Continuity per stream: for any order of trade ids (repeats, replays, jumps) the detector lets
 * each id through at most once, in increasing order, and counts exactly the gaps and the missing
 * ids; depth diffs chain by `U = u + 1` on spot and `pu = u` on USD-M.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookChange, Trade } from '../../../src/model/records.js';
import { MutableFeedStats } from '../../../streams/live/feed-stats.js';
import { DUPLICATE, FIRST, GAP, GapDetector, IN_SEQUENCE } from '../../../streams/live/gap-detector.js';

function trade(id: number, symbol = 'BTCUSDT'): Trade {
  return { type: 'trade', exchange: 'binance', symbol, ts: 0, tsRecv: 0, id: String(id), price: 1, amount: 1, side: 'buy' };
}

function diff(U: number, u: number, pu = -1): BookChange {
  return { type: 'book_change', exchange: 'binance', symbol: 'BTCUSDT', ts: 0, tsRecv: 0, isSnapshot: false, firstUpdateId: U, lastUpdateId: u, prevUpdateId: pu, bids: [], asks: [] };
}

function detector(checkTradeIds = true) {
  const stats = new MutableFeedStats('test', ['btcusdt@trade', 'btcusdt@depth@100ms'], 50, null);
  return { stats, gaps: new GapDetector(stats, 'depth@100ms', checkTradeIds) };
}

describe('GapDetector', () => {
  it('passes each trade id once, increasing, counting gaps and missing ids exactly (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 300 }), (ids) => {
        const { stats, gaps } = detector();
        const passed: number[] = [];
        for (const id of ids) if (gaps.checkTrade(trade(id)) !== DUPLICATE) passed.push(id);
        // Exactly the running maxima pass.
        const expected: number[] = [];
        for (const id of ids) if (expected.length === 0 || id > expected.at(-1)!) expected.push(id);
        expect(passed).toEqual(expected);
        const jumps = expected.slice(1).map((id, i) => id - expected[i]! - 1).filter((m) => m > 0);
        const counters = stats.streams['btcusdt@trade']!;
        expect(counters.gaps).toBe(jumps.length);
        expect(counters.missing).toBe(jumps.reduce((a, b) => a + b, 0));
        expect(counters.duplicates).toBe(ids.length - expected.length);
        expect(stats.gaps).toBe(jumps.length);
        expect(stats.issues.length).toBe(Math.min(50, jumps.length));
      }),
      { numRuns: 300, seed: 3 },
    );
  });

  it('keeps one sequence per symbol', () => {
    const { gaps } = detector();
    expect(gaps.checkTrade(trade(10, 'BTCUSDT'))).toBe(FIRST);
    expect(gaps.checkTrade(trade(5, 'ETHUSDT'))).toBe(FIRST);
    expect(gaps.checkTrade(trade(11, 'BTCUSDT'))).toBe(IN_SEQUENCE);
    expect(gaps.checkTrade(trade(6, 'ETHUSDT'))).toBe(IN_SEQUENCE);
    expect(gaps.checkTrade(trade(10, 'ETHUSDT'))).toBe(GAP);
  });

  it('only de-duplicates trades when trade ids are not checked', () => {
    const { stats, gaps } = detector(false);
    gaps.checkTrade(trade(1));
    expect(gaps.checkTrade(trade(5))).toBe(IN_SEQUENCE);
    expect(gaps.checkTrade(trade(5))).toBe(DUPLICATE);
    expect(stats.gaps).toBe(0);
  });

  it('chains spot diffs by U = previous u + 1', () => {
    const { stats, gaps } = detector();
    expect(gaps.checkDepth(diff(1, 10))).toBe(FIRST);
    expect(gaps.checkDepth(diff(11, 15))).toBe(IN_SEQUENCE);
    expect(gaps.checkDepth(diff(11, 15))).toBe(DUPLICATE);
    expect(gaps.checkDepth(diff(14, 15))).toBe(DUPLICATE);
    expect(gaps.checkDepth(diff(20, 25))).toBe(GAP);
    expect(stats.streams['btcusdt@depth@100ms']).toEqual({ gaps: 1, missing: 4, duplicates: 2, resyncs: 0 });
    expect(stats.issues[0]!.message).toBe('btcusdt@depth@100ms: depth update gap: u 15 then U 20 (4 update ids missing)');
    expect(stats.issues[0]!.code).toBe('DATA_GAP');
    expect(gaps.checkDepth(diff(26, 30))).toBe(IN_SEQUENCE);
  });

  it('chains USD-M diffs by pu = previous u', () => {
    const { stats, gaps } = detector();
    expect(gaps.checkDepth(diff(100, 110, 95))).toBe(FIRST);
    expect(gaps.checkDepth(diff(115, 120, 110))).toBe(IN_SEQUENCE); // U need not follow u on USD-M
    expect(gaps.checkDepth(diff(130, 140, 125))).toBe(GAP);
    expect(stats.streams['btcusdt@depth@100ms']!.missing).toBe(5);
    expect(gaps.isSeen(diff(0, 140))).toBe(true);
    expect(gaps.isSeen(diff(0, 141))).toBe(false);
  });
});
