import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderRegistry } from '../../../../../actors/execution/orders/order-registry.js';
import { createPaperVenue } from '../../../../../actors/execution/venues/paper/paper-venue.js';
import type { VenueEvent } from '../../../../../actors/execution/venues/venue-events.js';
import { createInstrument, type Instrument } from '../../../../../src/model/instrument.js';
import type { NewOrder, OrderSide, OrderType } from '../../../../../src/model/order.js';
import { isTerminalStatus } from '../../../../../src/model/order-transitions.js';
import type { BookTicker, MarketRecord, Trade, TradeBar } from '../../../../../src/model/records.js';

const BTC = createInstrument({ symbol: 'BTC', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });
const instruments = new Map<string, Instrument>([['x:BTC', BTC]]);

// Market data built from ticks and lots, so the exact price and size of every record is known.
type Step =
  | { readonly kind: 'quote'; readonly dt: number; readonly bid: number; readonly spread: number; readonly bidLots: number; readonly askLots: number }
  | { readonly kind: 'trade'; readonly dt: number; readonly price: number; readonly lots: number }
  | { readonly kind: 'bar'; readonly dt: number; readonly open: number; readonly close: number; readonly up: number; readonly down: number; readonly volLots: number }
  | { readonly kind: 'submit'; readonly dt: number; readonly side: OrderSide; readonly type: OrderType; readonly lots: number; readonly limit: number }
  | { readonly kind: 'cancel'; readonly dt: number; readonly pick: number };

const dt = fc.integer({ min: 0, max: 60 });
const ticks = fc.integer({ min: 9_950, max: 10_050 });
const lots = fc.integer({ min: 0, max: 3_000 });
const quoteStep = fc.record({ kind: fc.constant('quote' as const), dt, bid: ticks, spread: fc.integer({ min: 1, max: 8 }), bidLots: lots, askLots: lots });
const tradeStep = fc.record({ kind: fc.constant('trade' as const), dt, price: ticks, lots: fc.integer({ min: 1, max: 3_000 }) });
const barStep = fc.record({ kind: fc.constant('bar' as const), dt, open: ticks, close: ticks, up: fc.integer({ min: 0, max: 20 }), down: fc.integer({ min: 0, max: 20 }), volLots: lots });
const submitStep = fc.record({
  kind: fc.constant('submit' as const),
  dt,
  side: fc.constantFrom<OrderSide>('buy', 'sell'),
  type: fc.constantFrom<OrderType>('market', 'limit'),
  lots: fc.integer({ min: 1, max: 3_000 }),
  limit: ticks,
});
const cancelStep = fc.record({ kind: fc.constant('cancel' as const), dt, pick: fc.nat() });

const scenario = fc.record({
  latencyUs: fc.integer({ min: 0, max: 100 }),
  partialFills: fc.boolean(),
  limitCross: fc.constantFrom('through' as const, 'touch' as const),
  // The bar cap in tenths (0.1, 0.5, 1), so the test can work it out in integers.
  barShareTenths: fc.constantFrom(1, 5, 10),
  barSlippageBps: fc.integer({ min: 0, max: 30 }),
  steps: fc.oneof(
    fc.array(fc.oneof(quoteStep, tradeStep, submitStep, submitStep, cancelStep), { maxLength: 120 }),
    fc.array(fc.oneof(tradeStep, submitStep, cancelStep), { maxLength: 120 }),
    fc.array(fc.oneof(barStep, submitStep, cancelStep), { maxLength: 120 }),
  ),
});

interface Sent {
  readonly spec: NewOrder;
  readonly arrival: number;
  filled: number;
  accepted: boolean;
  closed: boolean;
}

// The price (ticks) an order of `side` would take at `record`'s touch, and the lots it shows there:
// for a bar, the open slipped `bps` against the order (ceil(open x bps / 10000) ticks) and the cap
// `floor(volume x share)` (none when the bar shows no volume).
function touchOf(record: MarketRecord, side: OrderSide, bps = 0, shareTenths = 10): { price: number; shown: number | undefined } {
  const t = (x: number): number => Math.round(x * 100);
  const l = (x: number): number => Math.round(x * 1000);
  if (record.type === 'book_ticker') {
    return side === 'buy' ? { price: t(record.askPrice), shown: l(record.askAmount) } : { price: t(record.bidPrice), shown: l(record.bidAmount) };
  }
  if (record.type === 'trade') return { price: t(record.price), shown: l(record.amount) };
  if (record.type === 'trade_bar') {
    const open = t(record.open);
    // Small integers (ticks near 10^4, bps at most 30): these floored quotients are exact.
    const slip = Math.floor((open * bps + 9_999) / 10_000);
    const vol = l(record.volume);
    return { price: side === 'buy' ? open + slip : open - slip, shown: vol > 0 ? Math.floor((vol * shareTenths) / 10) : undefined };
  }
  throw new Error('no touch');
}

describe('PaperVenue (properties)', () => {
  it('never fills at a price from before the order reached it, nor beyond its quantity, limit or cancel', () => {
    fc.assert(
      fc.property(scenario, ({ latencyUs, partialFills, limitCross, barShareTenths, barSlippageBps, steps }) => {
        const venue = createPaperVenue(
          { latencyUs, partialFills, limitCross, barVolumeShare: barShareTenths / 10, barSlippageBps, makerFee: '0.0002', takerFee: '0.0004' },
          { instruments },
        );
        const registry = new OrderRegistry();
        const sent = new Map<string, Sent>();
        const ids: string[] = [];
        let now = 1_000;
        let lastTs = 0;
        let lastBarClose = now;

        const check = (events: readonly VenueEvent[], record: MarketRecord | undefined): void => {
          const takenBySide = { buy: 0, sell: 0 };
          for (const e of events) {
            expect(e.ts).toBeGreaterThanOrEqual(lastTs); // engine-time order
            lastTs = e.ts;
            const o = sent.get(e.clientOrderId);
            if (e.kind === 'fill') {
              expect(record).toBeDefined(); // fills come only from market data
              if (o === undefined || record === undefined) return;
              // The source record is the one just fed: it reached the venue at or after the order.
              expect(record.tsRecv).toBeGreaterThanOrEqual(o.arrival);
              expect(e.ts).toBe(record.tsRecv);
              if (record.type === 'trade_bar') expect(record.openTs).toBeGreaterThanOrEqual(o.spec.ts);
              expect(o.accepted && !o.closed).toBe(true);
              const { price, shown } = touchOf(record, o.spec.side, barSlippageBps, barShareTenths);
              const p = e.fill.price;
              if (o.spec.type === 'market') {
                expect(p).toBe(price);
                expect(e.fill.liquidity).toBe('taker');
              } else {
                const lim = o.spec.limitPrice as number;
                expect(p === price || p === lim).toBe(true);
                expect(o.spec.side === 'buy' ? p <= lim : p >= lim).toBe(true);
              }
              takenBySide[o.spec.side] += e.fill.quantity;
              if (partialFills && shown !== undefined) expect(takenBySide[o.spec.side]).toBeLessThanOrEqual(shown);
              o.filled += e.fill.quantity;
              expect(o.filled).toBeLessThanOrEqual(o.spec.quantity);
              expect(e.leavesQuantity).toBe(o.spec.quantity - o.filled);
              if (e.leavesQuantity === 0) o.closed = true;
            } else if (e.kind === 'accepted') {
              expect(o?.arrival).toBe(e.ts);
              if (o) o.accepted = true;
            } else if (e.kind === 'canceled' && o) {
              expect(o.closed).toBe(false);
              o.closed = true;
            }
            // Every event is one the order registry takes, except a cancel refusal for a closed order.
            const current = registry.get(e.clientOrderId);
            if (e.kind === 'cancelRejected' && (current === undefined || isTerminalStatus(current.status))) continue;
            expect(registry.apply(e.clientOrderId, e.event)).toBeUndefined();
          }
        };

        for (const step of steps) {
          now += step.dt;
          let record: MarketRecord | undefined;
          if (step.kind === 'quote') {
            const q: BookTicker = {
              type: 'book_ticker', exchange: 'x', symbol: 'BTC', ts: now, tsRecv: now,
              bidPrice: step.bid / 100, bidAmount: step.bidLots / 1000, askPrice: (step.bid + step.spread) / 100, askAmount: step.askLots / 1000,
            };
            record = q;
          } else if (step.kind === 'trade') {
            const t: Trade = { type: 'trade', exchange: 'x', symbol: 'BTC', ts: now, tsRecv: now, id: String(now), price: step.price / 100, amount: step.lots / 1000, side: 'unknown' };
            record = t;
          } else if (step.kind === 'bar') {
            const b: TradeBar = {
              type: 'trade_bar', exchange: 'x', symbol: 'BTC', ts: now, tsRecv: now, interval: 'x',
              open: step.open / 100, high: (Math.max(step.open, step.close) + step.up) / 100, low: (Math.min(step.open, step.close) - step.down) / 100,
              close: step.close / 100, volume: step.volLots / 1000, buyVolume: 0, sellVolume: 0, trades: 1, vwap: step.close / 100, openTs: lastBarClose, closeTs: now,
            };
            lastBarClose = now;
            record = b;
          }
          if (record !== undefined) {
            check(venue.onMarket(record), record);
            continue;
          }
          check(venue.onTime(now), undefined);
          if (step.kind === 'submit') {
            const id = `o${ids.length}`;
            const spec: NewOrder = {
              clientOrderId: id, exchange: 'x', symbol: 'BTC', side: step.side, type: step.type, quantity: step.lots,
              limitPrice: step.type === 'limit' ? step.limit : undefined, ts: now,
            };
            const arrival = venue.submit(spec);
            expect(arrival).toBe(now + latencyUs);
            ids.push(id);
            sent.set(id, { spec, arrival: now + latencyUs, filled: 0, accepted: false, closed: false });
            registry.create(spec, BTC);
            registry.apply(id, { type: 'submit', ts: now });
          } else if (step.kind === 'cancel' && ids.length > 0) {
            const id = ids[step.pick % ids.length] as string;
            venue.cancel(id, now);
            const current = registry.get(id);
            if (current !== undefined && !isTerminalStatus(current.status)) registry.apply(id, { type: 'requestCancel', ts: now });
          }
        }
        check(venue.onTime(now + 1_000), undefined);
        // Every order reached the venue; the registry agrees with the venue on what filled.
        for (const [id, o] of sent) {
          expect(o.accepted).toBe(true);
          expect(registry.get(id)?.filledQuantity).toBe(o.filled);
          if (!o.closed) expect(venue.leaves(id)).toBe(o.spec.quantity - o.filled);
        }
        expect(registry.counters.illegalTransitions).toBe(0);
      }),
      { numRuns: 400 },
    );
  });
});
