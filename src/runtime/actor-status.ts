/**
 * The lifecycle of an actor: a small closed set, held by a cell as a small integer (compared on
 * every send) and shown by inspection as a name.
 *
 * - `starting`: `init` and `onStart` are running.
 * - `running`: processing messages.
 * - `failed`: between a failure and its supervisor's decision (or its own supervisor's fate,
 *   after an escalation). Messages queue; none is processed.
 * - `restarting`: the failed incarnation is gone (its cleanup may still be running) and the next
 *   waits for its backoff. There is no state: messages are stashed, up to a bound.
 * - `stopping`: children stop, the mailbox drains (unless the actor stopped itself), `onStop` runs.
 * - `stopped`: for good. Messages become dead letters.
 */

/** An actor's lifecycle state, by name. */
export type ActorStatus = 'starting' | 'running' | 'failed' | 'restarting' | 'stopping' | 'stopped';

export const STARTING = 0;
export const RUNNING = 1;
export const FAILED = 2;
export const RESTARTING = 3;
export const STOPPING = 4;
export const STOPPED = 5;
/** Running, inside a `receiveBatch` call: deliveries to self wait until the batch ends. */
export const BATCHING = 6;

const names: readonly ActorStatus[] = ['starting', 'running', 'failed', 'restarting', 'stopping', 'stopped', 'running'];

/** The name of a status code. */
export function statusName(code: number): ActorStatus {
  return names[code]!;
}
