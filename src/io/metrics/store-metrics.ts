/**
 * The journal and store families: what the write-ahead log wrote, and for each projection
 * (`store` label: `postgres`, `redis`) whether it is up, how far behind the journal it is, and its
 * failures and outages. An outage shows as `tickflow_store_up{store} 0` with a growing lag, and
 * the catch-up afterwards as the lag falling back to 0.
 */
import type { Registry } from 'prom-client';
import type { EngineScrape } from './scrape-reader.js';
import { scrapedCounter, scrapedGauge } from './scraped-metric.js';

/** One store writer, as `/metrics` shows it. */
export interface StoreWriterView {
  readonly name: string;
  readonly up: boolean;
  readonly lag: number;
  readonly cursor: number;
  readonly appliedEntries: number;
  readonly batches: number;
  readonly failures: number;
  readonly outages: number;
}

/** The journal and its stores, read at scrape time. */
export interface StoreMetricsView {
  readonly journal: { readonly lastSeq: number; readonly appended: number; readonly bytes: number; readonly fsyncs: number; readonly repairedBytes: number };
  readonly stores: readonly StoreWriterView[];
  /** Redis pub/sub notifications (absent without Redis): published, and dropped by reason. */
  readonly notifications?: { readonly published: number; readonly stale: number; readonly failed: number };
}

/** Registers the journal and store families, filled from `read().stores`. */
export function registerStoreMetrics(registry: Registry, read: () => EngineScrape): void {
  const journal: readonly { name: string; field: keyof StoreMetricsView['journal']; help: string; kind: 'counter' | 'gauge' }[] = [
    { name: 'tickflow_journal_entries_total', field: 'appended', help: 'Entries the journal appended since start.', kind: 'counter' },
    { name: 'tickflow_journal_bytes_total', field: 'bytes', help: 'Bytes the journal wrote since start.', kind: 'counter' },
    { name: 'tickflow_journal_fsyncs_total', field: 'fsyncs', help: 'fdatasync calls the journal made since start.', kind: 'counter' },
    { name: 'tickflow_journal_repaired_bytes', field: 'repairedBytes', help: 'Torn bytes cut from the journal tail at start (a crash mid-write).', kind: 'gauge' },
    { name: 'tickflow_journal_last_seq', field: 'lastSeq', help: 'Sequence number of the last journal entry.', kind: 'gauge' },
  ];
  for (const { name, field, help, kind } of journal) {
    const make = kind === 'counter' ? scrapedCounter : scrapedGauge;
    make({ registry, name, help, labelNames: [], read, values: (s, emit) => void (s.stores !== undefined && emit({}, s.stores.journal[field])) });
  }
  const gauges: readonly { name: string; help: string; value: (w: StoreWriterView) => number }[] = [
    { name: 'tickflow_store_up', help: '1 while the store writer is connected and applying, else 0.', value: (w) => (w.up ? 1 : 0) },
    { name: 'tickflow_store_lag_entries', help: 'Journal entries the store has not applied yet.', value: (w) => w.lag },
    { name: 'tickflow_store_cursor', help: 'Sequence number of the last journal entry the store applied.', value: (w) => w.cursor },
  ];
  for (const { name, help, value } of gauges) {
    scrapedGauge({ registry, name, help, labelNames: ['store'], read, values: (s, emit) => s.stores?.stores.forEach((w) => emit({ store: w.name }, value(w))) });
  }
  const counters: readonly { name: string; help: string; field: 'appliedEntries' | 'batches' | 'failures' | 'outages' }[] = [
    { name: 'tickflow_store_applied_entries_total', help: 'Journal entries applied to the store.', field: 'appliedEntries' },
    { name: 'tickflow_store_batches_total', help: 'Transactions committed to the store.', field: 'batches' },
    { name: 'tickflow_store_failures_total', help: 'Store operations that failed (each followed by a reopen).', field: 'failures' },
    { name: 'tickflow_store_outages_total', help: 'Times the store went from up (or opening) to down.', field: 'outages' },
  ];
  for (const { name, help, field } of counters) {
    scrapedCounter({ registry, name, help, labelNames: ['store'], read, values: (s, emit) => s.stores?.stores.forEach((w) => emit({ store: w.name }, w[field])) });
  }
  scrapedCounter({
    registry,
    name: 'tickflow_redis_notifications_published_total',
    help: 'Signals and order events published on Redis pub/sub.',
    labelNames: [],
    read,
    values: (s, emit) => void (s.stores?.notifications !== undefined && emit({}, s.stores.notifications.published)),
  });
  scrapedCounter({
    registry,
    name: 'tickflow_redis_notifications_dropped_total',
    help: 'Redis notifications not published: stale (older than 5 s when caught up after an outage) or failed.',
    labelNames: ['reason'],
    read,
    values: (s, emit) => {
      const n = s.stores?.notifications;
      if (n === undefined) return;
      emit({ reason: 'stale' }, n.stale);
      emit({ reason: 'failed' }, n.failed);
    },
  });
}
