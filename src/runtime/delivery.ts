/**
 * The fate of every message that reaches an actor, decided at once by its status (the slow path of
 * `ActorCell.tell`):
 * - running: queued under the mailbox policy (dropped, conflated or evicted ones are counted);
 *   a full `fail` mailbox fails the actor once, and the message that overflowed counts as failed;
 * - failed: queued under the policy, except that what a full `fail` mailbox refuses is stashed, so
 *   a burst is one failure and one decision;
 * - restarting: stashed up to the supervisor's `stashCapacity`, the rest dead-lettered;
 * - stopping: queued for the drain, until `onStop` has begun; after that, and once stopped,
 *   dead-lettered.
 *
 * Every item ends in exactly one counter (or stays queued or stashed); an asked message that does
 * not reach `receive` fails its ask at once with the code its fate implies.
 */
import type { ActorCell } from './actor-cell.js';
import { BATCHING, FAILED, RESTARTING, RUNNING, STARTING, STOPPED, STOPPING } from './actor-status.js';
import type { DeadLetterReason } from './dead-letters.js';
import { Envelope, payloadOf } from './envelope.js';
import { TickflowError, type TickflowErrorCode } from './errors.js';
import { CONFLATED, DROPPED_NEW, DROPPED_OLD, OVERFLOW } from './mailbox.js';

/** Delivers any item (a message or an `Envelope`) to `cell` under the rules above. */
export function deliver(cell: ActorCell, item: unknown): void {
  const st = cell.st;
  if (st === BATCHING) {
    cell.deferred.push(item);
    return;
  }
  if (item instanceof Envelope) cell.envelopes++;
  if (st === STOPPED || cell.finishing) return deadLetter(cell, item, 'stopped');
  if (st === RESTARTING) return stashItem(cell, item);
  const mailbox = cell.mailbox;
  let outcome;
  if (cell.keyOf !== null) {
    let key: unknown;
    try {
      key = cell.keyOf(payloadOf(item));
    } catch (error) {
      // The key function is this actor's code: its throw is this actor's failure, and the
      // publish that brought the message still reaches every other subscriber.
      refuse(cell, item, error);
      return;
    }
    outcome = mailbox.pushKeyed(item, key);
  } else {
    outcome = mailbox.push(item);
  }
  if (outcome === OVERFLOW) {
    if (st === FAILED) return stashItem(cell, item);
    if (st === STOPPING) return deadLetter(cell, item, 'unprocessed');
    const error = new TickflowError('MAILBOX_OVERFLOW', `mailbox of ${cell.path} is full (capacity ${mailbox.capacity}, policy fail)`, { actor: cell.path, capacity: mailbox.capacity });
    return refuse(cell, item, error);
  }
  if (outcome === DROPPED_NEW) discard(cell, item, 'dropped');
  else if (outcome === DROPPED_OLD) discard(cell, mailbox.evicted, 'dropped');
  else if (outcome === CONFLATED) discard(cell, mailbox.evicted, 'conflated');
  mailbox.evicted = undefined;
  if (st === RUNNING) cell.fastLimit = cell.fastLimitOf();
  if (cell.backpressured) cell.updatePressure();
  if (!cell.scheduled && (st === RUNNING || st === STOPPING)) cell.kernel.schedule(cell);
}

/** Counts a message the policy dropped or conflated away; its ask fails with `ASK_DROPPED`. */
function discard(cell: ActorCell, item: unknown, kind: 'dropped' | 'conflated'): void {
  cell.counters[kind]++;
  release(cell, item, 'ASK_DROPPED', `its message was ${kind} by the mailbox policy`, undefined);
}

/** A message refused because of this actor's own fault: counted as failed; a running actor fails. */
export function refuse(cell: ActorCell, item: unknown, error: unknown): void {
  cell.counters.failed++;
  release(cell, item, 'ACTOR_FAILED', 'the actor failed on it', error);
  if (cell.st === RUNNING || cell.st === STARTING) cell.kernel.reportFailure(cell, error);
}

/** Holds an item while the actor has no live incarnation (or its `fail` mailbox refuses while failed). */
function stashItem(cell: ActorCell, item: unknown): void {
  const bound = cell.parent === undefined ? Infinity : cell.parent.policy.stashCapacity;
  if (cell.stash.length >= bound) return deadLetter(cell, item, 'stash-overflow');
  cell.stash.push(item);
  if (cell.backpressured) cell.updatePressure();
}

/** Dead-letters an item: counted here and in the system; its ask fails at once. */
export function deadLetter(cell: ActorCell, item: unknown, reason: DeadLetterReason): void {
  cell.counters.deadLettered++;
  const code = reason === 'stash-overflow' ? 'ASK_DROPPED' : !cell.kernel.isAccepting ? 'SYSTEM_STOPPED' : 'ASK_TARGET_STOPPED';
  release(cell, item, code, `message dead-lettered (${reason})`, undefined);
  cell.kernel.deadLetters.record(cell.path, payloadOf(item), reason);
}

/**
 * An item leaves `cell` without being processed: an envelope stops being counted, and the ask it
 * carries fails at once with `code` (the error is built only when there is an ask).
 */
function release(cell: ActorCell, item: unknown, code: TickflowErrorCode, why: string, cause: unknown): void {
  if (!(item instanceof Envelope)) return;
  cell.envelopes--;
  item.asker?.fail(new TickflowError(code, `ask to ${cell.path}: ${why}`, { actor: cell.path }, cause === undefined ? undefined : { cause }));
}
