import { describe, expect, it } from 'vitest';
import type { VenueReport } from '../../../../../actors/execution/venues/venue.js';
import { paperVenueActor } from '../../../../../actors/execution/venues/paper/paper-venue-actor.js';
import { createInstrument, type Instrument } from '../../../../../src/model/instrument.js';
import type { BookTicker } from '../../../../../src/model/records.js';
import { createActorSystem } from '../../../../../src/runtime/actor-system.js';
import { SECOND, SimulatedClock } from '../../../../../src/runtime/clock.js';
import { recordingActor, type Received } from '../../../../support/recording-actor.js';

const T0 = 1_700_000_000 * SECOND;
const BTC = createInstrument({ symbol: 'BTC', exchange: 'x', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });

function quote(tsRecv: number, bid: number, ask: number): BookTicker {
  return { type: 'book_ticker', exchange: 'x', symbol: 'BTC', ts: tsRecv, tsRecv, bidPrice: bid, bidAmount: 5, askPrice: ask, askAmount: 5 };
}

/** The venue actor with a recorder on `venue.paper`: what execution would receive, and when. */
function rig(latencyUs: number, reportLatencyUs: number | undefined) {
  const clock = new SimulatedClock(T0);
  const system = createActorSystem({ clock });
  const reports: Received<VenueReport>[] = [];
  system.spawn(recordingActor<VenueReport>(reports, ['venue.paper'], 'execution'));
  const venue = system.spawn(paperVenueActor, {
    config: { venue: { latencyUs, ...(reportLatencyUs === undefined ? {} : { reportLatencyUs }) }, instruments: new Map<string, Instrument>([['x:BTC', BTC]]), quotePrecision: 2 },
  });
  system.runUntilIdle();
  const at = (t: number): void => {
    clock.advanceTo(t);
    system.runUntilIdle();
  };
  const seen = (): string[] => reports.map((r) => `${r.at - T0} ${r.message.event.kind} ${r.message.event.clientOrderId} ts=${r.message.event.ts - T0}`);
  return { system, venue, at, seen };
}

describe('paperVenueActor: latency both ways', () => {
  it('delivers acknowledgements and fills reportLatencyUs after the venue acts, in order', () => {
    const r = rig(100, 300);
    r.venue.tell({ type: 'venue_submit', order: { clientOrderId: 'a', exchange: 'x', symbol: 'BTC', side: 'buy', type: 'market', quantity: 1000, ts: T0 } });
    r.venue.tell({ type: 'venue_cancel', clientOrderId: 'nope', ts: T0 });
    r.at(T0 + 200);
    r.system.publish('md.x.BTC.book_ticker', quote(T0 + 200, 100, 101));
    r.at(T0 + 499);
    // The venue accepted at 100 and refused the cancel at 100; execution hears of it at 400. The fill (at 200) is still on its way.
    expect(r.seen()).toEqual(['400 accepted a ts=100', '400 cancelRejected nope ts=100']);
    r.at(T0 + 1000);
    expect(r.seen()).toEqual(['400 accepted a ts=100', '400 cancelRejected nope ts=100', '500 fill a ts=200']);
  });

  it('delivers at once with the default reportLatencyUs of 0', () => {
    const r = rig(100, undefined);
    r.venue.tell({ type: 'venue_submit', order: { clientOrderId: 'a', exchange: 'x', symbol: 'BTC', side: 'buy', type: 'market', quantity: 1000, ts: T0 } });
    r.at(T0 + 200);
    r.system.publish('md.x.BTC.book_ticker', quote(T0 + 200, 100, 101));
    r.at(T0 + 1000);
    expect(r.seen()).toEqual(['100 accepted a ts=100', '200 fill a ts=200']);
  });
});
