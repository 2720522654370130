/**
 * Subscriptions by record type (issue 13): depth diffs and snapshots reach only the actors that
 * read them (books, risk, the paper venue), never the strategy, execution or the bars actor;
 * quotes never reach a bar strategy; and the book actor gets depth alone (no quotes, trades, bars
 * or its own snapshots). Counted by what the actors received, through the real pipeline.
 */
import { describe, expect, it } from 'vitest';
import { PIPELINE_PATHS } from '../../src/app/trading-pipeline.js';
import type { MarketRecord } from '../../src/model/records.js';
import { bar, barStrategy, pipelineRig, T0 } from '../support/pipeline-rig.js';

const change: MarketRecord = { type: 'book_change', exchange: 'x', symbol: 'BTC', ts: T0 + 1, tsRecv: T0 + 1, isSnapshot: false, firstUpdateId: 1, lastUpdateId: 1, prevUpdateId: -1, bids: [{ price: 99, amount: 1 }], asks: [{ price: 101, amount: 1 }] } as unknown as MarketRecord;
const quote: MarketRecord = { type: 'book_ticker', exchange: 'x', symbol: 'BTC', ts: T0 + 2, tsRecv: T0 + 2, bidPrice: 99, bidAmount: 1, askPrice: 101, askAmount: 1 };

describe('subscriptions by record type', () => {
  it('delivers depth diffs to books, risk and the venue only, quotes to no bar strategy and no book actor, and bars to no bars actor', () => {
    const rig = pipelineRig(barStrategy('quiet', () => undefined));
    const received = () => new Map(rig.system.inspect().map((a) => [a.path, a.counters.received]));
    const before = received();
    for (let i = 0; i < 10; i++) rig.system.publish('md.x.BTC.book_change', change);
    for (let i = 0; i < 5; i++) rig.system.publish('md.x.BTC.book_ticker', quote);
    rig.system.publish('md.x.BTC.trade_bar', bar(T0 + 60_000_000, 100));
    rig.system.runUntilIdle();
    const after = received();
    const delta = (path: string) => after.get(path)! - before.get(path)!;
    expect(delta(PIPELINE_PATHS.strategy)).toBe(1); // the bar alone
    expect(delta(PIPELINE_PATHS.execution)).toBe(6); // quotes and the bar: marks
    expect(delta(PIPELINE_PATHS.bars)).toBe(5); // quotes: they close time bars; bars and depth never reach it
    expect(delta(PIPELINE_PATHS.books)).toBe(10); // the diffs alone (the clock did not move: no publication timer yet)
    expect(delta(PIPELINE_PATHS.risk)).toBeGreaterThanOrEqual(16);
    expect(delta(PIPELINE_PATHS.venue)).toBeGreaterThanOrEqual(16);
  });

  it("keeps what actors derive on `md` (the book actor's snapshots) from risk, the venue and execution", () => {
    const rig = pipelineRig(barStrategy('quiet', () => undefined));
    const received = () => new Map(rig.system.inspect().map((a) => [a.path, a.counters.received]));
    const before = received();
    const snapshot = { type: 'book_snapshot', exchange: 'x', symbol: 'BTC', ts: T0, tsRecv: T0, depth: 1, valid: true, lastUpdateId: 1, bids: [], asks: [] };
    for (let i = 0; i < 4; i++) rig.system.publish('md.x.BTC.book', snapshot);
    rig.system.runUntilIdle();
    const after = received();
    const delta = (path: string) => after.get(path)! - before.get(path)!;
    expect(delta(PIPELINE_PATHS.strategy)).toBe(4); // it reads them (api.book)
    for (const path of [PIPELINE_PATHS.risk, PIPELINE_PATHS.venue, PIPELINE_PATHS.execution, PIPELINE_PATHS.books, PIPELINE_PATHS.bars]) expect(delta(path), path).toBe(0);
  });
});
