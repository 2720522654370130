import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPaperVenue } from '../../../../../actors/execution/venues/paper/paper-venue.js';
import type { VenueEvent } from '../../../../../actors/execution/venues/venue-events.js';
import { createInstrument, type Instrument } from '../../../../../src/model/instrument.js';
import { instrumentKey } from '../../../../../src/model/instrument-key.js';
import type { NewOrder, OrderSide, OrderType } from '../../../../../src/model/order.js';
import type { BookChange, BookTicker, DepthSnapshot, MarketRecord, Trade } from '../../../../../src/model/records.js';

const BTC = createInstrument({ symbol: 'BTC', exchange: 'x', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });
const instruments = new Map<string, Instrument>([[instrumentKey('x', 'BTC'), BTC]]);

// Every price is a tick in [LO, HI]; every size is whole lots, so the model below is exact integers.
const LO = 9_980;
const HI = 10_020;
const N = HI - LO + 1;
const tick = fc.integer({ min: LO + 5, max: HI - 5 });
const dt = fc.integer({ min: 0, max: 40 });
const lots = fc.integer({ min: 0, max: 2_000 });
const level = fc.tuple(fc.integer({ min: LO, max: HI }), lots);

type Step =
  | { readonly kind: 'quote'; readonly dt: number; readonly bid: number; readonly spread: number; readonly bidLots: number; readonly askLots: number }
  | { readonly kind: 'change'; readonly dt: number; readonly bids: readonly [number, number][]; readonly asks: readonly [number, number][] }
  | { readonly kind: 'trade'; readonly dt: number; readonly price: number; readonly lots: number; readonly side: 'buy' | 'sell' | 'unknown' }
  | { readonly kind: 'submit'; readonly dt: number; readonly side: OrderSide; readonly type: OrderType; readonly lots: number; readonly limit: number }
  | { readonly kind: 'cancel'; readonly dt: number; readonly pick: number };

const steps = fc.array(
  fc.oneof(
    // A quote with no sizes at all is a quote file's, taken as unlimited size (stated): not here.
    fc.record({ kind: fc.constant('quote' as const), dt, bid: tick, spread: fc.integer({ min: 1, max: 4 }), bidLots: lots, askLots: lots }).filter((q) => q.bidLots + q.askLots > 0),
    fc.record({ kind: fc.constant('change' as const), dt, bids: fc.array(level, { maxLength: 4 }), asks: fc.array(level, { maxLength: 4 }) }),
    fc.record({ kind: fc.constant('trade' as const), dt, price: tick, lots: fc.integer({ min: 1, max: 2_000 }), side: fc.constantFrom('buy' as const, 'sell' as const, 'unknown' as const) }),
    fc.record({ kind: fc.constant('submit' as const), dt, side: fc.constantFrom<OrderSide>('buy', 'sell'), type: fc.constantFrom<OrderType>('market', 'limit'), lots: fc.integer({ min: 1, max: 4_000 }), limit: tick }),
    fc.record({ kind: fc.constant('cancel' as const), dt, pick: fc.nat() }),
  ),
  { minLength: 30, maxLength: 120 },
);

/**
 * The venue's data as the README states it, in lots: the quote's touch, nothing better than it,
 * the L2 book beyond it (within its levels), else unknown, counted as 0 here.
 */
class Model {
  quote: { bid: number; bidLots: number; ask: number; askLots: number } | undefined = undefined;
  l2: { bids: Map<number, number>; asks: Map<number, number> } | undefined = undefined;
  // Per side (0 bid, 1 ask) and price: what is shown now, and the sum of its increases so far.
  readonly shown: number[][] = [new Array<number>(N).fill(0), new Array<number>(N).fill(0)];
  readonly supply: number[][] = [new Array<number>(N).fill(0), new Array<number>(N).fill(0)];

  show(ask: boolean, p: number): number {
    const q = this.quote;
    if (q !== undefined) {
      const qp = ask ? q.ask : q.bid;
      const ql = ask ? q.askLots : q.bidLots;
      if (ql > 0) {
        if (p === qp) return ql;
        if (ask ? p < qp : p > qp) return 0;
      }
    }
    if (this.l2 === undefined) return 0;
    const side = ask ? this.l2.asks : this.l2.bids;
    const prices = [...side.keys()];
    if (prices.length === 0) return 0;
    const best = ask ? Math.min(...prices) : Math.max(...prices);
    const worst = ask ? Math.max(...prices) : Math.min(...prices);
    if (ask ? p < best || p > worst : p > best || p < worst) return 0;
    return side.get(p) ?? 0;
  }

  update(): void {
    for (let s = 0; s < 2; s++) {
      for (let i = 0; i < N; i++) {
        const now = this.show(s === 1, LO + i);
        const before = this.shown[s]![i]!;
        if (now > before) this.supply[s]![i]! += now - before;
        this.shown[s]![i] = now;
      }
    }
  }

  /** What side `s` showed at price index `i` since `base` (shown then plus every increase after). */
  since(base: { shown: number[][]; supply: number[][] }, s: number, i: number): number {
    return base.shown[s]![i]! + this.supply[s]![i]! - base.supply[s]![i]!;
  }

  copy(): { shown: number[][]; supply: number[][] } {
    return { shown: this.shown.map((a) => [...a]), supply: this.supply.map((a) => [...a]) };
  }
}

interface Live {
  readonly spec: NewOrder;
  base: { shown: number[][]; supply: number[][] } | undefined;
  /** Lots traded at or through its limit since it arrived (for resting fills). */
  traded: number;
  readonly takerAt: Map<number, number>;
  maker: number;
}

describe('PaperVenue depth rules (properties)', () => {
  // Fills seen over all runs, by kind: the property must have had something to check.
  const seen = { taker: 0, maker: 0, walked: 0 };

  it('never fills an order more at a price than the data showed there over its life (plus what traded at or through its limit)', () => {
    fc.assert(
      fc.property(fc.boolean(), steps, (withBook, plan) => {
        const venue = createPaperVenue({ latencyUs: 20, makerFee: '0', takerFee: '0' }, { instruments });
        const model = new Model();
        const orders = new Map<string, Live>();
        const ids: string[] = [];
        const takerTotal = [new Array<number>(N).fill(0), new Array<number>(N).fill(0)];
        let now = 1_000;
        let updateId = 100;

        const check = (events: readonly VenueEvent[], before: { shown: number[][]; supply: number[][] }): void => {
          for (const e of events) {
            const o = orders.get(e.clientOrderId);
            if (o === undefined) continue;
            if (e.kind === 'accepted') o.base = before;
            if (e.kind !== 'fill') continue;
            expect(o.base).toBeDefined();
            const base = o.base!;
            const q = e.fill.quantity;
            const ask = o.spec.side === 'buy'; // the side it takes from
            const s = ask ? 1 : 0;
            seen[e.fill.liquidity]++;
            if (e.fill.liquidity === 'taker') {
              if (e.source === 'book') seen.walked++;
              const i = e.fill.price - LO;
              const total = (o.takerAt.get(i) ?? 0) + q;
              o.takerAt.set(i, total);
              expect(total).toBeLessThanOrEqual(model.since(base, s, i));
              takerTotal[s]![i]! += q;
              expect(takerTotal[s]![i]!).toBeLessThanOrEqual(model.supply[s]![i]!);
            } else {
              const l = (o.spec.limitPrice as number) - LO;
              let bound = o.traded;
              for (let i = 0; i < N; i++) if (ask ? i <= l : i >= l) bound += model.since(base, s, i);
              o.maker += q;
              expect(o.maker).toBeLessThanOrEqual(bound);
            }
          }
        };

        const feed = (record: MarketRecord): void => {
          const before = model.copy();
          if (record.type === 'book_ticker') {
            model.quote = { bid: Math.round(record.bidPrice * 100), bidLots: Math.round(record.bidAmount * 1000), ask: Math.round(record.askPrice * 100), askLots: Math.round(record.askAmount * 1000) };
          } else if (record.type === 'depth_snapshot' || record.type === 'book_change') {
            const l2 = (model.l2 ??= { bids: new Map(), asks: new Map() });
            for (const [side, levels] of [[l2.bids, record.bids], [l2.asks, record.asks]] as const) {
              for (const { price, amount } of levels) {
                const p = Math.round(price * 100);
                if (amount === 0) side.delete(p);
                else side.set(p, Math.round(amount * 1000));
              }
            }
          }
          model.update();
          const events = venue.onMarket(record);
          if (record.type === 'trade') {
            // A trade counts for a resting order's bound once it has arrived (accepted before now).
            const p = Math.round(record.price * 100);
            for (const o of orders.values()) {
              if (o.base === undefined || o.spec.type !== 'limit') continue;
              const l = o.spec.limitPrice as number;
              if (o.spec.side === 'buy' ? p <= l : p >= l) o.traded += Math.round(record.amount * 1000);
            }
          }
          check(events, before);
        };

        // Depth from the start (trade-only data follows paper-matching.ts, checked elsewhere).
        feed({ type: 'book_ticker', exchange: 'x', symbol: 'BTC', ts: now, tsRecv: now, bidPrice: 99.99, bidAmount: 1, askPrice: 100, askAmount: 1 } satisfies BookTicker);
        if (withBook) {
          const snap: DepthSnapshot = { type: 'depth_snapshot', exchange: 'x', symbol: 'BTC', ts: now, tsRecv: now, lastUpdateId: updateId, bids: [{ price: 99.95, amount: 1 }], asks: [{ price: 100.05, amount: 1 }] };
          feed(snap);
        }
        for (const step of plan) {
          now += step.dt;
          if (step.kind === 'quote') {
            const q: BookTicker = {
              type: 'book_ticker', exchange: 'x', symbol: 'BTC', ts: now, tsRecv: now,
              bidPrice: step.bid / 100, bidAmount: step.bidLots / 1000, askPrice: (step.bid + step.spread) / 100, askAmount: step.askLots / 1000,
            };
            feed(q);
          } else if (step.kind === 'change') {
            if (!withBook) continue;
            updateId++;
            const toLevels = (xs: readonly [number, number][]) => xs.map(([p, a]) => ({ price: p / 100, amount: a / 1000 }));
            const c: BookChange = {
              type: 'book_change', exchange: 'x', symbol: 'BTC', ts: now, tsRecv: now, isSnapshot: false,
              firstUpdateId: updateId, lastUpdateId: updateId, prevUpdateId: -1, bids: toLevels(step.bids), asks: toLevels(step.asks),
            };
            feed(c);
          } else if (step.kind === 'trade') {
            const t: Trade = { type: 'trade', exchange: 'x', symbol: 'BTC', ts: now, tsRecv: now, id: String(now), price: step.price / 100, amount: step.lots / 1000, side: step.side };
            feed(t);
          } else {
            check(venue.onTime(now), model.copy());
            if (step.kind === 'submit') {
              const id = `o${ids.length}`;
              const spec: NewOrder = {
                clientOrderId: id, exchange: 'x', symbol: 'BTC', side: step.side, type: step.type, quantity: step.lots,
                limitPrice: step.type === 'limit' ? step.limit : undefined, ts: now,
              };
              venue.submit(spec);
              ids.push(id);
              orders.set(id, { spec, base: undefined, traded: 0, takerAt: new Map(), maker: 0 });
            } else if (ids.length > 0) {
              venue.cancel(ids[step.pick % ids.length]!, now);
            }
          }
        }
      }),
      { numRuns: 400 },
    );
    expect(seen.taker).toBeGreaterThan(100);
    expect(seen.maker).toBeGreaterThan(100);
    expect(seen.walked).toBeGreaterThan(10);
  });
});
