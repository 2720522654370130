/**
 * A slow, obviously correct Binance normalizer built on JSON.parse, written from the venue's
 * documentation, to check the fast parser against on every line of the real captures.
 */
import type { BookLevel, MarketRecord } from '../../../../src/model/records.js';

type Json = Record<string, unknown>;

const levels = (list: unknown): BookLevel[] => (list as [string, string][]).map(([p, q]) => ({ price: Number(p), amount: Number(q) }));

/** The record a capture line should give, or null for lines without one. */
export function referenceRecord(line: string, state: { symbol: string }): MarketRecord | null {
  const space = line.indexOf(' ');
  const tsRecv = Number(BigInt(line.slice(0, space)) / 1000n);
  const msg = JSON.parse(line.slice(space + 1)) as Json;
  const d = (msg.data ?? msg) as Json;
  if ('lastUpdateId' in d) {
    const futures = 'E' in d;
    return {
      type: 'depth_snapshot',
      exchange: futures ? 'binance-futures' : 'binance',
      symbol: state.symbol,
      ts: futures ? (d.E as number) * 1000 : tsRecv,
      tsRecv,
      lastUpdateId: d.lastUpdateId as number,
      bids: levels(d.bids),
      asks: levels(d.asks),
    };
  }
  state.symbol = d.s as string;
  switch (d.e ?? 'bookTicker') {
    case 'trade':
    case 'aggTrade':
      return {
        type: 'trade',
        exchange: 'M' in d ? 'binance' : 'binance-futures',
        symbol: d.s as string,
        ts: (d.T as number) * 1000,
        tsRecv,
        id: String(d.e === 'trade' ? d.t : d.a),
        price: Number(d.p),
        amount: Number(d.q),
        side: d.m === true ? 'sell' : 'buy',
      };
    case 'bookTicker':
      return {
        type: 'book_ticker',
        exchange: 'E' in d ? 'binance-futures' : 'binance',
        symbol: d.s as string,
        ts: 'E' in d ? (d.E as number) * 1000 : tsRecv,
        tsRecv,
        bidPrice: Number(d.b),
        bidAmount: Number(d.B),
        askPrice: Number(d.a),
        askAmount: Number(d.A),
      };
    case 'depthUpdate':
      return {
        type: 'book_change',
        exchange: 'pu' in d ? 'binance-futures' : 'binance',
        symbol: d.s as string,
        ts: (d.E as number) * 1000,
        tsRecv,
        isSnapshot: false,
        firstUpdateId: d.U as number,
        lastUpdateId: d.u as number,
        prevUpdateId: 'pu' in d ? (d.pu as number) : -1,
        bids: levels(d.b),
        asks: levels(d.a),
      };
    default:
      return null;
  }
}
