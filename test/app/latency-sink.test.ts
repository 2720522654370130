import { describe, expect, it } from 'vitest';
import { createLatencySink } from '../../src/app/latency-sink.js';
import { Trace } from '../../src/runtime/trace.js';

function observed() {
  const hops: [string, number][] = [];
  const ends: number[] = [];
  const sink = createLatencySink({ observeHop: (hop, s) => void hops.push([hop, s]), observeEndToEnd: (s) => void ends.push(s) });
  return { sink, hops, ends };
}

describe('createLatencySink', () => {
  it('names market hops after the pipeline actor, in seconds from send to done', () => {
    const { sink, hops, ends } = observed();
    const trace = new Trace(1, 1_000);
    const trade = { type: 'trade' };
    sink.hop(trace, 'pipeline/feeds/binance', 1_000, 1_040, 0, trade);
    sink.hop(trace, 'pipeline/market/books', 1_040, 1_050, 1, trade);
    sink.hop(trace, 'pipeline/market/bars', 1_040, 1_060, 1, trade);
    sink.hop(trace, 'pipeline/market/strategy', 1_060, 1_100, 2, { type: 'trade_bar' });
    sink.hop(trace, 'pipeline/trading/planner', 1_100, 1_125, 3, { type: 'target' });
    sink.hop(trace, 'pipeline/trading/planner', 1_100, 1_190, 3, { type: 'fill_report' }); // not a hop: a report, not a target
    expect(hops).toEqual([
      ['decoded', 0.00004],
      ['books', 0.00001],
      ['bars', 0.00002],
      ['strategy', 0.00004],
      ['planner', 0.000025],
    ]);
    expect(ends).toEqual([]);
  });

  it('counts only the order flow at the trading actors, and times each order at the venue end to end', () => {
    const { sink, hops, ends } = observed();
    const trace = new Trace(2, 1_000);
    sink.hop(trace, 'pipeline/trading/risk', 1_000, 1_010, 1, { type: 'trade' });
    sink.hop(trace, 'pipeline/trading/venue', 1_000, 1_010, 1, { type: 'book_ticker' });
    sink.hop(trace, 'pipeline/trading/risk', 1_200, 1_210, 4, { type: 'order_request' });
    sink.hop(trace, 'pipeline/trading/execution', 1_210, 1_230, 5, { type: 'order_request' });
    sink.hop(trace, 'pipeline/trading/venue', 1_230, 1_250, 6, { type: 'venue_submit' });
    sink.hop(trace, 'pipeline/trading/execution', 1_250, 1_270, 7, { type: 'venue_event' });
    expect(hops.map(([hop]) => hop)).toEqual(['risk', 'execution', 'venue', 'report']);
    expect(ends).toEqual([0.00025]);
  });

  it('ignores actors outside the pipeline', () => {
    const { sink, hops } = observed();
    sink.hop(new Trace(3, 0), 'forwarder', 0, 10, 1, { type: 'trade' });
    expect(hops).toEqual([]);
  });
});
