import { describe, expect, it } from 'vitest';
import { createPaperVenue } from '../../../../../actors/execution/venues/paper/paper-venue.js';
import type { VenueEvent, VenueFilled } from '../../../../../actors/execution/venues/venue-events.js';
import { createInstrument, type Instrument } from '../../../../../src/model/instrument.js';
import { instrumentKey } from '../../../../../src/model/instrument-key.js';
import type { OrderSide } from '../../../../../src/model/order.js';
import { createMergedSource } from '../../../../../streams/merge-sources.js';
import { openSource } from '../../../../../streams/open-source.js';
import { dataPath } from '../../../../support/data.js';

const spot08 = dataPath('binance-spot/btcusdt_20240808.gz');
const spot09 = dataPath('binance-spot/btcusdt_20240809.gz');

const BTCUSDT = createInstrument({ symbol: 'BTCUSDT', exchange: 'binance', priceIncrement: '0.01', sizeIncrement: '0.00001', quotePrecision: 8 });
const instruments = new Map<string, Instrument>([[instrumentKey('binance', 'BTCUSDT'), BTCUSDT]]);

describe('PaperVenue on the Binance spot capture', () => {
  it.skipIf(!spot08 || !spot09)('fills 5 BTC market orders across the rebuilt book’s levels, never re-taking a level', async () => {
    const venue = createPaperVenue({ latencyUs: 1000 }, { instruments });
    const source = createMergedSource([await openSource(spot08!), await openSource(spot09!)]);
    const fills: VenueFilled[] = [];
    const keep = (events: readonly VenueEvent[]): void => {
      for (const e of events) if (e.kind === 'fill') fills.push(e);
    };
    let next = 0;
    let n = 0;
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
      for (const r of chunk) {
        // Every 30 s once the book is live, a 5 BTC market order, buys and sells in turn.
        if (next === 0 && r.type === 'depth_snapshot') next = r.tsRecv + 30_000_000;
        if (next > 0 && r.tsRecv >= next) {
          keep(venue.onTime(next));
          const side: OrderSide = n % 2 === 0 ? 'buy' : 'sell';
          venue.submit({ clientOrderId: `m${n++}`, exchange: 'binance', symbol: 'BTCUSDT', side, type: 'market', quantity: 500_000, ts: next });
          next += 30_000_000;
        }
        keep(venue.onMarket(r));
      }
    }
    await source.close();

    expect(n).toBeGreaterThan(15);
    // Each order: the levels it took at its first fill instant, and the quantity in all.
    const byOrder = new Map<string, VenueFilled[]>();
    for (const f of fills) byOrder.set(f.clientOrderId, [...(byOrder.get(f.clientOrderId) ?? []), f]);
    let walked = 0;
    for (const [, fs] of byOrder) {
      const first = fs.filter((f) => f.ts === fs[0]!.ts);
      const prices = first.map((f) => f.fill.price);
      if (new Set(prices).size >= 2) walked++;
      // Walking goes outward: up the asks for a buy, down the bids for a sell; no price twice at once.
      const sorted = [...prices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(fs[0]!.fill.side === 'buy' ? prices : prices.reverse()).toEqual(sorted);
      expect(new Set(prices).size).toBe(prices.length);
    }
    // Most 5 BTC orders are larger than the touch and walk the book at once.
    expect(walked).toBeGreaterThan(byOrder.size / 2);
    expect(fills.some((f) => f.source === 'book' || f.source === 'quote')).toBe(true);
  });
});
