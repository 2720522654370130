/**
 * The engine's metrics ports, and their reading once per scrape. Every metric family is filled in
 * its own `collect()`; prom-client calls them one after another in the same synchronous pass, so
 * the first call reads the ports and the rest share that reading until the pass ends (the next
 * microtask). Each port is then called once per scrape, and all families show the same instant.
 *
 * A port that throws costs only its own families: they are empty for that scrape, the failure is
 * counted (`tickflow_metrics_port_errors_total{port}`) and passed to `onError`, and the process
 * metrics and the other ports are still served. A bug in a view builder must not blind the
 * operator to everything else.
 */
import type { ActorSnapshot } from '../../runtime/inspection.js';
import type { FeedMetricsView } from './feed-metrics-view.js';
import type { StoreMetricsView } from './store-metrics.js';
import type { TradingMetricsView } from './trading-metrics-view.js';

/** Where the exporter reads the engine. Each is called at scrape time only, at most once a scrape. */
export interface EnginePorts {
  /** Every actor's snapshot (the actor system's inspection). */
  readonly actors: () => readonly ActorSnapshot[];
  /** Every live feed; absent in a process without live feeds. */
  readonly feeds?: () => readonly FeedMetricsView[];
  /** The trading side; absent, or `undefined` while not trading, for no trading series. */
  readonly trading?: () => TradingMetricsView | undefined;
  /** The journal and the stores that follow it; absent in a process that keeps none. */
  readonly stores?: () => StoreMetricsView;
}

/** The name of a port, as the `port` label of the error counter. */
export type EnginePortName = 'actors' | 'feeds' | 'trading' | 'stores';

/** One scrape's reading of every port. */
export interface EngineScrape {
  readonly actors: readonly ActorSnapshot[];
  readonly feeds: readonly FeedMetricsView[];
  readonly trading: TradingMetricsView | undefined;
  readonly stores: StoreMetricsView | undefined;
}

/** Reads the ports at most once per synchronous collection pass. */
export class ScrapeReader {
  private readonly ports: EnginePorts;
  private readonly onError: (port: EnginePortName, error: unknown) => void;
  private current: EngineScrape | null;

  constructor(ports: EnginePorts, onError: (port: EnginePortName, error: unknown) => void) {
    this.ports = ports;
    this.onError = onError;
    this.current = null;
  }

  /** This pass's reading, taking it on the first call of the pass. */
  read(): EngineScrape {
    if (this.current !== null) return this.current;
    const { actors, feeds, trading, stores } = this.ports;
    const scrape: EngineScrape = {
      actors: this.port('actors', actors, []),
      feeds: feeds === undefined ? [] : this.port('feeds', feeds, []),
      trading: trading === undefined ? undefined : this.port('trading', trading, undefined),
      stores: stores === undefined ? undefined : this.port('stores', stores, undefined),
    };
    this.current = scrape;
    queueMicrotask(() => {
      this.current = null;
    });
    return scrape;
  }

  private port<T>(name: EnginePortName, read: () => T, fallback: T): T {
    try {
      return read();
    } catch (error) {
      this.onError(name, error);
      return fallback;
    }
  }
}
