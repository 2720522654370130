/**
 * Actor health as latest state in Redis: the daemon writes its actors' rows every second, so a
 * process without access to the daemon (a dashboard, an operator's `redis-cli`) sees what each
 * actor is doing. `health` (a hash: actor path → row JSON) is replaced whole each time, so an actor
 * that stopped existing disappears; `health:ts` holds when it was written and expires after a few
 * intervals, so a dead daemon's health is visibly stale (the hash stays, for the post-mortem).
 *
 * Both go in one MULTI, so a reader never sees the hash half replaced.
 */
import type { ChainableCommander } from 'ioredis';
import type { RedisKeys } from './redis-keys.js';

/** One actor's health, as the daemon reports it. */
export interface ActorHealthRow {
  /** The actor's path (`/root/feeds/binance`). */
  readonly path: string;
  /** `running`, `restarting`, `stopped`, ... (`ActorStatus`). */
  readonly status: string;
  readonly processed: number;
  readonly failed: number;
  readonly restarts: number;
  readonly mailboxDepth: number;
}

/** Default expiry of `health:ts`: three times the daemon's one-second interval. */
export const DEFAULT_HEALTH_TTL_MS = 3000;

/**
 * Queues onto `tx` (a MULTI) the replacement of `health` by `rows` and `health:ts` set to `nowUs`
 * with an expiry of `ttlMs`.
 */
export function queueHealthWrite(tx: ChainableCommander, keys: RedisKeys, rows: readonly ActorHealthRow[], nowUs: number, ttlMs: number): void {
  tx.del(keys.health);
  if (rows.length > 0) {
    const fields: string[] = [];
    for (const r of rows) {
      fields.push(r.path, JSON.stringify({ status: r.status, processed: r.processed, failed: r.failed, restarts: r.restarts, mailboxDepth: r.mailboxDepth }));
    }
    tx.hset(keys.health, ...fields);
  }
  tx.set(keys.healthTs, String(nowUs), 'PX', ttlMs);
}
