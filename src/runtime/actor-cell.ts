/**
 * The runtime half of an actor: its mailbox, state, status, counters, timers and context. The
 * definition is pure logic; the cell catches what it throws and reports it to the kernel, which
 * lets the supervisor decide after the current turn (never re-entrantly inside another actor's
 * `receive`). A cell keeps its identity, mailbox and ref across restarts.
 */
import type { ActorContext, ActorDefinition, ActorRef, PipeOutcome, SpawnOptions } from './actor.js';
import type { Bus } from './bus.js';
import type { Clock } from './clock.js';
import type { DeadLetterReason } from './dead-letters.js';
import { TickflowError } from './errors.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { Logger } from './logger.js';
import { CONFLATED, DROPPED_NEW, DROPPED_OLD, Mailbox, OVERFLOW, PUSHED, type MailboxConfig } from './mailbox.js';
import type { Random } from './random.js';
import type { RestartType, SupervisionPolicy } from './supervision.js';
import type { TimerEntry, TimerQueue } from './timer-queue.js';
import { ActorClockImpl } from './actor-clock.js';
import { askCell } from './ask.js';

/** Lifecycle of an actor: a small closed set. `failed` is the instant between a throw and the supervisor's decision. */
export type ActorStatus = 'starting' | 'running' | 'failed' | 'restarting' | 'stopping' | 'stopped';

/**
 * Per-actor counters. Every message that reaches a cell ends in exactly one of them (or is still
 * queued or stashed), so the messages received are their sum plus the queue: inspection derives
 * it rather than counting it again on the hot path.
 */
export interface ActorCounters {
  processed: number;
  dropped: number;
  conflated: number;
  failed: number;
  deadLettered: number;
  restarts: number;
}

/** How a stop ends a cell: a self-stop (`normal` exit), a parent or system stop (`shutdown`), or forced. */
export type StopKind = 'normal' | 'shutdown';

/** What a cell needs from the system that owns it. */
export interface Kernel {
  readonly clock: Clock;
  readonly timers: TimerQueue;
  readonly bus: Bus<ActorRef<never>>;
  readonly log: Logger;
  readonly sampleEvery: number;
  schedule(cell: ActorCell): void;
  timersChanged(): void;
  reportFailure(cell: ActorCell, error: unknown): void;
  pressureChanged(delta: number): void;
  pipeStarted(): void;
  pipeEnded(): void;
  deadLetter(cell: ActorCell, message: unknown, sender: ActorRef<never> | undefined, reason: DeadLetterReason): void;
  spawnChild(parent: ActorCell, definition: ActorDefinition<any, any, any>, options: SpawnOptions<any>): ActorCell;
  requestStop(cell: ActorCell, kind: StopKind): void;
}

type AnyDefinition = ActorDefinition<any, any, any>;

/** The runtime instance of one actor. */
export class ActorCell implements ActorRef<any> {
  readonly path: string;
  readonly name: string;
  readonly parent: ActorCell | undefined;
  readonly definition: AnyDefinition;
  readonly config: unknown;
  readonly restartType: RestartType;
  readonly shutdownUs: number;
  readonly policy: SupervisionPolicy;
  readonly mailbox: Mailbox<ActorRef<never>>;
  readonly counters: ActorCounters;
  readonly latency: LatencyHistogram;
  readonly random: Random;
  readonly ctx: CellContext;
  readonly kernel: Kernel;
  readonly timerEntries: Map<string, TimerEntry>;
  readonly subscriptions: Set<string>;
  state: unknown;
  status: ActorStatus;
  scheduled: boolean;
  children: ActorCell[];
  /** Restart timestamps inside the intensity window (this cell as a supervisor). */
  readonly restartLog: number[];
  /** Consecutive restarts since the backoff last reset, and when this cell last started. */
  attempt: number;
  startedAt: number;
  stash: unknown[];
  stashSenders: (ActorRef<never> | undefined)[];
  /** The mailbox conflates (cached: such sends always take the policy path). */
  readonly conflating: boolean;
  /** The mailbox policy is `backpressure` (cached: checked on every send). */
  readonly backpressured: boolean;
  /** Counts toward the system's backpressure while at capacity. */
  pressured: boolean;
  sampleCountdown: number;
  stopKind: StopKind;
  /** Set once a stop's children are down and the cell may finish when its mailbox is empty. */
  stopReady: boolean;
  stopDrains: boolean;
  stopWaiters: (() => void)[];
  stopDeadline: TimerEntry | undefined;
  finishing: boolean;
  /** True when the last `init`/`onStart` threw: there is no state to resume. */
  startFailed: boolean;

  constructor(
    kernel: Kernel,
    parent: ActorCell | undefined,
    name: string,
    definition: AnyDefinition,
    options: SpawnOptions<unknown>,
    mailbox: MailboxConfig,
    policy: SupervisionPolicy,
    random: Random,
  ) {
    // Every field is assigned here, always in this order (one hidden class for all cells).
    this.path = parent === undefined || parent.path === '' ? name : `${parent.path}/${name}`;
    this.name = name;
    this.parent = parent;
    this.definition = definition;
    this.config = definition.config === undefined ? options.config : definition.config.parse(options.config);
    this.restartType = options.restart ?? 'permanent';
    this.shutdownUs = options.shutdownUs ?? 5_000_000;
    this.policy = policy;
    this.mailbox = new Mailbox<ActorRef<never>>(mailbox);
    this.counters = { processed: 0, dropped: 0, conflated: 0, failed: 0, deadLettered: 0, restarts: 0 };
    this.latency = new LatencyHistogram();
    this.random = random;
    this.kernel = kernel;
    this.timerEntries = new Map();
    this.subscriptions = new Set();
    this.ctx = new CellContext(this);
    this.state = undefined;
    this.status = 'starting';
    this.scheduled = false;
    this.children = [];
    this.restartLog = [];
    this.attempt = 0;
    this.startedAt = kernel.clock.now();
    this.stash = [];
    this.stashSenders = [];
    this.conflating = mailbox.overflow === 'conflate';
    this.backpressured = mailbox.overflow === 'backpressure';
    this.pressured = false;
    this.sampleCountdown = kernel.sampleEvery;
    this.stopKind = 'shutdown';
    this.stopReady = false;
    this.stopDrains = true;
    this.stopWaiters = [];
    this.stopDeadline = undefined;
    this.finishing = false;
    this.startFailed = false;
  }

  tell(message: unknown, sender?: ActorRef<never>): void {
    this.enqueue(message, sender);
  }

  ask<R>(message: unknown, options?: { timeout?: number }): Promise<R> {
    return askCell<R>(this, message, options?.timeout ?? 5_000_000);
  }

  /**
   * Delivers a message under the mailbox policy. While the actor waits to restart, messages go to
   * the stash (bounded by the supervisor's `stashCapacity`; the excess are dead letters). After
   * the actor stopped, they are dead letters.
   */
  enqueue(message: unknown, sender: ActorRef<never> | undefined): void {
    const mailbox = this.mailbox;
    // Hot path: a running actor with room. Everything else (overflow, restarts, stops) below.
    if (this.status === 'running' && mailbox.size < mailbox.capacity && !this.conflating) {
      mailbox.append(message, sender);
      if (this.backpressured && mailbox.size >= mailbox.capacity) this.updatePressure();
      if (!this.scheduled) this.kernel.schedule(this);
      return;
    }
    this.enqueueSlow(message, sender);
  }

  private enqueueSlow(message: unknown, sender: ActorRef<never> | undefined): void {
    const status = this.status;
    if (status === 'stopped') {
      this.kernel.deadLetter(this, message, sender, 'stopped');
      return;
    }
    if (status === 'restarting') {
      const bound = this.parent === undefined ? Infinity : this.parent.policy.stashCapacity;
      if (this.stash.length >= bound) {
        this.kernel.deadLetter(this, message, sender, 'stash-overflow');
      } else {
        this.stash.push(message);
        this.stashSenders.push(sender);
        this.updatePressure();
      }
      return;
    }
    const outcome = this.mailbox.push(message, sender);
    if (outcome !== PUSHED) {
      if (outcome === DROPPED_OLD || outcome === DROPPED_NEW) this.counters.dropped++;
      else if (outcome === CONFLATED) this.counters.conflated++;
      else if (outcome === OVERFLOW) {
        this.counters.failed++;
        this.kernel.reportFailure(
          this,
          new TickflowError('MAILBOX_OVERFLOW', `mailbox of ${this.path} is full (capacity ${this.mailbox.capacity}, policy fail)`, {
            actor: this.path,
            capacity: this.mailbox.capacity,
          }),
        );
        return;
      }
    }
    if (this.backpressured && !this.pressured) this.updatePressure();
    if (!this.scheduled && (status === 'running' || status === 'stopping')) this.kernel.schedule(this);
  }

  /** Recomputes whether this cell holds the system's backpressure. */
  updatePressure(): void {
    if (!this.backpressured) return;
    const full = this.status !== 'stopped' && this.mailbox.size + this.stash.length >= this.mailbox.capacity;
    if (full !== this.pressured) {
      this.pressured = full;
      this.kernel.pressureChanged(full ? 1 : -1);
    }
  }

  /**
   * Processes up to `budget` messages (one scheduling turn). A throw fails the actor: the message
   * is counted as failed and the supervisor decides after this turn.
   */
  run(budget: number): void {
    const mailbox = this.mailbox;
    const definition = this.definition;
    const ctx = this.ctx;
    const counters = this.counters;
    const status = this.status;
    if (status !== 'running' && !(status === 'stopping' && this.stopDrains)) return;
    let n = budget < mailbox.size ? budget : mailbox.size;
    // Counters and the sampling countdown live in locals for the turn and are written back once.
    let done = 0;
    let countdown = this.sampleCountdown;
    let state = this.state;
    while (n-- > 0) {
      const message = mailbox.shift();
      ctx.sender = mailbox.lastSender;
      try {
        if (--countdown === 0) {
          countdown = this.kernel.sampleEvery;
          const t0 = performance.now();
          state = definition.receive(state, message, ctx);
          this.latency.record((performance.now() - t0) * 1e6);
        } else {
          state = definition.receive(state, message, ctx);
        }
        done++;
      } catch (error) {
        counters.failed++;
        ctx.sender = undefined;
        this.state = state;
        this.kernel.reportFailure(this, error);
        break;
      }
      // A receive may stop this actor (self-stop skips the drain); stop the turn then.
      if (this.status !== status) break;
    }
    this.state = state;
    this.sampleCountdown = countdown;
    counters.processed += done;
    ctx.sender = undefined;
    if (this.pressured) this.updatePressure();
  }

  /** Runs `init` and `onStart`; a throw is a failure like any other. Returns false on failure. */
  start(): boolean {
    this.status = 'starting';
    this.startedAt = this.kernel.clock.now();
    try {
      this.state = this.definition.init(this.config, this.ctx);
      if (this.definition.onStart !== undefined) this.state = this.definition.onStart(this.state, this.ctx);
    } catch (error) {
      this.counters.failed++;
      this.state = undefined;
      this.startFailed = true;
      this.kernel.reportFailure(this, error);
      return false;
    }
    this.startFailed = false;
    this.status = 'running';
    // A child whose start fails is handled by this cell's policy like any failure; its later
    // siblings still start, in order.
    for (const spec of this.definition.children ?? []) this.kernel.spawnChild(this, spec.actor, spec);
    if (this.mailbox.size > 0 && !this.scheduled) this.kernel.schedule(this);
    return true;
  }

  /** Cancels every timer and bus subscription of this cell (on stop and restart). */
  clearEffects(): void {
    for (const entry of this.timerEntries.values()) entry.live = false;
    this.timerEntries.clear();
    if (this.subscriptions.size > 0) {
      this.kernel.bus.unsubscribe(this);
      this.subscriptions.clear();
    }
  }

  /** Moves stashed messages into the mailbox, in arrival order, under the mailbox policy. */
  unstash(): void {
    const stash = this.stash;
    const senders = this.stashSenders;
    this.stash = [];
    this.stashSenders = [];
    for (let i = 0; i < stash.length; i++) this.enqueue(stash[i], senders[i]);
    this.updatePressure();
  }

  /** Dead-letters everything queued or stashed. */
  discardQueued(reason: DeadLetterReason): void {
    this.mailbox.drain((message, sender) => this.kernel.deadLetter(this, message, sender, reason));
    for (let i = 0; i < this.stash.length; i++) this.kernel.deadLetter(this, this.stash[i], this.stashSenders[i], reason);
    this.stash = [];
    this.stashSenders = [];
    this.updatePressure();
  }
}

/** The `ActorContext` of one cell. Reused for every message; `sender` is set per message. */
export class CellContext implements ActorContext<any> {
  readonly self: ActorRef<any>;
  sender: ActorRef<never> | undefined;
  readonly clock: ActorClockImpl;
  readonly random: Random;
  readonly log: Logger;
  private readonly cell: ActorCell;

  constructor(cell: ActorCell) {
    this.cell = cell;
    this.self = cell;
    this.sender = undefined;
    this.clock = new ActorClockImpl(cell);
    this.random = cell.random;
    this.log = cell.kernel.log;
  }

  send<T>(to: ActorRef<T>, message: T): void {
    to.tell(message, this.cell as ActorRef<never>);
  }

  reply(message: unknown): void {
    this.sender?.tell(message as never, this.cell as ActorRef<never>);
  }

  publish(topic: string, message: unknown): void {
    this.cell.kernel.bus.publish(topic, message, this.cell as ActorRef<never>);
  }

  subscribe(prefix: string): void {
    this.cell.subscriptions.add(prefix);
    this.cell.kernel.bus.subscribe(prefix, this.cell);
  }

  unsubscribe(prefix: string): void {
    this.cell.subscriptions.delete(prefix);
    this.cell.kernel.bus.unsubscribe(this.cell, prefix);
  }

  spawn<C, S, N>(definition: ActorDefinition<C, S, N>, options: SpawnOptions<C> = {}): ActorRef<N> {
    return this.cell.kernel.spawnChild(this.cell, definition, options) as ActorRef<N>;
  }

  stop(ref?: ActorRef<never>): void {
    if (ref === undefined || ref === (this.cell as ActorRef<never>)) {
      this.cell.kernel.requestStop(this.cell, 'normal');
      return;
    }
    if (ref instanceof ActorCell && ref.parent === this.cell) this.cell.kernel.requestStop(ref, 'shutdown');
    else this.log.warn({ actor: this.cell.path, target: ref.path }, 'an actor may stop only itself or its children');
  }

  pipe<T>(promise: Promise<T>, toMessage: (outcome: PipeOutcome<T>) => unknown): void {
    const cell = this.cell;
    const kernel = cell.kernel;
    kernel.pipeStarted();
    // The outcome is queued before the kernel hears the I/O ended, so a simulated advance that
    // was waiting on it finds the message already there.
    const settle = (outcome: PipeOutcome<T>): void => {
      try {
        cell.enqueue(toMessage(outcome), undefined);
      } catch (error) {
        kernel.reportFailure(cell, error);
      }
      kernel.pipeEnded();
    };
    promise.then(
      (value) => settle({ ok: true, value }),
      (error: unknown) => settle({ ok: false, error }),
    );
  }
}
