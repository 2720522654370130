/**
 * Metrics whose values are read from the engine's own counters at scrape time, rather than
 * incremented on the hot path. The engine already counts everything (actor cells, feed stats, the
 * risk guard) in plain fields; copying them into prom-client as they change would pay a label hash
 * per message for numbers nobody reads between scrapes.
 *
 * Why a prom-client `Counter` reset and refilled in `collect()`, rather than a `Gauge` named
 * `_total` or an increment by the delta since the last scrape: the source fields are themselves
 * monotonic counters (a cell's counters outlive its restarts, a feed's outlive its reconnects), so
 * the value to export is exactly the snapshot value, typed `counter` so `rate()` and `increase()`
 * apply. Resetting drops the series of an actor or feed that is gone, as Prometheus expects. A
 * delta scheme would keep state per label set forever, and a source that starts again from zero
 * (a feed recreated) would need a guess; Prometheus already handles counter resets itself.
 *
 * `collect()` runs synchronously inside each scrape, so a reading and the exposition it fills are
 * never interleaved with another scrape.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** Passes one label set's value to the metric being collected. */
export type Emit<L extends string> = (labels: Readonly<Record<L, string>>, value: number) => void;

/** A metric family filled from a reading `S` at each collection. */
export interface ScrapedMetricConfig<S, L extends string> {
  readonly registry: Registry;
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  /** The reading of this scrape (shared by every family; see `ScrapeReader`). */
  readonly read: () => S;
  /** Emits every label set's value from the reading. */
  readonly values: (reading: S, emit: Emit<L>) => void;
}

/**
 * A counter holding the snapshot values. A value that is negative or not finite is skipped (a
 * counter cannot hold it; the series is absent for that scrape rather than wrong).
 */
export function scrapedCounter<S, L extends string>(config: ScrapedMetricConfig<S, L>): Counter<L> {
  const { values, read } = config;
  return new Counter<L>({
    name: config.name,
    help: config.help,
    labelNames: config.labelNames,
    registers: [config.registry],
    collect(this: Counter<L>) {
      this.reset();
      values(read(), (labels, value) => {
        if (Number.isFinite(value) && value >= 0) this.inc(labels, value);
      });
    },
  });
}

/** A gauge holding the snapshot values; a value that is not finite is skipped. */
export function scrapedGauge<S, L extends string>(config: ScrapedMetricConfig<S, L>): Gauge<L> {
  const { values, read } = config;
  return new Gauge<L>({
    name: config.name,
    help: config.help,
    labelNames: config.labelNames,
    registers: [config.registry],
    collect(this: Gauge<L>) {
      this.reset();
      values(read(), (labels, value) => {
        if (Number.isFinite(value)) this.set(labels, value);
      });
    },
  });
}
