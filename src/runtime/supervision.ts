/**
 * Supervision policy as data, with OTP semantics (DESIGN.md, Runtime contract):
 *
 * - `strategy`: on a child's failure, `one-for-one` restarts that child, `one-for-all` every
 *   child, `rest-for-one` that child and the children started after it.
 * - `decide(error, child)` picks the directive: `restart`, `resume` (keep state; the message that
 *   threw is counted as failed), `stop`, or `escalate` (the supervisor itself fails).
 * - intensity: at most `maxRestarts` restarts within `withinUs`; one more and the supervisor gives
 *   up: it stops all its children and fails, so its own parent decides. When the root gives up,
 *   the system stops with that reason.
 * - `backoff` between restarts and `stashCapacity`, the bound on messages held while a child waits
 *   to restart (the excess go to dead letters).
 *
 * Child restart types decide what happens when a child ends: `permanent` children are always
 * restarted, `transient` ones only after a failure, `temporary` ones never (not even when a
 * sibling's failure stopped them).
 */
import { noBackoff, type BackoffPolicy } from './backoff.js';

/** How a failure among children is handled. */
export type SupervisionStrategy = 'one-for-one' | 'one-for-all' | 'rest-for-one';

/** What a supervisor does with a failed child. */
export type Directive = 'restart' | 'resume' | 'stop' | 'escalate';

/** When an ended child is started again. */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** A supervisor's policy for its children. Times in microseconds. */
export interface SupervisionPolicy {
  readonly strategy: SupervisionStrategy;
  readonly maxRestarts: number;
  readonly withinUs: number;
  readonly backoff: BackoffPolicy;
  readonly stashCapacity: number;
  readonly decide: (error: unknown, child: string) => Directive;
}

/** One-for-one, restart on any error, at most 3 restarts in 5 s, no backoff, stash of 1,000. */
export const defaultSupervision: SupervisionPolicy = {
  strategy: 'one-for-one',
  maxRestarts: 3,
  withinUs: 5_000_000,
  backoff: noBackoff,
  stashCapacity: 1000,
  decide: () => 'restart',
};

/** Fills a partial policy from the defaults. */
export function supervisionPolicy(partial: Partial<SupervisionPolicy> | undefined): SupervisionPolicy {
  return partial === undefined ? defaultSupervision : { ...defaultSupervision, ...partial };
}

/**
 * Records a restart at `now` in the sliding window `log` (timestamps, pruned in place) and says
 * whether it stays within the intensity.
 */
export function withinIntensity(log: number[], now: number, policy: SupervisionPolicy): boolean {
  log.push(now);
  const horizon = now - policy.withinUs;
  let drop = 0;
  while (drop < log.length && log[drop]! <= horizon) drop++;
  if (drop > 0) log.splice(0, drop);
  return log.length <= policy.maxRestarts;
}

/** The children a failure of `children[failed]` affects under `strategy`, in start order. */
export function affectedChildren<T>(children: readonly T[], failed: number, strategy: SupervisionStrategy): T[] {
  switch (strategy) {
    case 'one-for-one':
      return [children[failed]!];
    case 'one-for-all':
      return children.slice();
    case 'rest-for-one':
      return children.slice(failed);
  }
}
