/**
 * Supervision procedures: what happens after a failure, on a restart, and on stops. They run
 * between dispatcher turns (failures are queued by the kernel, never handled inside another
 * actor's `receive`), so a restart never races the actor it replaces.
 *
 * Stops come in two strengths:
 * - graceful (`beginStop`): children first, in reverse start order, each with its own deadline;
 *   then the cell drains its mailbox (a self-stop skips the drain: the rest is dead-lettered), runs
 *   `onStop` and awaits a returned promise. Past `shutdownUs` it is forced.
 * - immediate (`terminateNow`): for restarts and a supervisor that gives up; the subtree stops at
 *   once and queued messages become dead letters.
 */
import type { ActorCell, Kernel, StopKind } from './actor-cell.js';
import { backoffDelay } from './backoff.js';
import { TickflowError } from './errors.js';
import { affectedChildren, withinIntensity, type Directive } from './supervision.js';

/** What supervision needs from the system beyond a cell's kernel. */
export interface SupervisorHost extends Kernel {
  unregister(cell: ActorCell): void;
  terminate(error: unknown): void;
  /** In simulated mode, runs the dispatcher after an asynchronous completion. */
  kick(): void;
}

/** Applies the parent's decision to a failed cell. */
export function handleFailure(host: SupervisorHost, cell: ActorCell, error: unknown): void {
  if (cell.status === 'stopped') return;
  const parent = cell.parent;
  if (parent === undefined) {
    host.terminate(error);
    return;
  }
  if (parent.status === 'stopped') return;
  if (cell.status === 'stopping') {
    // Failing while shutting down: count it (done by the cell) and keep draining.
    host.log.error({ actor: cell.path, err: error }, 'actor failed while stopping');
    host.schedule(cell);
    return;
  }
  let directive: Directive;
  try {
    directive = parent.policy.decide(error, cell.name);
  } catch (decideError) {
    host.log.error({ actor: parent.path, err: decideError }, 'decide threw; escalating');
    directive = 'escalate';
  }
  host.log.warn({ actor: cell.path, directive, err: error }, 'actor failed');
  if (directive === 'resume' && cell.startFailed) directive = 'restart';
  switch (directive) {
    case 'resume':
      cell.status = 'running';
      if (cell.mailbox.size > 0) host.schedule(cell);
      return;
    case 'stop':
      terminateNow(host, cell);
      removeChild(parent, cell);
      return;
    case 'escalate':
      parent.status = 'failed';
      host.reportFailure(parent, new TickflowError('ESCALATED', `${cell.path} failed and escalated to ${parent.path}`, { actor: cell.path }, { cause: error }));
      return;
    case 'restart':
      restart(host, parent, cell, error);
      return;
  }
}

/** Restarts `cell` (and the siblings the strategy names) after a failure or a permanent child's exit. */
function restart(host: SupervisorHost, parent: ActorCell, cell: ActorCell, error: unknown): void {
  if (cell.restartType === 'temporary') {
    terminateNow(host, cell);
    removeChild(parent, cell);
    return;
  }
  const now = host.clock.now();
  if (!withinIntensity(parent.restartLog, now, parent.policy)) {
    giveUp(host, parent, error);
    return;
  }
  const backoff = parent.policy.backoff;
  if (backoff.resetAfterUs > 0 && now - cell.startedAt >= backoff.resetAfterUs) cell.attempt = 0;
  const delay = backoffDelay(backoff, cell.attempt, parent.random);
  cell.attempt++;

  const index = parent.children.indexOf(cell);
  const affected = index < 0 ? [cell] : affectedChildren(parent.children, index, parent.policy.strategy);
  const restarting: ActorCell[] = [];
  for (let i = affected.length - 1; i >= 0; i--) {
    const c = affected[i]!;
    if (c !== cell && c.restartType === 'temporary') {
      terminateNow(host, c);
      removeChild(parent, c);
      continue;
    }
    prepareRestart(host, c, c === cell ? error : new TickflowError('ACTOR_FAILED', `sibling ${cell.path} failed`, { actor: cell.path }));
    restarting.unshift(c);
  }
  const restartAll = (): void => {
    for (const c of restarting) restartNow(c);
  };
  if (delay <= 0) restartAll();
  else {
    host.timers.add(now + delay, restartAll);
    host.timersChanged();
  }
}

function prepareRestart(host: SupervisorHost, cell: ActorCell, error: unknown): void {
  cell.status = 'restarting';
  cell.clearEffects();
  for (let i = cell.children.length - 1; i >= 0; i--) terminateNow(host, cell.children[i]!);
  cell.children = [];
  cell.restartLog.length = 0;
  if (cell.definition.beforeRestart !== undefined && !cell.startFailed) {
    try {
      cell.definition.beforeRestart(cell.state, error, cell.ctx);
    } catch (hookError) {
      host.log.error({ actor: cell.path, err: hookError }, 'beforeRestart threw');
    }
  }
  cell.state = undefined;
}

function restartNow(cell: ActorCell): void {
  if (cell.status !== 'restarting') return; // stopped while waiting
  cell.counters.restarts++;
  if (cell.start()) cell.unstash();
}

/** The supervisor exceeded its intensity: stop its children and fail it, so its parent decides. */
function giveUp(host: SupervisorHost, supervisor: ActorCell, error: unknown): void {
  const { maxRestarts, withinUs } = supervisor.policy;
  host.log.error({ actor: supervisor.path, maxRestarts, withinUs, err: error }, 'supervisor gave up');
  for (let i = supervisor.children.length - 1; i >= 0; i--) terminateNow(host, supervisor.children[i]!);
  supervisor.children = [];
  supervisor.status = 'failed';
  host.reportFailure(
    supervisor,
    new TickflowError(
      'SUPERVISOR_GAVE_UP',
      `${supervisor.path || 'root'} exceeded ${maxRestarts} restarts in ${withinUs} µs`,
      { actor: supervisor.path, maxRestarts, withinUs },
      { cause: error },
    ),
  );
}

function removeChild(parent: ActorCell, cell: ActorCell): void {
  const i = parent.children.indexOf(cell);
  if (i >= 0) parent.children.splice(i, 1);
}

/** Stops a subtree at once: hooks run, queued messages become dead letters. */
export function terminateNow(host: SupervisorHost, cell: ActorCell): void {
  if (cell.status === 'stopped') return;
  for (let i = cell.children.length - 1; i >= 0; i--) terminateNow(host, cell.children[i]!);
  cell.children = [];
  cell.clearEffects();
  if (cell.status !== 'restarting' && !cell.startFailed) runOnStop(host, cell);
  finalize(host, cell, false);
}

/** Starts a graceful stop; `done` runs once the cell is stopped. */
export function beginStop(host: SupervisorHost, cell: ActorCell, kind: StopKind, done?: () => void): void {
  if (cell.status === 'stopped') {
    done?.();
    return;
  }
  if (done !== undefined) cell.stopWaiters.push(done);
  if (cell.status === 'stopping') return;
  cell.status = 'stopping';
  cell.stopKind = kind;
  cell.stopDrains = kind === 'shutdown';
  cell.stopReady = false;
  stopChildren(host, cell, () => {
    cell.stopReady = true;
    cell.stopDeadline = host.timers.add(host.clock.now() + cell.shutdownUs, () => {
      if (cell.status === 'stopped') return;
      host.log.warn({ actor: cell.path, shutdownUs: cell.shutdownUs }, 'stop deadline passed; forcing');
      finalize(host, cell, true);
    });
    host.timersChanged();
    host.schedule(cell);
  });
}

/** Stops `cell`'s children one after another, last started first, then calls `done`. */
export function stopChildren(host: SupervisorHost, cell: ActorCell, done: () => void): void {
  const order = cell.children.slice().reverse();
  let i = 0;
  const next = (): void => {
    if (i >= order.length) {
      done();
      return;
    }
    beginStop(host, order[i++]!, 'shutdown', next);
  };
  next();
}

/** Called by the dispatcher when a stopping cell's mailbox is empty (or it does not drain). */
export function finishStop(host: SupervisorHost, cell: ActorCell): void {
  if (cell.finishing) return;
  cell.finishing = true;
  cell.clearEffects();
  const pending = runOnStop(host, cell);
  if (pending === undefined) {
    finalize(host, cell, false);
    return;
  }
  pending.then(
    () => {
      finalize(host, cell, false);
      host.kick();
    },
    (error: unknown) => {
      host.log.error({ actor: cell.path, err: error }, 'onStop failed');
      finalize(host, cell, false);
      host.kick();
    },
  );
}

function runOnStop(host: SupervisorHost, cell: ActorCell): Promise<void> | undefined {
  const onStop = cell.definition.onStop;
  if (onStop === undefined) return undefined;
  try {
    const result = onStop(cell.state, cell.ctx);
    return result instanceof Promise ? result : undefined;
  } catch (error) {
    host.log.error({ actor: cell.path, err: error }, 'onStop threw');
    return undefined;
  }
}

function finalize(host: SupervisorHost, cell: ActorCell, forced: boolean): void {
  if (cell.status === 'stopped') return;
  if (cell.stopDeadline !== undefined) cell.stopDeadline.live = false;
  if (forced) for (let i = cell.children.length - 1; i >= 0; i--) terminateNow(host, cell.children[i]!);
  cell.clearEffects();
  const parent = cell.parent;
  const restartAfterExit =
    cell.stopKind === 'normal' && cell.restartType === 'permanent' && parent !== undefined && parent.status === 'running';
  cell.status = 'stopped';
  cell.discardQueued('unprocessed');
  cell.finishing = false;
  const waiters = cell.stopWaiters;
  cell.stopWaiters = [];
  if (restartAfterExit) {
    cell.stopKind = 'shutdown';
    cell.status = 'failed';
    restart(host, parent, cell, new TickflowError('ACTOR_FAILED', `${cell.path} exited; permanent children are restarted`, { actor: cell.path }));
  } else {
    host.unregister(cell);
    if (parent !== undefined && parent.status !== 'stopping') removeChild(parent, cell);
  }
  for (const waiter of waiters) waiter();
}
