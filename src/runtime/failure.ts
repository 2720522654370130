/**
 * What happens after a failure. Failures are queued by the kernel and handled here between
 * dispatcher turns, never inside another actor's `receive`, so a restart never races the actor it
 * replaces.
 *
 * A failure is handled only while it is current: the cell is still `failed` in the incarnation
 * that failed. A failure of a child that its supervisor has meanwhile stopped or taken down in a
 * group restart is ignored (OTP flushes such exits), so each decision counts once for intensity
 * and backoff. A failure reported while the supervisor is itself failed (after an escalation) is
 * held, and replayed if the supervisor resumes.
 *
 * Directives: `restart` (see `restart.ts`); `resume` keeps the state, and resumes the whole
 * subtree below (Akka), so a child that escalated does not stay failed; `stop`; `escalate` fails
 * the supervisor with `ESCALATED`, for its own parent to decide. When the root fails the system
 * terminates.
 */
import type { ActorCell } from './actor-cell.js';
import { FAILED, RUNNING, STOPPING } from './actor-status.js';
import { TickflowError } from './errors.js';
import { restart } from './restart.js';
import { removeChild, terminateNow, type StopHost } from './stop.js';
import type { Directive } from './supervision.js';

/** A queued failure. */
export interface Failure {
  readonly cell: ActorCell;
  readonly error: unknown;
  readonly incarnation: number;
}

/**
 * Told each actor failure its supervisor decides: the failed actor's path, its error and the
 * directive applied (`resume` on an actor without state counts as the `restart` it becomes).
 */
export type FailureListener = (path: string, error: unknown, directive: Directive) => void;

/** What failure handling needs from the system. */
export interface FailureHost extends StopHost {
  /** See `ActorSystemOptions.onActorFailure`; undefined costs one test per failure. */
  readonly failureListener: FailureListener | undefined;
  terminate(error: unknown): void;
  requeueFailure(failure: Failure): void;
}

/** Applies the supervisor's decision to a failed cell. */
export function handleFailure(host: FailureHost, failure: Failure): void {
  const { cell, error } = failure;
  if (cell.st !== FAILED || cell.incarnation !== failure.incarnation) return;
  const parent = cell.parent;
  if (parent === undefined) {
    host.terminate(error);
    return;
  }
  if (parent.st === FAILED) {
    parent.heldFailures.push(failure);
    return;
  }
  if (parent.st === STOPPING) {
    terminateNow(host, cell);
    return;
  }
  if (parent.st !== RUNNING) return; // the parent's own restart or stop takes the subtree down
  let directive: Directive;
  try {
    directive = parent.policy.decide(error, cell.name);
  } catch (decideError) {
    host.log.error({ actor: parent.path, err: decideError }, 'decide threw; escalating');
    directive = 'escalate';
  }
  host.log.warn({ actor: cell.path, directive, err: error }, 'actor failed');
  if (directive === 'resume' && !cell.hasState) directive = 'restart';
  if (host.failureListener !== undefined) tell(host, host.failureListener, cell.path, error, directive);
  switch (directive) {
    case 'resume':
      resumeSubtree(host, cell);
      return;
    case 'stop':
      terminateNow(host, cell);
      removeChild(parent, cell);
      return;
    case 'escalate':
      host.reportFailure(parent, new TickflowError('ESCALATED', `${cell.path} failed and escalated to ${parent.path || 'root'}`, { actor: cell.path }, { cause: error }));
      return;
    case 'restart':
      restart(host, parent, cell, error);
      return;
  }
}

/** Tells the listener; a listener that throws is logged and otherwise ignored (it observes, never decides). */
function tell(host: FailureHost, listener: FailureListener, path: string, error: unknown, directive: Directive): void {
  try {
    listener(path, error, directive);
  } catch (listenerError) {
    host.log.error({ actor: path, err: listenerError }, 'the actor failure listener threw');
  }
}

/** Resumes `cell` and every failed descendant; failures held meanwhile are decided now. */
function resumeSubtree(host: FailureHost, cell: ActorCell): void {
  cell.st = RUNNING;
  if (cell.stash.length > 0) cell.unstash();
  if (cell.mailbox.live > 0 && !cell.scheduled) host.schedule(cell);
  const held = cell.heldFailures;
  cell.heldFailures = [];
  for (const child of cell.children.slice()) {
    if (child.st !== FAILED || held.some((f) => f.cell === child)) continue;
    if (child.hasState) resumeSubtree(host, child);
    else restart(host, cell, child, new TickflowError('ACTOR_FAILED', `${child.path} has no state to resume`, { actor: child.path }));
  }
  for (const failure of held) host.requeueFailure(failure);
}

