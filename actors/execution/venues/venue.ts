/**
 * The venue contract: what the execution actor expects of whatever stands for an exchange, so a
 * real venue adapter can be added later as one folder beside `paper/` plus one line in
 * `venues.ts`.
 *
 * A venue is an actor spawned as `pipeline/trading/venue`. It takes `VenueSubmit` and
 * `VenueCancel` from execution and publishes everything the exchange did, as `VenueReport`s, on
 * `venueTopic(name)`, in the order the exchange did it (`venue-events.ts`: accepted, rejected with
 * a reason code, filled, canceled, cancel refused). Execution keys orders by client order id and
 * applies each report once: a venue must report every order it was given exactly once as accepted
 * or rejected, and a cancel it was asked for as canceled or refused. What it does on its own
 * (a fill, or a cancel with a reason such as `INSUFFICIENT_BALANCE`) it reports the same way.
 */
import type { z } from 'zod';
import type { RecoveredTrading } from '../../../src/model/trading-recovery.js';
import type { Instrument } from '../../../src/model/instrument.js';
import type { NewOrder } from '../../../src/model/order.js';
import type { ActorContext, ActorRef } from '../../../src/runtime/actor.js';
import type { MailboxConfig } from '../../../src/runtime/mailbox.js';
import type { VenueEvent } from './venue-events.js';

/** Execution → venue: an order to place. */
export interface VenueSubmit {
  readonly type: 'venue_submit';
  readonly order: NewOrder;
}

/** Execution → venue: cancel what is left of an order; `ts` is when execution asked. */
export interface VenueCancel {
  readonly type: 'venue_cancel';
  readonly clientOrderId: string;
  readonly ts: number;
}

/** What execution sends a venue. */
export type VenueCommand = VenueSubmit | VenueCancel;

/** Venue → execution (published on `venueTopic(name)`). */
export interface VenueReport {
  readonly type: 'venue_event';
  readonly event: VenueEvent;
}

/** The topic a venue publishes its reports on: `venue.<name>`. */
export function venueTopic(name: string): string {
  return `venue.${name}`;
}

/** What the composition root gives a venue beside its own config. */
export interface VenueSetup {
  /** The run's instruments by `instrumentKey(exchange, symbol)`. */
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Decimals of money (the portfolio's): fills' fees are at this precision. */
  readonly quotePrecision: number;
  /** Starting balance of the account, quote currency, as a decimal string (`cash` in config). */
  readonly initialCash: string;
  readonly mailbox: Partial<MailboxConfig>;
  /**
   * What a daemon's restart restores (`RecoveredTrading`): a paper venue rebuilds its account and
   * working orders from it; a real venue's adapter would reconcile with the exchange instead.
   */
  readonly recovered?: RecoveredTrading;
}

/**
 * A kind of venue, as a value (`venues.ts` lists them): its name (`execution.venue.type` in
 * config), its config schema (the rest of `execution.venue`, validated once at config load) and
 * how to spawn it.
 */
export interface VenueDefinition<Schema extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly description: string;
  /** Schema of `execution.venue` for this kind, without `type` (a strict object: unknown keys are errors). */
  readonly config: Schema;
  /** Spawns the venue actor as `venue` under `ctx` (the `trading` supervisor); `config` is validated. */
  spawn(ctx: ActorContext<never>, config: z.output<Schema>, setup: VenueSetup): ActorRef<VenueCommand>;
}
