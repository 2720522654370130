/**
 * The dispatcher: runs actors' turns, failures and timers.
 *
 * Cells with messages wait in one FIFO ready queue; a turn runs one cell for at most `throughput`
 * messages (a count, never a time slice, so runs are deterministic), then the cell goes to the
 * back if it still has work. Failures reported during a turn are handled between turns. One
 * message in about `sampleEvery` is timed for the latency histogram: the first of a turn, when the
 * countdown has run out, so the loop itself never checks.
 *
 * With a `LiveClock` the dispatcher drains in a microtask after work arrives (`wake`), yielding to
 * I/O (`setImmediate`) every `LIVE_BUDGET` turns, and one OS timer is armed for the earliest timer.
 * One drain serves every message that arrives before it runs, and every message sent during it.
 * With a `SimulatedClock` nothing runs until driven: `advanceTo(t)` and `runUntilIdle()` run it
 * synchronously, with no promise or microtask per message.
 */
import type { ActorCell } from './actor-cell.js';
import { RUNNING, STOPPED, STOPPING, FAILED } from './actor-status.js';
import { SimulatedClock, type Clock } from './clock.js';
import { TickflowError } from './errors.js';
import type { Failure } from './failure.js';
import { ReadyQueue } from './ready-queue.js';
import { slowPath } from './run-loop.js';
import { finishStop, type StopHost } from './stop.js';
import { TimerQueue } from './timer-queue.js';

/** Turns one live drain may run before it yields to I/O (`setImmediate`) and continues. */
export const LIVE_BUDGET = 4096;

/**
 * Queues live drains as microtasks: `RESOLVED.then(drain)` costs a promise reaction job and the
 * promise `then` returns (about 100 bytes), where `queueMicrotask` costs about 220 (Node wraps each
 * callback in an `AsyncResource`, a bound function and a closure). Both go to the same V8 microtask
 * queue, so a drain runs at the same point as before: after the sender's synchronous code, before
 * promise callbacks queued after it, and before the event loop turns. Measured in
 * `bench/runtime.bench.ts` (live drain allocation, latency). Node 20 offers no way to queue a
 * microtask without allocating the job; `process.nextTick` allocates less (about 65 bytes) but runs
 * only once the whole microtask queue is empty, which would change ordering for promise-driven
 * senders.
 */
const RESOLVED: Promise<void> = Promise.resolve();

/** The scheduling half of the actor system. */
export abstract class Dispatcher {
  readonly clock: Clock;
  readonly timers = new TimerQueue();
  readonly sampleEvery: number;
  protected readonly simulated: boolean;
  private readonly throughput: number;
  private readonly ready = new ReadyQueue();
  private failures: Failure[] = [];
  private running = false;
  private drainScheduled = false;
  private idleWaiters: (() => void)[] = [];
  private pendingPipes = 0;
  private settleWaiters: (() => void)[] = [];
  private armedDue = Infinity;
  private armedTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  protected timersStopped = false;

  constructor(clock: Clock, throughput: number, sampleEvery: number) {
    this.clock = clock;
    this.simulated = clock instanceof SimulatedClock;
    this.throughput = throughput;
    this.sampleEvery = sampleEvery;
  }

  /** Decides one failure (supervision). */
  protected abstract onFailure(failure: Failure): void;

  /** Simulated mode: runs every ready actor and pending failure until nothing is left to run. */
  runUntilIdle(): void {
    this.drain(Infinity);
  }

  /**
   * Simulated mode: runs to idle, fires every timer due up to `t` in (time, insertion) order, each
   * at its own instant and followed by a run to idle, then sets the time to `t`. Returns false,
   * leaving time before the next step, while `ctx.pipe` I/O (or an async restart cleanup) is
   * pending: await `settled()` and call again.
   */
  advanceTo(t: number): boolean {
    const clock = this.clock;
    if (!(clock instanceof SimulatedClock)) throw new TickflowError('CLOCK_NOT_SIMULATED', 'advanceTo needs a SimulatedClock');
    this.drain(Infinity);
    if (this.pendingPipes > 0) return false;
    const timers = this.timers;
    while (timers.peekDue() <= t) {
      const entry = timers.pop()!;
      entry.live = false;
      clock.set(entry.due);
      entry.fire();
      this.drain(Infinity);
      if (this.pendingPipes > 0) return false;
    }
    clock.set(t);
    return true;
  }

  /** When the earliest pending timer is due (engine time), or `Infinity`. */
  nextTimerDue(): number {
    return this.timers.peekDue();
  }

  /** Resolves when no `ctx.pipe` I/O is pending. */
  settled(): Promise<void> {
    if (this.pendingPipes === 0) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  schedule(cell: ActorCell): void {
    if (cell.scheduled) return;
    cell.scheduled = true;
    this.ready.push(cell);
    if (!this.simulated && !this.running && !this.drainScheduled) this.wake();
  }

  reportFailure(cell: ActorCell, error: unknown): void {
    if (cell.st !== STOPPING && cell.st !== STOPPED) cell.st = FAILED;
    cell.yielded = true;
    this.requeueFailure({ cell, error, incarnation: cell.incarnation });
  }

  requeueFailure(failure: Failure): void {
    this.failures.push(failure);
    if (!this.simulated && !this.running && !this.drainScheduled) this.wake();
  }

  pipeStarted(): void {
    this.pendingPipes++;
  }

  pipeEnded(): void {
    this.pendingPipes--;
    if (this.pendingPipes === 0 && this.settleWaiters.length > 0) {
      const waiters = this.settleWaiters;
      this.settleWaiters = [];
      for (const w of waiters) w();
    }
    this.kick();
  }

  kick(): void {
    if (this.simulated) {
      if (!this.running) this.drain(Infinity);
    } else if (!this.running && !this.drainScheduled) {
      this.wake();
    }
  }

  timersChanged(): void {
    if (this.simulated || this.timersStopped) return;
    const due = this.timers.peekDue();
    if (due >= this.armedDue) return;
    if (this.armedTimer !== undefined) clearTimeout(this.armedTimer);
    this.armedDue = due;
    this.armedTimer = setTimeout(this.onLiveTimer, Math.max(0, (due - this.clock.now()) / 1000));
  }

  /** Stops the OS timer for good (the system ended). */
  protected stopTimers(): void {
    this.timersStopped = true;
    if (this.armedTimer !== undefined) clearTimeout(this.armedTimer);
    this.armedTimer = undefined;
  }

  /** Runs `callback` once nothing is ready and no failure is pending. */
  protected whenIdle(callback: () => void): void {
    this.idleWaiters.push(callback);
    this.kick();
  }

  /** Live mode: queues one drain as a microtask (see `RESOLVED`); the caller checked none is queued. */
  private wake(): void {
    this.drainScheduled = true;
    void RESOLVED.then(this.liveDrain);
  }

  /**
   * A live drain. A throw out of the dispatcher itself (actors' throws are failures, caught in the
   * turn) is rethrown from a `queueMicrotask` callback, so it surfaces as an uncaught exception, as
   * it did when drains were queued that way, rather than as a rejection of `then`'s promise.
   */
  private readonly liveDrain = (): void => {
    this.drainScheduled = false;
    try {
      if (!this.drain(LIVE_BUDGET)) {
        this.drainScheduled = true;
        setImmediate(this.liveDrain);
      }
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  };

  /**
   * Fires due timers as the simulated clock does: each one, then a run to idle before the next, so
   * a timer's effects (a crash that revokes the next timer) are seen by the timers after it, and
   * live runs and replays agree. A drain that runs out of budget continues after I/O.
   */
  private readonly onLiveTimer = (): void => {
    this.armedTimer = undefined;
    this.armedDue = Infinity;
    if (this.timersStopped) return;
    if (!this.drain(LIVE_BUDGET)) {
      setImmediate(this.onLiveTimer);
      return;
    }
    const now = this.clock.now();
    while (this.timers.peekDue() <= now) {
      const entry = this.timers.pop()!;
      entry.live = false;
      entry.fire();
      if (!this.drain(LIVE_BUDGET)) {
        setImmediate(this.onLiveTimer);
        return;
      }
    }
    this.timersChanged();
  };

  /** Runs turns until idle or `budget` turns; returns true when idle. Not re-entrant. */
  private drain(budget: number): boolean {
    if (this.running) return false;
    this.running = true;
    try {
      let turns = budget;
      for (;;) {
        if (this.failures.length > 0) {
          const failures = this.failures;
          this.failures = [];
          for (const f of failures) this.onFailure(f);
          continue;
        }
        if (this.ready.size === 0) break;
        if (turns-- <= 0) return false;
        this.turn(this.ready.shift());
      }
    } finally {
      this.running = false;
    }
    if (this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      if (this.ready.size > 0 || this.failures.length > 0) return this.drain(budget);
    }
    return true;
  }

  private turn(cell: ActorCell): void {
    cell.scheduled = false;
    if (runnable(cell)) {
      if (cell.sampleCountdown <= 0) this.sampledTurn(cell);
      else cell.runLoop(cell, this.throughput, slowPath);
      if (cell.pressured) cell.updatePressure();
    }
    const st = cell.st;
    if (st === STOPPING) {
      if (cell.finishing) return;
      if (cell.stopReady && (cell.mailbox.live === 0 || !cell.stopDrains)) finishStop(this as unknown as StopHost, cell);
      else if (cell.mailbox.live > 0 && cell.stopDrains) this.schedule(cell);
    } else if (st === RUNNING && cell.mailbox.live > 0) {
      this.schedule(cell);
    }
  }

  /** A turn whose first message is timed. */
  private sampledTurn(cell: ActorCell): void {
    cell.sampleCountdown = this.sampleEvery;
    const t0 = performance.now();
    cell.runLoop(cell, 1, slowPath);
    cell.latency.record((performance.now() - t0) * 1e6);
    if (this.throughput > 1 && runnable(cell)) cell.runLoop(cell, this.throughput - 1, slowPath);
  }
}

function runnable(cell: ActorCell): boolean {
  const st = cell.st;
  return st === RUNNING || (st === STOPPING && cell.stopDrains && !cell.finishing);
}
