/**
 * Restarts, with OTP semantics (see `supervision.ts` for the policy). A restart decision covers
 * the failed child and the siblings its strategy names; together they form one `RestartPlan`:
 *
 * - each member's failed incarnation is cleaned up once (`beforeRestart`, else `onStop`; an async
 *   cleanup is awaited up to the member's shutdown deadline), its children are terminated and its
 *   timers revoked; its `ctx` subscriptions stay until the new incarnation starts, so what they
 *   deliver meanwhile is stashed like a direct send;
 * - the plan starts when its backoff delay has passed and every cleanup has settled, each member
 *   once, in start order;
 * - a newer decision that covers a member of a pending plan takes it over: the older plan's timer
 *   no longer starts it (and is cancelled once the plan is empty), so nobody starts twice and a
 *   member still waiting is not cleaned up twice;
 * - intensity and backoff count once per decision: failures of children that a group restart
 *   already took down are ignored (as OTP flushes their exits; see `failure.ts`).
 */
import type { ActorCell } from './actor-cell.js';
import { RESTARTING, STOPPING, FAILED } from './actor-status.js';
import { revokeTimers } from './actor-clock.js';
import { backoffDelay } from './backoff.js';
import { TickflowError } from './errors.js';
import { removeChild, runHook, terminateNow, type StopHost } from './stop.js';
import { affectedChildren, withinIntensity } from './supervision.js';
import type { TimerEntry } from './timer-queue.js';

/** A group restart waiting for its backoff and its members' cleanups. */
class RestartPlan {
  members: ActorCell[] = [];
  elapsed = false;
  timer: TimerEntry | undefined = undefined;

  constructor(
    private readonly host: StopHost,
    private readonly parent: ActorCell,
  ) {}

  remove(cell: ActorCell): void {
    const i = this.members.indexOf(cell);
    if (i >= 0) this.members.splice(i, 1);
    if (this.members.length === 0 && this.timer !== undefined) this.timer.live = false;
  }

  /** Starts every member, in start order, once the delay passed and all cleanups settled. */
  tryStart(): void {
    if (!this.elapsed || this.members.some((c) => c.cleanupPending)) return;
    const members = this.members;
    this.members = [];
    for (const c of this.parent.children) {
      if (!members.includes(c)) continue;
      c.plan = undefined;
      restartNow(c);
    }
  }
}

/** Restarts `cell` (and the siblings the strategy names) after a failure or a permanent child's exit. */
export function restart(host: StopHost, parent: ActorCell, cell: ActorCell, error: unknown): void {
  if (cell.restartType === 'temporary') {
    terminateNow(host, cell);
    removeChild(parent, cell);
    return;
  }
  const now = host.clock.now();
  if (!withinIntensity(parent.restartLog, now, parent.policy)) {
    giveUp(host, parent, error, cell.path);
    return;
  }
  const backoff = parent.policy.backoff;
  if (backoff.resetAfterUs > 0 && now - cell.startedAt >= backoff.resetAfterUs) cell.attempt = 0;
  const delay = backoffDelay(backoff, cell.attempt, parent.random);
  cell.attempt++;

  const index = parent.children.indexOf(cell);
  const affected = index < 0 ? [cell] : affectedChildren(parent.children, index, parent.policy.strategy);
  const plan = new RestartPlan(host, parent);
  // Take the old incarnations down in reverse start order.
  for (let i = affected.length - 1; i >= 0; i--) {
    const c = affected[i]!;
    if (c !== cell && c.st === STOPPING) continue; // being stopped on purpose: let it finish
    if (c !== cell && c.restartType === 'temporary') {
      terminateNow(host, c);
      removeChild(parent, c);
      continue;
    }
    if (c.plan !== undefined) c.plan.remove(c);
    else if (c.st !== RESTARTING) prepareRestart(host, c, c === cell ? error : new TickflowError('ACTOR_FAILED', `sibling ${cell.path} failed`, { actor: cell.path }));
    c.plan = plan;
    plan.members.push(c);
  }
  if (delay <= 0) plan.elapsed = true;
  else {
    plan.timer = host.timers.add(now + delay, () => {
      plan.elapsed = true;
      plan.tryStart();
    });
    host.timersChanged();
  }
  plan.tryStart();
}

/** Ends the failed incarnation of `cell`: children, timers, pending asks, then its cleanup hook. */
function prepareRestart(host: StopHost, cell: ActorCell, error: unknown): void {
  cell.st = RESTARTING;
  cell.yielded = true;
  revokeTimers(cell.timerEntries);
  for (let i = cell.children.length - 1; i >= 0; i--) terminateNow(host, cell.children[i]!);
  cell.children = [];
  cell.restartLog.length = 0;
  cell.heldFailures = [];
  cell.failPendingAsks('restarted');
  if (!cell.hasState) return;
  const pending = runHook(host, cell, true, error);
  if (pending === undefined) return;
  // Time holds (like `ctx.pipe`) until the cleanup settles or its deadline passes.
  cell.cleanupPending = true;
  host.pipeStarted();
  let open = true;
  const settle = (): void => {
    if (!open) return;
    open = false;
    cell.cleanupPending = false;
    host.pipeEnded();
    cell.plan?.tryStart();
    host.kick();
  };
  pending.then(settle, (hookError: unknown) => {
    host.log.error({ actor: cell.path, err: hookError }, 'restart cleanup failed');
    settle();
  });
  host.timers.add(host.clock.now() + cell.shutdownUs, () => {
    if (open) host.log.warn({ actor: cell.path, shutdownUs: cell.shutdownUs }, 'restart cleanup deadline passed; restarting');
    settle();
  });
  host.timersChanged();
}

/** Starts the next incarnation: the old one's own subscriptions hand over to the new one's. */
function restartNow(cell: ActorCell): void {
  if (cell.st !== RESTARTING) return; // stopped while waiting
  cell.counters.restarts++;
  cell.clearEffects(false);
  cell.start();
}

/**
 * The supervisor exceeded its intensity: stop its children and fail it, so its parent decides.
 * The error names the child whose failure was one too many (`context.child`).
 */
export function giveUp(host: StopHost, supervisor: ActorCell, error: unknown, child: string): void {
  const { maxRestarts, withinUs } = supervisor.policy;
  host.log.error({ actor: supervisor.path, maxRestarts, withinUs, err: error }, 'supervisor gave up');
  for (let i = supervisor.children.length - 1; i >= 0; i--) terminateNow(host, supervisor.children[i]!);
  supervisor.children = [];
  if (supervisor.st === FAILED) return;
  host.reportFailure(
    supervisor,
    new TickflowError(
      'SUPERVISOR_GAVE_UP',
      `${supervisor.path || 'root'} exceeded ${maxRestarts} restarts in ${withinUs} µs (last failure: ${child})`,
      { actor: supervisor.path, child, maxRestarts, withinUs },
      { cause: error },
    ),
  );
}
