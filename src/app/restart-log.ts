/**
 * The restarts a run survived, for its summary: a market actor (a strategy, a bar builder) that
 * throws is restarted by its supervisor and the run goes on, and a result reached that way should
 * say so, with what was thrown and where. The log listens to the actor system's failures
 * (`ActorSystemOptions.onActorFailure`) and keeps, per actor, its last own error; the restart
 * counts are the actors' own counters, read at the end.
 */
import type { FailureListener } from '../runtime/failure.js';
import type { ActorSnapshot } from '../runtime/inspection.js';
import { errorMessage } from './actor-failure.js';
import { errorOrigin } from './error-origin.js';

/** An actor restarted during a run: how often, and its last own failure. */
export interface ActorRestarts {
  readonly actor: string;
  readonly restarts: number;
  /**
   * Its last failure's message and `file:line` (`errorOrigin`); null when it never failed itself
   * (a sibling's failure restarts it too under `one-for-all`).
   */
  readonly lastError: { readonly message: string; readonly where: string | null } | null;
}

/** Collects failures while a system runs; `restarts` reads them with the actors' counters. */
export interface RestartLog {
  /** Give to `createActorSystem({ onActorFailure })`. */
  readonly listener: FailureListener;
  /**
   * Every actor restarted, in the snapshots' order, counted by their own counters (as
   * `report.json`'s `restarts`). Without snapshots (a system that failed has none left), the
   * actors the log saw restarted, in the order they first failed, counted by the restarts decided
   * on their own failures.
   */
  restarts(actors?: readonly ActorSnapshot[]): ActorRestarts[];
}

/** A fresh log. Keeps one error and one count per actor, whatever the number of failures. */
export function createRestartLog(): RestartLog {
  const last = new Map<string, unknown>();
  const restarted = new Map<string, number>();
  const lastError = (path: string): ActorRestarts['lastError'] => {
    if (!last.has(path)) return null;
    const error = last.get(path);
    return { message: errorMessage(error), where: errorOrigin(error) ?? null };
  };
  return {
    listener: (path, error, directive) => {
      last.set(path, error);
      if (directive === 'restart') restarted.set(path, (restarted.get(path) ?? 0) + 1);
    },
    restarts(actors) {
      if (actors === undefined) return [...restarted].map(([actor, restarts]) => ({ actor, restarts, lastError: lastError(actor) }));
      return actors.filter((a) => a.counters.restarts > 0).map((a) => ({ actor: a.path, restarts: a.counters.restarts, lastError: lastError(a.path) }));
    },
  };
}

/** `pipeline/market/strategy 5 (last: twelfth bar at my-strategy.ts:12)`, one actor per item, `; `-joined. */
export function formatRestarts(restarts: readonly ActorRestarts[]): string {
  return restarts
    .map((r) => {
      const e = r.lastError;
      const last = e === null ? '' : ` (last: ${e.message}${e.where === null ? '' : ` at ${e.where}`})`;
      return `${r.actor} ${r.restarts}${last}`;
    })
    .join('; ');
}
