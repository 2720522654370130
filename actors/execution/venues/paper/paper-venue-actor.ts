/**
 * The paper venue as an actor: wraps the matching engine (`PaperVenue`) with the engine clock.
 * It watches market data on the bus, takes submits and cancels from execution, wakes on a timer
 * when the next order or cancel reaches the venue (after the configured latency), and publishes
 * everything it does on `venue.<name>` as `VenueReport`s, in engine-time order: at once, or, with
 * `reportLatencyUs > 0`, that much engine time after the venue acted (the venue-to-engine leg:
 * held in a FIFO outbox and released by a timer, so reports keep the order the venue acted in,
 * and their `ts` stays the venue's time). It rebuilds its own
 * L2 book from the `depth_snapshot`/`book_change` records under `md` rather than reading the book
 * actor's `book_snapshot`s: those are conflated (every 100 ms by default) and published after the
 * fact, while fills must see the depth at the instant of each record. A live exchange
 * adapter would take its place with the same messages.
 */
import type { Instrument } from '../../../../src/model/instrument.js';
import type { RecoveredTrading } from '../../../../src/model/trading-recovery.js';
import { MARKET_RECORD_TYPES, recordTypeTopic, type MarketRecord } from '../../../../src/model/records.js';
import { defineActor, type ActorContext } from '../../../../src/runtime/actor.js';
import { venueTopic, type VenueCancel, type VenueDefinition, type VenueReport, type VenueSubmit } from '../venue.js';
import type { AccountSnapshot } from './paper-account.js';
import { createPaperVenue, type PaperVenue, type PaperVenueCounters } from './paper-venue.js';
import { PaperVenueConfig, type PaperVenueConfigInput } from './paper-venue-config.js';
import type { VenueEvent } from '../venue-events.js';

/** Config of the paper venue actor. */
export interface PaperVenueActorConfig {
  readonly venue: PaperVenueConfigInput;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly quotePrecision: number;
  /** The account's starting balance (decimal, quote currency); without it the venue keeps no account. */
  readonly initialCash?: string;
  /** Reports go to `venue.<topicName>` (default `paper`). */
  readonly topicName?: string;
  /** What a restart restores (`PaperVenue.restore`): the account and the working orders. */
  readonly recovered?: RecoveredTrading;
}

interface VenueTick {
  readonly type: 'venue_tick';
}

/** Asks for the venue's counters and account; replies `PaperVenueStats`. */
export interface VenueStatsQuery {
  readonly type: 'venue_stats';
}

/** The reply to `VenueStatsQuery`. */
export interface PaperVenueStats {
  readonly counters: PaperVenueCounters;
  readonly account: AccountSnapshot | undefined;
}

interface ReportTick {
  readonly type: 'venue_report_tick';
}

export type PaperVenueMessage = VenueSubmit | VenueCancel | VenueTick | ReportTick | VenueStatsQuery | MarketRecord;

interface PaperVenueState {
  readonly venue: PaperVenue;
  readonly topic: string;
  armed: number | undefined;
  /** Venue-to-engine delay (µs); 0 publishes at once and leaves the outbox unused. */
  readonly reportLatencyUs: number;
  /** Reports on their way to execution, from `outHead` on, with their delivery times (non-decreasing). */
  readonly outDue: number[];
  readonly outEvents: VenueEvent[];
  outHead: number;
}

const TICK: VenueTick = { type: 'venue_tick' };
const REPORT_TICK: ReportTick = { type: 'venue_report_tick' };

/** The paper venue actor definition. */
export const paperVenueActor = defineActor<PaperVenueActorConfig, PaperVenueState, PaperVenueMessage>({
  name: 'venue',
  init: (config) => {
    const venue = createPaperVenue(config.venue, { instruments: config.instruments, quotePrecision: config.quotePrecision, initialCash: config.initialCash });
    if (config.recovered !== undefined) venue.restore(config.recovered);
    return {
      venue,
      topic: venueTopic(config.topicName ?? 'paper'),
      armed: undefined,
      reportLatencyUs: venue.config.reportLatencyUs,
      outDue: [],
      outEvents: [],
      outHead: 0,
    };
  },
  onStart: (state, ctx) => {
    // Market records only: the book actor's snapshots and indicators on `md` fill nothing.
    for (const type of MARKET_RECORD_TYPES) ctx.subscribe(recordTypeTopic('md', type));
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
      case 'venue_report_tick':
        deliverDue(state, ctx);
        return state;
      case 'venue_stats':
        ctx.reply({ counters: { ...state.venue.counters }, account: state.venue.accountSnapshot() } satisfies PaperVenueStats);
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

/** The paper venue as a `VenueDefinition` (`venues.ts`). */
export const paperVenue = {
  name: 'paper',
  description: 'simulated exchange matching orders against the recorded market data, with a cash or margin account',
  config: PaperVenueConfig,
  spawn: (ctx, config, setup) =>
    ctx.spawn(paperVenueActor, {
      name: 'venue',
      config: { venue: config, instruments: setup.instruments, quotePrecision: setup.quotePrecision, initialCash: setup.initialCash, topicName: 'paper', ...(setup.recovered === undefined ? {} : { recovered: setup.recovered }) },
      mailbox: setup.mailbox,
    }),
} as const satisfies VenueDefinition<typeof PaperVenueConfig>;

function report(state: PaperVenueState, events: readonly VenueEvent[], ctx: ActorContext<PaperVenueMessage>): void {
  if (state.reportLatencyUs === 0) {
    for (let i = 0; i < events.length; i++) ctx.publish(state.topic, { type: 'venue_event', event: events[i]! } satisfies VenueReport);
    return;
  }
  if (events.length === 0) return;
  // The clock never goes back and the delay is constant, so delivery times arrive in order: a FIFO.
  const due = ctx.clock.now() + state.reportLatencyUs;
  const wasEmpty = state.outHead === state.outDue.length;
  for (let i = 0; i < events.length; i++) {
    state.outDue.push(due);
    state.outEvents.push(events[i]!);
  }
  if (wasEmpty) ctx.clock.startTimerAt('report', due, REPORT_TICK);
}

// Publishes the reports due by now, in order, and re-arms the timer for the next one.
function deliverDue(state: PaperVenueState, ctx: ActorContext<PaperVenueMessage>): void {
  const now = ctx.clock.now();
  const dues = state.outDue;
  const events = state.outEvents;
  let head = state.outHead;
  while (head < dues.length && dues[head]! <= now) {
    ctx.publish(state.topic, { type: 'venue_event', event: events[head]! } satisfies VenueReport);
    head++;
  }
  if (head === dues.length) {
    dues.length = 0;
    events.length = 0;
    state.outHead = 0;
    return;
  }
  if (head > 1024 && head * 2 > dues.length) {
    // Drop the delivered prefix in bulk (as `RequestQueue` does) when it is most of the arrays.
    dues.splice(0, head);
    events.splice(0, head);
    head = 0;
  }
  state.outHead = head;
  ctx.clock.startTimerAt('report', dues[head]!, REPORT_TICK);
}
