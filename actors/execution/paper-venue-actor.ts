/**
 * The paper venue as an actor: wraps the matching engine (`PaperVenue`) with the engine clock.
 * It watches market data on the bus, takes submits and cancels from execution, wakes on a timer
 * when the next order or cancel reaches the venue (after the configured latency), and publishes
 * everything it does on `venue.<name>` as `VenueReport`s, in engine-time order. It rebuilds its own
 * L2 book from the `depth_snapshot`/`book_change` records under `md` rather than reading the book
 * actor's `book_snapshot`s: those are conflated (every 100 ms by default) and published after the
 * fact, while fills must see the depth at the instant of each record. A live exchange
 * adapter would take its place with the same messages.
 */
import type { Instrument } from '../../src/model/instrument.js';
import type { MarketRecord } from '../../src/model/records.js';
import { defineActor, type ActorContext } from '../../src/runtime/actor.js';
import type { VenueCancel, VenueReport, VenueSubmit } from './execution-messages.js';
import { createPaperVenue, type PaperVenue } from './paper-venue.js';
import type { PaperVenueConfigInput } from './paper-venue-config.js';
import type { VenueEvent } from './paper-venue-events.js';

/** Config of the paper venue actor. */
export interface PaperVenueActorConfig {
  readonly venue: PaperVenueConfigInput;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly quotePrecision: number;
  /** Reports go to `venue.<topicName>` (default `paper`). */
  readonly topicName?: string;
}

interface VenueTick {
  readonly type: 'venue_tick';
}

/** Asks for the venue's counters; replies `PaperVenue['counters']`. */
export interface VenueStatsQuery {
  readonly type: 'venue_stats';
}

export type PaperVenueMessage = VenueSubmit | VenueCancel | VenueTick | VenueStatsQuery | MarketRecord;

interface PaperVenueState {
  readonly venue: PaperVenue;
  readonly topic: string;
  armed: number | undefined;
}

const TICK: VenueTick = { type: 'venue_tick' };

/** The paper venue actor definition. */
export const paperVenueActor = defineActor<PaperVenueActorConfig, PaperVenueState, PaperVenueMessage>({
  name: 'venue',
  init: (config) => ({
    venue: createPaperVenue(config.venue, { instruments: config.instruments, quotePrecision: config.quotePrecision }),
    topic: `venue.${config.topicName ?? 'paper'}`,
    armed: undefined,
  }),
  onStart: (state, ctx) => {
    ctx.subscribe('md');
    return state;
  },
  receive: (state, message, ctx) => {
    switch (message.type) {
      case 'venue_submit':
        state.venue.submit(message.order);
        break;
      case 'venue_cancel':
        state.venue.cancel(message.clientOrderId, message.ts);
        break;
      case 'venue_tick':
        state.armed = undefined;
        report(state, state.venue.onTime(ctx.clock.now()), ctx);
        break;
      case 'venue_stats':
        ctx.reply({ ...state.venue.counters });
        return state;
      default:
        report(state, state.venue.onMarket(message), ctx);
        break;
    }
    const next = state.venue.nextDeadline();
    if (next !== state.armed) {
      state.armed = next;
      if (next === undefined) ctx.clock.cancelTimer('arrive');
      else ctx.clock.startTimerAt('arrive', next, TICK);
    }
    return state;
  },
});

function report(state: PaperVenueState, events: readonly VenueEvent[], ctx: ActorContext<PaperVenueMessage>): void {
  for (let i = 0; i < events.length; i++) ctx.publish(state.topic, { type: 'venue_event', event: events[i]! } satisfies VenueReport);
}
