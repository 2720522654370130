/**
 * The daemon's projections: PostgreSQL (`persistence.store: postgres`) and Redis
 * (`persistence.redis`), each a `projectionActor` following the journal behind the store's own
 * cursor. They run in an actor system of their own, on the live clock, so the engine's graceful
 * stop (which stops every engine actor) comes first and the writers then drain what the engine
 * journaled last: engine stopped → journal flushed → writers drained (bounded) → writers stopped
 * → journal closed. A store that is down costs nothing but its lag: the journal on disk is the
 * spill, and the writer catches up from its cursor when the store returns.
 *
 * Status for `/readyz` and `/metrics` is asked of the writers every second and cached, so a probe
 * never waits on a store. Redis also gets the engine's actor health every second (best effort).
 */
import { projectionActor, type ProjectionMessage } from '../../actors/persistence/projection-actor.js';
import type { ProjectionSink, ProjectionSource } from '../../actors/persistence/projection-ports.js';
import type { ProjectionDrainReply, ProjectionStatus } from '../../actors/persistence/projection-status.js';
import type { Wal } from '../io/journal/wal.js';
import type { ReadinessCheck } from '../io/http/health-report.js';
import { createPostgresSink } from '../io/postgres/postgres-sink.js';
import { createRedisSink, type RedisSink } from '../io/redis/redis-sink.js';
import type { ActorRef } from '../runtime/actor.js';
import { createActorSystem, type ActorSystem } from '../runtime/actor-system.js';
import { LiveClock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { PersistenceConfig } from './daemon-config.js';

/** Where `DATABASE_URL` and `REDIS_URL` point when neither config nor environment says. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The running writers. */
export interface StoreWriters {
  /** Last known status of each writer (empty when no store is configured). */
  statuses(): readonly ProjectionStatus[];
  /** Redis notifications published and dropped (undefined without Redis). */
  notifications(): { readonly published: number; readonly stale: number; readonly failed: number } | undefined;
  /** Ready when every writer is up (a writer still opening or down is not). */
  checks(): ReadinessCheck[];
  /** Gives Redis the engine's actor health every second (no-op without Redis). */
  watchHealth(engine: ActorSystem): void;
  /** Drains each writer up to the journal's end (at most `deadlineMs`), then stops them. */
  stop(deadlineMs: number): Promise<readonly (ProjectionDrainReply & { readonly name: string })[]>;
}

interface Writer {
  readonly name: string;
  readonly ref: ActorRef<ProjectionMessage>;
  status: ProjectionStatus | undefined;
}

/** Starts a writer for each configured store, following `wal`. */
export function startStoreWriters(config: PersistenceConfig, wal: Wal, env: Readonly<Record<string, string | undefined>>, logger: Logger): StoreWriters {
  const sinks: ProjectionSink[] = [];
  let redis: RedisSink | undefined;
  if (config.store === 'postgres') {
    const pg = config.postgres;
    sinks.push(
      createPostgresSink({
        url: pg.url ?? env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL,
        schema: pg.schema,
        connectTimeoutMs: Math.max(1, Math.round(pg.connectTimeout / 1000)),
        statementTimeoutMs: Math.max(1, Math.round(pg.statementTimeout / 1000)),
      }),
    );
  }
  if (config.redis !== undefined) {
    const r = config.redis;
    redis = createRedisSink({
      url: r.url ?? env['REDIS_URL'] ?? DEFAULT_REDIS_URL,
      prefix: r.prefix,
      connectTimeoutMs: Math.max(1, Math.round(r.connectTimeout / 1000)),
      commandTimeoutMs: Math.max(1, Math.round(r.commandTimeout / 1000)),
      logger,
    });
    sinks.push(redis);
  }
  if (sinks.length === 0) return NO_WRITERS;
  const source: ProjectionSource = { get lastSeq() { return wal.lastSeq; }, reader: (after) => wal.reader(after) };
  const system = createActorSystem({ clock: new LiveClock(), logger });
  const writers: Writer[] = sinks.map((sink) => ({
    name: sink.name,
    ref: system.spawn(projectionActor, { name: `store-${sink.name}`, config: { source, sink }, mailbox: { capacity: 64, overflow: 'dropOldest' } }) as ActorRef<ProjectionMessage>,
    status: undefined,
  }));
  const refresh = () => {
    for (const w of writers) {
      w.ref.ask<ProjectionStatus>({ type: 'projection_status' }, { timeout: 1_000_000 }).then(
        (s) => void (w.status = s),
        () => undefined,
      );
    }
  };
  refresh();
  const poll = setInterval(refresh, 1000);
  poll.unref();
  let health: ReturnType<typeof setInterval> | undefined;
  return {
    statuses: () => writers.flatMap((w) => (w.status === undefined ? [] : [w.status])),
    notifications: () => {
      if (redis === undefined) return undefined;
      const stats = redis.stats();
      return { published: stats.published, stale: stats.notificationsDropped.stale, failed: stats.notificationsDropped.failed };
    },
    checks: () =>
      writers.map((w) => {
        const s = w.status;
        if (s === undefined) return { name: w.name, ok: false, detail: 'starting' };
        if (s.state === 'up') return { name: w.name, ok: true, detail: `up, ${s.lag} journal entries behind` };
        return { name: w.name, ok: false, detail: `${s.state}${s.lastError === undefined ? '' : `: ${s.lastError}`} (${s.lag} journal entries to catch up; nothing is lost)` };
      }),
    watchHealth(engine) {
      if (redis === undefined) return;
      const sink = redis;
      health = setInterval(() => {
        const rows = engine.inspect().map((a) => ({ path: a.path, status: a.status, processed: a.counters.processed, failed: a.counters.failed, restarts: a.counters.restarts, mailboxDepth: a.mailboxDepth }));
        void sink.writeHealth(rows);
      }, 1000);
      health.unref();
    },
    async stop(deadlineMs) {
      clearInterval(poll);
      if (health !== undefined) clearInterval(health);
      wal.flush();
      const deadlineUs = system.clock.now() + deadlineMs * 1000;
      const replies = await Promise.all(
        writers.map((w) =>
          w.ref
            .ask<ProjectionDrainReply>({ type: 'projection_drain', deadlineUs }, { timeout: deadlineMs * 1000 + 500_000 })
            .catch(() => ({ caughtUp: false, cursor: w.status?.cursor ?? 0 }))
            .then((reply) => ({ ...reply, name: w.name })),
        ),
      );
      await system.stop();
      return replies;
    },
  };
}

const NO_WRITERS: StoreWriters = {
  statuses: () => [],
  notifications: () => undefined,
  checks: () => [],
  watchHealth: () => undefined,
  stop: async () => [],
};
