/**
 * The per-actor metric families, labelled `actor` with the actor's path (`/user/feeds/binance`).
 * Counters mirror `ActorCounters` one for one, so every message that reached an actor is in
 * exactly one of them (or still queued): a dashboard can add them up and find nothing missing.
 */
import type { Registry } from 'prom-client';
import type { ActorCounters } from '../../runtime/kernel.js';
import type { EngineScrape } from './scrape-reader.js';
import { scrapedCounter, scrapedGauge } from './scraped-metric.js';

/** The counter families, each read from one `ActorCounters` field. */
export const ACTOR_COUNTERS: readonly { readonly name: string; readonly field: keyof ActorCounters; readonly help: string }[] = [
  { name: 'tickflow_actor_processed_total', field: 'processed', help: 'Messages the actor processed.' },
  { name: 'tickflow_actor_dropped_total', field: 'dropped', help: 'Messages dropped by the mailbox overflow policy.' },
  { name: 'tickflow_actor_conflated_total', field: 'conflated', help: 'Messages replaced in the mailbox by a newer one with the same key.' },
  { name: 'tickflow_actor_failed_total', field: 'failed', help: 'Messages whose processing threw.' },
  { name: 'tickflow_actor_dead_lettered_total', field: 'deadLettered', help: 'Messages sent to the actor that became dead letters.' },
  { name: 'tickflow_actor_restarts_total', field: 'restarts', help: 'Restarts of the actor by its supervisor.' },
  { name: 'tickflow_actor_start_failures_total', field: 'startFailures', help: 'Starts of the actor (init or onStart) that threw.' },
];

/** Registers the per-actor families on `registry`, filled from `read().actors` at each scrape. */
export function registerActorMetrics(registry: Registry, read: () => EngineScrape): void {
  for (const { name, field, help } of ACTOR_COUNTERS) {
    scrapedCounter({
      registry,
      name,
      help,
      labelNames: ['actor'],
      read,
      values: (s, emit) => {
        for (const a of s.actors) emit({ actor: a.path }, a.counters[field]);
      },
    });
  }
  scrapedGauge({
    registry,
    name: 'tickflow_actor_mailbox_depth',
    help: 'Messages queued in the actor mailbox now.',
    labelNames: ['actor'],
    read,
    values: (s, emit) => {
      for (const a of s.actors) emit({ actor: a.path }, a.mailboxDepth);
    },
  });
  scrapedGauge({
    registry,
    name: 'tickflow_actor_mailbox_capacity',
    help: 'Capacity of the actor mailbox (depth / capacity is its saturation).',
    labelNames: ['actor'],
    read,
    values: (s, emit) => {
      for (const a of s.actors) emit({ actor: a.path }, a.capacity);
    },
  });
  scrapedGauge({
    registry,
    name: 'tickflow_actor_processing_latency_seconds',
    help: 'Sampled message processing time of the actor since start, by quantile (bucket upper bound).',
    labelNames: ['actor', 'quantile'],
    read,
    values: (s, emit) => {
      for (const a of s.actors) {
        if (a.latencyNs.samples === 0) continue;
        emit({ actor: a.path, quantile: '0.5' }, a.latencyNs.p50 / 1e9);
        emit({ actor: a.path, quantile: '0.99' }, a.latencyNs.p99 / 1e9);
      }
    },
  });
}
