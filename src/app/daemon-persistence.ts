/**
 * The daemon's persistence, opened before it trades (DESIGN.md, Persistence; README, Persistence):
 *
 * ```
 * <dir>/journal/   the write-ahead log (src/io/journal/wal.ts): the recovery truth
 *    ▲ execution: every order version and fill, before it is acted on (sync write)
 *    ▲ risk: every trading-state change, before it is published (sync write)
 *    ▲ operator commands (audit), the daemon's starts (sync write)
 *    ▲ journal recorder actor: trades, bars, signals (buffered, off the trading path)
 *    └──► projections (PostgreSQL, Redis) follow it behind their own cursors (`store-writers.ts`)
 * ```
 *
 * Start: open the log (its torn tail cut, a live writer's lock refused), rebuild what to restore
 * (`recoverTrading`), and hand it to the trading actors, which rebuild their books from it before
 * the feed connects. Stop (`close`): the log is flushed and synced after the engine has stopped.
 */
import { resolve } from 'node:path';
import { journalRecorder } from '../../actors/persistence/journal-recorder.js';
import { openWal, type Wal } from '../io/journal/wal.js';
import { recoverTrading } from '../io/journal/wal-recovery.js';
import type { ReadinessCheck } from '../io/http/health-report.js';
import type { RecoveredTrading } from '../model/trading-recovery.js';
import type { ActorSystem } from '../runtime/actor-system.js';
import type { PersistenceConfig } from './daemon-config.js';
import { createTradingJournal, type TradingJournal } from './trading-journal.js';
import type { PipelineSpec } from './trading-pipeline.js';
import { startStoreWriters, type StoreWriters } from './store-writers.js';
import type { Logger } from '../runtime/logger.js';

/** The recorder's mailbox: market data may fall this far behind before the oldest is dropped (counted). */
const RECORDER_CAPACITY = 65_536;

/** Open persistence of a running daemon. */
export interface DaemonPersistence {
  /** The journal's folder (absolute). */
  readonly journalDir: string;
  readonly wal: Wal;
  readonly journal: TradingJournal;
  readonly recovered: RecoveredTrading;
  /** The trading pipeline's part (`PipelineSpec.persistence`). */
  readonly pipeline: NonNullable<PipelineSpec['persistence']>;
  /** Spawns the writers (the journal recorder) into the engine's system, before the feed starts. */
  spawnWriters(system: ActorSystem): void;
  /** The projections (PostgreSQL, Redis) following the journal. */
  readonly writers: StoreWriters;
  /** After `close`: the stores that did not drain the journal's end (`name (n entries)`). */
  behind(): readonly string[];
  /** Readiness: the journal is open, and every configured store is up. */
  checks(): ReadinessCheck[];
  /**
   * Drains the projections (at most `deadlineMs`) and stops them, then flushes, syncs and closes
   * the journal; idempotent. Call after the engine has stopped, so the journal is complete.
   */
  close(deadlineMs: number): Promise<void>;
}

/** Opens the journal in `config.dir` and recovers from it. Throws what the journal throws (a lock held, an untrustworthy log). */
export function openDaemonPersistence(config: PersistenceConfig, env: Readonly<Record<string, string | undefined>>, logger: Logger): DaemonPersistence {
  const journalDir = resolve(config.dir, 'journal');
  const wal = openWal({ dir: journalDir, fsync: config.fsync });
  let recovered: RecoveredTrading;
  try {
    recovered = recoverTrading(journalDir);
  } catch (error) {
    wal.close();
    throw error;
  }
  const journal = createTradingJournal(wal, recovered);
  // The boundary between runs, before any actor of this one can journal (a restart's reconcile
  // entries come after it): what this start restored.
  journal.start({ restoredOrders: recovered.openOrders.length, restoredFills: recovered.fills.length, tradingState: recovered.tradingState?.state ?? 'ACTIVE' }, Date.now() * 1000);
  const writers = startStoreWriters(config, wal, env, logger);
  let closing: Promise<void> | undefined;
  let behind: string[] = [];
  return {
    journalDir,
    wal,
    journal,
    recovered,
    pipeline: { execution: journal.execution, risk: journal.risk, recovered },
    writers,
    behind: () => behind,
    spawnWriters(system) {
      system.spawn(journalRecorder, { config: { port: journal }, mailbox: { capacity: RECORDER_CAPACITY, overflow: 'dropOldest' } });
      writers.watchHealth(system);
    },
    checks: () => [{ name: 'journal', ok: true, detail: `${journalDir} at seq ${wal.lastSeq}` }, ...writers.checks()],
    close: (deadlineMs) =>
      (closing ??= (async () => {
        try {
          for (const d of await writers.stop(deadlineMs)) {
            if (d.caughtUp) continue;
            behind.push(`${d.name} (${wal.lastSeq - d.cursor} entries)`);
            logger.warn({ store: d.name, cursor: d.cursor, journalSeq: wal.lastSeq }, 'store not caught up at stop: it catches up from its cursor at the next start');
          }
        } finally {
          wal.close();
        }
      })()),
  };
}
