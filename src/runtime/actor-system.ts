/**
 * The actor system: spawns actors under a root supervisor, owns the dispatcher, timers, bus, dead
 * letters and admission control, and stops everything in order.
 *
 * Dispatching. Cells with messages wait in one FIFO ready queue; a turn runs one cell for at most
 * `throughput` messages (a count, never a time slice, so runs are deterministic), then the cell
 * goes to the back if it still has work. Failures reported during a turn are handled between
 * turns. With a `LiveClock` the dispatcher drains in a microtask after work arrives, yielding to
 * I/O (`setImmediate`) every `liveBudget` turns, and one OS timer is armed for the earliest timer.
 * With a `SimulatedClock` nothing runs until driven: `advanceTo(t)` and `runUntilIdle()` run the
 * dispatcher synchronously, with no promise or microtask per message.
 *
 * Admission control (DESIGN.md). Sends between actors are never refused. Sources call `offer`,
 * which is refused while any `backpressure` mailbox is at capacity (or while the system stops);
 * `whenRoom()` resolves when offers would be accepted again.
 */
import type { ActorDefinition, ActorRef, SpawnOptions } from './actor.js';
import { ActorCell, type Kernel, type StopKind } from './actor-cell.js';
import { AskRef } from './ask.js';
import { Bus } from './bus.js';
import { LiveClock, SimulatedClock, type Clock } from './clock.js';
import { DeadLetters, type DeadLetterReason } from './dead-letters.js';
import { TickflowError } from './errors.js';
import type { ActorSnapshot } from './inspection.js';
import { snapshotOf } from './inspection.js';
import { silentLogger, type Logger } from './logger.js';
import { defaultMailbox } from './mailbox.js';
import { createRandom, type Random } from './random.js';
import { supervisionPolicy, type SupervisionPolicy } from './supervision.js';
import { beginStop, finishStop, handleFailure, terminateNow, type SupervisorHost } from './supervisor.js';
import { TimerQueue } from './timer-queue.js';

/** Options of `createActorSystem`. */
export interface ActorSystemOptions {
  /** `LiveClock` by default; a `SimulatedClock` makes the system run only when driven. */
  readonly clock?: Clock;
  /** Seed of every random stream in the system (default 1). */
  readonly seed?: number | string;
  readonly logger?: Logger;
  /** Messages one actor may process per turn (default 256). */
  readonly throughput?: number;
  /** Supervision of the top-level actors. */
  readonly supervision?: Partial<SupervisionPolicy>;
  /** Processing latency is sampled on one message in this many per actor (default 256). */
  readonly sampleEvery?: number;
}

/** Why the system ended: a requested stop, or the root supervisor gave up. */
export type Termination = { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly error: unknown };

const LIVE_BUDGET = 4096;

/** A running actor system. */
export class ActorSystem implements SupervisorHost {
  readonly clock: Clock;
  readonly timers = new TimerQueue();
  readonly bus = new Bus<ActorRef<never>>();
  readonly deadLetters = new DeadLetters();
  readonly log: Logger;
  readonly random: Random;
  readonly sampleEvery: number;
  /** Resolves once the system has stopped, with the reason. */
  readonly terminated: Promise<Termination>;

  private readonly throughput: number;
  private readonly simulated: boolean;
  private readonly root: ActorCell;
  private readonly registry = new Map<string, ActorCell>();
  private ready: ActorCell[] = [];
  private readyHead = 0;
  private failures: { cell: ActorCell; error: unknown }[] = [];
  private running = false;
  private drainScheduled = false;
  private pressure = 0;
  private roomWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private pendingPipes = 0;
  private settleWaiters: (() => void)[] = [];
  private accepting = true;
  private ended: Termination | undefined = undefined;
  private resolveTerminated!: (termination: Termination) => void;
  private armedDue = Infinity;
  private armedTimer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(options: ActorSystemOptions = {}) {
    this.clock = options.clock ?? new LiveClock();
    this.simulated = this.clock instanceof SimulatedClock;
    this.log = options.logger ?? silentLogger;
    this.random = createRandom(options.seed ?? 1);
    this.sampleEvery = Math.max(1, Math.floor(options.sampleEvery ?? 256));
    this.throughput = Math.max(1, Math.floor(options.throughput ?? 256));
    this.terminated = new Promise((resolve) => (this.resolveTerminated = resolve));
    const rootDefinition: ActorDefinition<void, undefined, never> = { name: 'root', init: () => undefined, receive: (s) => s };
    this.root = new ActorCell(this, undefined, '', rootDefinition, {}, defaultMailbox, supervisionPolicy(options.supervision), this.random.fork('root'));
    this.root.start();
    if (this.clock instanceof SimulatedClock) this.clock.attach(this);
  }

  /** True until `stop()` is called or the system fails. */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Spawns a top-level actor under the root supervisor. Config is validated here (`CONFIG_INVALID` style errors surface at once). */
  spawn<C, S, M>(definition: ActorDefinition<C, S, M>, options: SpawnOptions<C> = {}): ActorRef<M> {
    if (this.ended !== undefined) throw new TickflowError('SYSTEM_STOPPED', `cannot spawn ${definition.name}: the system has stopped`);
    return this.spawnChild(this.root, definition, options) as ActorRef<M>;
  }

  /** The actor at `path` (e.g. `pipeline/bars`), if it exists. */
  lookup<M = unknown>(path: string): ActorRef<M> | undefined {
    return this.registry.get(path) as ActorRef<M> | undefined;
  }

  /**
   * Admission control for sources: delivers `message` to an actor, or publishes it when `target`
   * is a topic, unless a `backpressure` mailbox is at capacity or the system is stopping. Returns
   * whether it was accepted; a refused message was not delivered anywhere.
   */
  offer(target: ActorRef<never> | string, message: unknown): boolean {
    if (!this.accepting || this.pressure > 0) return false;
    if (typeof target === 'string') this.bus.publish(target, message, undefined);
    else target.tell(message as never);
    return true;
  }

  /** True when `offer` would accept now. */
  hasRoom(): boolean {
    return this.accepting && this.pressure === 0;
  }

  /** Resolves when offers are accepted again (or the system stops: check `isAccepting`). */
  whenRoom(): Promise<void> {
    if (this.hasRoom() || !this.accepting) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Publishes from outside the system; never refused (use `offer` for sources). */
  publish(topic: string, message: unknown): void {
    this.bus.publish(topic, message, undefined);
  }

  /** Subscribes an actor to a topic prefix from outside (wiring code). */
  subscribe(ref: ActorRef<never>, prefix: string): void {
    if (!(ref instanceof ActorCell)) throw new TickflowError('ACTOR_FAILED', `${ref.path} is not an actor of this system`);
    ref.subscriptions.add(prefix);
    this.bus.subscribe(prefix, ref);
  }

  /** Stops one actor gracefully (draining it, its children first), as its parent would. */
  stopActor(ref: ActorRef<never>): void {
    if (ref instanceof ActorCell) beginStop(this, ref, 'shutdown');
  }

  /** Per-actor status, mailbox depth, counters and sampled latency. Costs nothing until called. */
  inspect(): ActorSnapshot[] {
    return [...this.registry.values()].map(snapshotOf);
  }

  /** Snapshot of one actor, including one that has stopped (its counters are final). */
  inspectActor(ref: ActorRef<never>): ActorSnapshot | undefined {
    return ref instanceof ActorCell ? snapshotOf(ref) : undefined;
  }

  /** Simulated mode: runs every ready actor and pending failure until nothing is left to run. */
  runUntilIdle(): void {
    this.drain(Infinity);
  }

  /**
   * Simulated mode: runs to idle, fires every timer due up to `t` in (time, insertion) order, each
   * at its own instant and followed by a run to idle, then sets the time to `t`. Returns false,
   * leaving time before the next step, while `ctx.pipe` I/O is pending: await `settled()` and call
   * again.
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

  /** Resolves when no `ctx.pipe` I/O is pending. */
  settled(): Promise<void> {
    if (this.pendingPipes === 0) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  /**
   * Stops gracefully: offers are refused from now on, mailboxes drain, then the top-level actors
   * stop in reverse start order, each draining, running `onStop` (awaited up to its deadline) and
   * stopping its own children first. Resolves with the termination.
   */
  stop(): Promise<Termination> {
    if (!this.accepting) return this.terminated;
    this.accepting = false;
    this.wakeRoomWaiters();
    this.whenIdle(() => beginStop(this, this.root, 'shutdown', () => this.end({ kind: 'stopped' })));
    return this.terminated;
  }

  // ---- Kernel: called by cells and supervision -------------------------------------------

  schedule(cell: ActorCell): void {
    if (cell.scheduled) return;
    cell.scheduled = true;
    this.ready.push(cell);
    if (!this.simulated && !this.running && !this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(this.liveDrain);
    }
  }

  reportFailure(cell: ActorCell, error: unknown): void {
    if (cell.status !== 'stopping' && cell.status !== 'stopped') cell.status = 'failed';
    this.failures.push({ cell, error });
    if (!this.simulated && !this.running && !this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(this.liveDrain);
    }
  }

  pressureChanged(delta: number): void {
    this.pressure += delta;
    if (this.pressure === 0) this.wakeRoomWaiters();
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
    if (this.simulated && !this.running) this.drain(Infinity);
  }

  deadLetter(cell: ActorCell, message: unknown, sender: ActorRef<never> | undefined, reason: DeadLetterReason): void {
    cell.counters.deadLettered++;
    this.deadLetters.record(cell.path, message, reason);
    if (sender instanceof AskRef) {
      sender.fail(new TickflowError('ASK_TARGET_STOPPED', `${cell.path} stopped before replying`, { actor: cell.path }));
    }
  }

  spawnChild(parent: ActorCell, definition: ActorDefinition<any, any, any>, options: SpawnOptions<any>): ActorCell {
    const name = this.uniqueName(parent, definition.name, options.name);
    const mailbox = { ...defaultMailbox, ...definition.mailbox, ...options.mailbox };
    const random = this.random.fork(parent.path === '' ? name : `${parent.path}/${name}`);
    const cell = new ActorCell(this, parent, name, definition, options, mailbox, supervisionPolicy(definition.supervision), random);
    parent.children.push(cell);
    this.registry.set(cell.path, cell);
    cell.start();
    return cell;
  }

  requestStop(cell: ActorCell, kind: StopKind): void {
    beginStop(this, cell, kind);
  }

  timersChanged(): void {
    if (this.simulated || this.ended !== undefined) return;
    const due = this.timers.peekDue();
    if (due >= this.armedDue) return;
    if (this.armedTimer !== undefined) clearTimeout(this.armedTimer);
    this.armedDue = due;
    this.armedTimer = setTimeout(this.onLiveTimer, Math.max(0, (due - this.clock.now()) / 1000));
  }

  unregister(cell: ActorCell): void {
    if (this.registry.get(cell.path) === cell) this.registry.delete(cell.path);
  }

  terminate(error: unknown): void {
    if (this.ended !== undefined) return;
    this.accepting = false;
    this.log.error({ err: error }, 'root supervisor gave up; stopping the system');
    terminateNow(this, this.root);
    this.end({ kind: 'failed', error });
  }

  // ---- Dispatcher -------------------------------------------------------------------------

  private readonly liveDrain = (): void => {
    this.drainScheduled = false;
    if (!this.drain(LIVE_BUDGET)) {
      this.drainScheduled = true;
      setImmediate(this.liveDrain);
    }
  };

  private readonly onLiveTimer = (): void => {
    this.armedTimer = undefined;
    this.armedDue = Infinity;
    const now = this.clock.now();
    while (this.timers.peekDue() <= now) {
      const entry = this.timers.pop()!;
      entry.live = false;
      entry.fire();
    }
    this.timersChanged();
    if (!this.running && !this.drainScheduled) this.liveDrain();
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
          for (const f of failures) handleFailure(this, f.cell, f.error);
          continue;
        }
        if (this.readyHead >= this.ready.length) break;
        if (turns-- <= 0) return false;
        const cell = this.ready[this.readyHead]!;
        this.ready[this.readyHead++] = undefined as unknown as ActorCell;
        if (this.readyHead > 1024 && this.readyHead * 2 > this.ready.length) {
          this.ready = this.ready.slice(this.readyHead);
          this.readyHead = 0;
        }
        this.turn(cell);
      }
      this.ready.length = 0;
      this.readyHead = 0;
    } finally {
      this.running = false;
    }
    if (this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      if (this.readyHead < this.ready.length || this.failures.length > 0) return this.drain(budget);
    }
    return true;
  }

  private turn(cell: ActorCell): void {
    cell.scheduled = false;
    cell.run(this.throughput);
    const status = cell.status;
    if (status === 'stopping') {
      if (cell.stopReady && !cell.finishing && (cell.mailbox.size === 0 || !cell.stopDrains)) finishStop(this, cell);
      else if (cell.mailbox.size > 0) this.schedule(cell);
    } else if (status === 'running' && cell.mailbox.size > 0) {
      this.schedule(cell);
    }
  }

  private whenIdle(callback: () => void): void {
    this.idleWaiters.push(callback);
    if (this.simulated) this.drain(Infinity);
    else if (!this.running && !this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(this.liveDrain);
    }
  }

  private wakeRoomWaiters(): void {
    if (this.roomWaiters.length === 0) return;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  private end(termination: Termination): void {
    if (this.ended !== undefined) return;
    this.ended = termination;
    this.accepting = false;
    if (this.armedTimer !== undefined) clearTimeout(this.armedTimer);
    this.armedTimer = undefined;
    this.wakeRoomWaiters();
    this.resolveTerminated(termination);
  }

  private uniqueName(parent: ActorCell, base: string, requested: string | undefined): string {
    const prefix = parent.path === '' ? '' : `${parent.path}/`;
    if (requested !== undefined) {
      if (this.registry.has(prefix + requested)) {
        throw new TickflowError('ACTOR_NAME_TAKEN', `an actor named ${prefix + requested} already exists`, { path: prefix + requested });
      }
      return requested;
    }
    if (!this.registry.has(prefix + base)) return base;
    for (let i = 2; ; i++) if (!this.registry.has(`${prefix}${base}-${i}`)) return `${base}-${i}`;
  }
}

/** Creates an actor system. */
export function createActorSystem(options: ActorSystemOptions = {}): ActorSystem {
  return new ActorSystem(options);
}

// `Kernel` is satisfied structurally; this line keeps the compiler checking it.
const _kernelCheck: (s: ActorSystem) => Kernel = (s) => s;
void _kernelCheck;
