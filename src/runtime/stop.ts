/**
 * Stopping actors. Two strengths:
 * - graceful (`beginStop`): children first, in reverse start order, each with its own deadline;
 *   then the cell drains its mailbox (a self-stop skips the drain: the rest is dead-lettered),
 *   runs `onStop` and awaits a returned promise. Once `onStop` has begun nothing more is processed:
 *   what arrives is dead-lettered. Past `shutdownUs` the stop is forced.
 * - immediate (`terminateNow`): for a supervisor's `stop` directive, a supervisor that gives up,
 *   the children of a restarting actor; the subtree stops at once and queued messages become
 *   dead letters.
 * A cell without a live incarnation (restarting, or failed to start) has no state: stopping it
 * runs no hook and no `receive`; its pending restart is cancelled and what it holds is
 * dead-lettered.
 */
import type { ActorCell } from './actor-cell.js';
import type { Kernel, StopKind } from './kernel.js';
import { FAILED, RESTARTING, RUNNING, STARTING, STOPPED, STOPPING } from './actor-status.js';
import type { TimerEntry } from './timer-queue.js';

/** What stopping needs from the system beyond a cell's kernel. */
export interface StopHost extends Kernel {
  unregister(cell: ActorCell): void;
  /** A permanent child exited normally: restart it under its parent's policy. */
  restartExited(cell: ActorCell): void;
  /** In simulated mode, runs the dispatcher after an asynchronous completion. */
  kick(): void;
}

/** Starts a graceful stop; `done` runs once the cell is stopped. */
export function beginStop(host: StopHost, cell: ActorCell, kind: StopKind, done?: () => void): void {
  if (cell.st === STOPPED) {
    done?.();
    return;
  }
  if (done !== undefined) cell.stopWaiters.push(done);
  if (cell.st === STOPPING) return;
  cell.yielded = true;
  if (!cell.hasState || cell.st === RESTARTING || cell.st === STARTING) {
    terminateNow(host, cell);
    return;
  }
  // A failed actor awaiting its supervisor's decision stops without processing on its failed state.
  cell.stopDrains = kind === 'shutdown' && cell.st !== FAILED;
  cell.st = STOPPING;
  cell.stopKind = kind;
  cell.stopReady = false;
  stopChildren(host, cell, () => {
    cell.stopReady = true;
    cell.stopDeadline = deadline(host, cell);
    host.schedule(cell);
  });
}

function deadline(host: StopHost, cell: ActorCell): TimerEntry {
  const entry = host.timers.add(host.clock.now() + cell.shutdownUs, () => {
    if (cell.st === STOPPED) return;
    host.log.warn({ actor: cell.path, shutdownUs: cell.shutdownUs }, 'stop deadline passed; forcing');
    finalize(host, cell, true);
    host.kick();
  });
  host.timersChanged();
  return entry;
}

/** Stops `cell`'s children one after another, last started first, then calls `done`. */
export function stopChildren(host: StopHost, cell: ActorCell, done: () => void): void {
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
export function finishStop(host: StopHost, cell: ActorCell): void {
  if (cell.finishing) return;
  cell.finishing = true;
  cell.clearEffects(false);
  const pending = runHook(host, cell, false, undefined);
  if (pending === undefined) {
    finalize(host, cell, false);
    return;
  }
  const end = (): void => {
    finalize(host, cell, false);
    host.kick();
  };
  pending.then(end, (error: unknown) => {
    host.log.error({ actor: cell.path, err: error }, 'onStop failed');
    end();
  });
}

/** Stops a subtree at once: `onStop` runs where there is a state, queued messages become dead letters. */
export function terminateNow(host: StopHost, cell: ActorCell): void {
  if (cell.st === STOPPED) return;
  for (let i = cell.children.length - 1; i >= 0; i--) terminateNow(host, cell.children[i]!);
  cell.children = [];
  cell.clearEffects(true);
  if (cell.hasState && !cell.finishing && (cell.st === RUNNING || cell.st === FAILED || cell.st === STOPPING)) runHook(host, cell, false, undefined);
  finalize(host, cell, false);
}

/**
 * Runs the incarnation's cleanup hook: for a restart `beforeRestart` if the definition has one,
 * else (and for a stop) `onStop`. Returns a pending promise, if the hook returned one. The state is
 * gone afterwards.
 */
export function runHook(host: Kernel, cell: ActorCell, forRestart: boolean, restartError: unknown): Promise<void> | undefined {
  const definition = cell.definition;
  const state = cell.state;
  cell.hasState = false;
  cell.state = undefined;
  try {
    const result =
      forRestart && definition.beforeRestart !== undefined
        ? definition.beforeRestart(state, restartError, cell.ctx)
        : definition.onStop?.(state, cell.ctx);
    return result instanceof Promise ? result : undefined;
  } catch (error) {
    host.log.error({ actor: cell.path, err: error }, 'cleanup hook threw');
    return undefined;
  }
}

/** Ends a cell: dead-letters what it holds, fails its pending asks, tells its waiters. */
export function finalize(host: StopHost, cell: ActorCell, forced: boolean): void {
  if (cell.st === STOPPED) return;
  if (cell.stopDeadline !== undefined) cell.stopDeadline.live = false;
  if (forced) for (let i = cell.children.length - 1; i >= 0; i--) terminateNow(host, cell.children[i]!);
  const parent = cell.parent;
  const exitRestart = cell.stopKind === 'normal' && cell.restartType === 'permanent' && parent !== undefined && parent.st === RUNNING;
  cell.clearEffects(!exitRestart);
  cell.plan?.remove(cell);
  cell.plan = undefined;
  cell.st = STOPPED;
  cell.yielded = true;
  cell.hasState = false;
  cell.state = undefined;
  cell.failPendingAsks('stopped');
  cell.finishing = false;
  const waiters = cell.stopWaiters;
  cell.stopWaiters = [];
  if (exitRestart) {
    // A permanent child that exits is restarted; its mailbox and wiring are kept.
    cell.stopKind = 'shutdown';
    cell.st = FAILED;
    host.restartExited(cell);
  } else {
    cell.discardQueued('unprocessed');
    host.unregister(cell);
    if (parent !== undefined && parent.st !== STOPPING) removeChild(parent, cell);
  }
  for (const waiter of waiters) waiter();
}

/** Removes `cell` from its parent's children. */
export function removeChild(parent: ActorCell, cell: ActorCell): void {
  const i = parent.children.indexOf(cell);
  if (i >= 0) parent.children.splice(i, 1);
}
