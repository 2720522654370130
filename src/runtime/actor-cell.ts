/**
 * The runtime instance of one actor: its mailbox, state, counters, timers, subscriptions and
 * place in the supervision tree. A cell keeps its identity, mailbox, ref and wiring
 * subscriptions across restarts; each successful start is a new incarnation (numbered), with a
 * fresh state and its own timers and `ctx` subscriptions.
 */
import type { ActorDefinition, ActorRef, SpawnOptions } from './actor.js';
import { BATCHING, STOPPED, RUNNING, FAILED, RESTARTING, STARTING, STOPPING } from './actor-status.js';
import { ActorClockImpl, revokeTimers } from './actor-clock.js';
import { askCell, type AskRef } from './ask.js';
import { CellContext } from './cell-context.js';
import type { DeadLetterReason } from './dead-letters.js';
import { deadLetter, deliver, refuse } from './delivery.js';
import { Envelope } from './envelope.js';
import { TickflowError } from './errors.js';
import { LatencyHistogram } from './latency-histogram.js';
import type { ActorCounters, Kernel, StopKind } from './kernel.js';
import { Mailbox, type MailboxConfig } from './mailbox.js';
import type { Random } from './random.js';
import { compileRunLoop, type RunLoop } from './run-loop.js';
import type { RestartType, SupervisionPolicy } from './supervision.js';
import type { TimerEntry } from './timer-queue.js';

/** The runtime instance of one actor. */
export class ActorCell implements ActorRef<any> {
  readonly path: string;
  readonly name: string;
  readonly parent: ActorCell | undefined;
  readonly definition: ActorDefinition<any, any, any>;
  readonly config: unknown;
  readonly restartType: RestartType;
  readonly shutdownUs: number;
  readonly policy: SupervisionPolicy;
  readonly mailbox: Mailbox;
  readonly counters: ActorCounters;
  readonly latency: LatencyHistogram;
  readonly random: Random;
  readonly kernel: Kernel;
  readonly runLoop: RunLoop;
  readonly keyOf: ((message: unknown) => unknown) | null;
  readonly backpressured: boolean;
  readonly failPolicy: boolean;
  /** See `fastLimitOf`; recomputed when the ring grows. */
  fastLimit: number;
  readonly timerEntries: Map<string, TimerEntry>;
  /** Subscriptions the actor made through `ctx` (they belong to one incarnation). */
  readonly ownSubscriptions: Set<string>;
  /** Subscriptions made by wiring code (`system.subscribe`); they survive restarts. */
  readonly wiredSubscriptions: Set<string>;
  readonly ctx: CellContext;
  state: unknown;
  /** Lifecycle code (`actor-status.ts`), behind `st`, which also keeps `fastLimit` in step. */
  private code: number;
  /** Numbered from 1 at each successful or attempted start. */
  incarnation: number;
  /** The current incarnation has a state (cleared by a start failure, a restart or a stop). */
  hasState: boolean;
  scheduled: boolean;
  /** Set when the status changes during a turn, so the run loop stops after the current message. */
  yielded: boolean;
  /** Envelopes (asks, timer and traced messages) queued or stashed; the run loop looks for them only while > 0. */
  envelopes: number;
  /** What the actor delivered to itself during a `receiveBatch` call (queued after it). */
  deferred: unknown[];
  /** Asks whose message was processed and not replied to yet. */
  pendingAsks: Set<AskRef> | undefined;
  sampleCountdown: number;
  pressured: boolean;
  stash: unknown[];
  children: ActorCell[];
  /** Restart timestamps inside the intensity window (this cell as a supervisor). */
  restartLog: number[];
  /** Consecutive restarts since the backoff last reset, and when this cell last started. */
  attempt: number;
  startedAt: number;
  /** The group restart this cell waits for, and whether its cleanup is still running. */
  plan: { remove(cell: ActorCell): void; tryStart(): void } | undefined;
  cleanupPending: boolean;
  /** Failures of children reported while this cell was failed, replayed if it resumes. */
  heldFailures: { cell: ActorCell; error: unknown; incarnation: number }[];
  stopKind: StopKind;
  stopReady: boolean;
  stopDrains: boolean;
  stopWaiters: (() => void)[];
  stopDeadline: TimerEntry | undefined;
  /** `onStop` has begun: nothing more is processed or queued. */
  finishing: boolean;

  constructor(kernel: Kernel, parent: ActorCell | undefined, name: string, definition: ActorDefinition<any, any, any>, config: unknown, options: SpawnOptions<unknown>, mailbox: MailboxConfig, policy: SupervisionPolicy, random: Random) {
    // Every field is assigned here, always in this order (one hidden class for all cells).
    this.path = parent === undefined || parent.path === '' ? name : `${parent.path}/${name}`;
    this.name = name;
    this.parent = parent;
    this.definition = definition;
    this.config = config;
    this.restartType = options.restart ?? 'permanent';
    this.shutdownUs = options.shutdownUs ?? 5_000_000;
    this.policy = policy;
    this.mailbox = new Mailbox(mailbox);
    this.counters = { processed: 0, dropped: 0, conflated: 0, failed: 0, deadLettered: 0, restarts: 0, startFailures: 0 };
    this.latency = new LatencyHistogram();
    this.random = random;
    this.kernel = kernel;
    this.runLoop = compileRunLoop(definition);
    this.keyOf = mailbox.overflow === 'conflate' ? (mailbox.conflateKey as (message: unknown) => unknown) : null;
    this.backpressured = mailbox.overflow === 'backpressure';
    this.failPolicy = mailbox.overflow === 'fail';
    this.fastLimit = 0;
    this.timerEntries = new Map();
    this.ownSubscriptions = new Set();
    this.wiredSubscriptions = new Set();
    this.ctx = new CellContext(this);
    this.state = undefined;
    this.code = STARTING;
    this.incarnation = 0;
    this.hasState = false;
    this.scheduled = false;
    this.yielded = false;
    this.envelopes = 0;
    this.deferred = [];
    this.pendingAsks = undefined;
    this.sampleCountdown = kernel.sampleEvery;
    this.pressured = false;
    this.stash = [];
    this.children = [];
    this.restartLog = [];
    this.attempt = 0;
    this.startedAt = kernel.clock.now();
    this.plan = undefined;
    this.cleanupPending = false;
    this.heldFailures = [];
    this.stopKind = 'shutdown';
    this.stopReady = false;
    this.stopDrains = true;
    this.stopWaiters = [];
    this.stopDeadline = undefined;
    this.finishing = false;
  }

  /** Lifecycle code (`actor-status.ts`). */
  get st(): number {
    return this.code;
  }

  /** Only a running actor takes the hot path: every other status zeroes `fastLimit`. */
  set st(code: number) {
    this.code = code;
    this.fastLimit = code === RUNNING ? this.fastLimitOf() : 0;
  }

  get isStopped(): boolean {
    return this.st === STOPPED;
  }

  /**
   * Sends a message. Hot path: a mailbox below `fastLimit`, which folds every other check (status
   * included) into one compare (see `fastLimitOf`); everything else goes to `deliver`.
   */
  tell(message: unknown): void {
    const mailbox = this.mailbox;
    // `fastLimit` is 0 unless running; tail - head is the depth here (only conflating mailboxes
    // have tombstones, and their limit is 0).
    if (mailbox.tail - mailbox.head < this.fastLimit) {
      mailbox.buf[mailbox.tail & mailbox.mask] = message;
      mailbox.tail++;
      if (!this.scheduled) this.kernel.schedule(this);
      return;
    }
    this.deliver(message);
  }

  /**
   * Below which depth a send may skip the policy: never for a conflating mailbox (keys); one short
   * of capacity for `backpressure` (the send that fills it raises the system's pressure); never
   * past the ring's size (no growth on the hot path).
   */
  fastLimitOf(): number {
    const mailbox = this.mailbox;
    if (this.keyOf !== null) return 0;
    const limit = this.backpressured ? mailbox.capacity - 1 : mailbox.capacity;
    return Math.min(limit, mailbox.mask + 1);
  }

  /** The bus delivers through this. */
  enqueue(message: unknown): void {
    this.tell(message);
  }

  ask<R>(message: unknown, options?: { timeout?: number }): Promise<R> {
    return askCell<R>(this, message, options?.timeout ?? 5_000_000);
  }

  /** Delivers any item (a message or an `Envelope`) under the rules of `delivery.ts`. */
  deliver(item: unknown): void {
    deliver(this, item);
  }

  /** A message refused because of this actor's own fault (see `delivery.ts`). */
  refuse(item: unknown, error: unknown): void {
    refuse(this, item, error);
  }

  /** Dead-letters an item: counted here and in the system; its ask fails at once. */
  deadLetter(item: unknown, reason: DeadLetterReason): void {
    deadLetter(this, item, reason);
  }

  /** Recomputes whether this cell holds the system's backpressure. */
  updatePressure(): void {
    if (!this.backpressured) return;
    const full = this.st !== STOPPED && this.mailbox.live + this.stash.length >= this.mailbox.capacity;
    if (full !== this.pressured) {
      this.pressured = full;
      this.kernel.pressureChanged(full ? 1 : -1);
    }
  }

  /** Starts a new incarnation (`init`, `onStart`, static children); a throw is a failure. */
  start(): boolean {
    this.st = STARTING;
    this.incarnation++;
    this.startedAt = this.kernel.clock.now();
    try {
      this.state = this.definition.init(this.config, this.ctx);
      if (this.definition.onStart !== undefined) this.state = this.definition.onStart(this.state, this.ctx);
    } catch (error) {
      this.counters.startFailures++;
      this.state = undefined;
      this.hasState = false;
      this.kernel.reportFailure(this, error);
      return false;
    }
    this.hasState = true;
    this.st = RUNNING;
    // A child whose start fails is handled by this cell's policy like any failure; its later
    // siblings still start, in order. Their configs were validated when this cell was spawned.
    for (const spec of this.definition.children ?? []) this.kernel.spawnChild(this, spec.actor, spec);
    if (this.stash.length > 0) this.unstash();
    if (this.mailbox.live > 0 && !this.scheduled) this.kernel.schedule(this);
    return true;
  }

  /** Cancels timers; drops the incarnation's own subscriptions, and the wired ones too when `all`. */
  clearEffects(all: boolean): void {
    revokeTimers(this.timerEntries);
    const bus = this.kernel.bus;
    for (const pattern of this.ownSubscriptions) if (all || !this.wiredSubscriptions.has(pattern)) bus.unsubscribe(this, pattern);
    this.ownSubscriptions.clear();
    if (all) {
      for (const pattern of this.wiredSubscriptions) bus.unsubscribe(this, pattern);
      this.wiredSubscriptions.clear();
    }
  }

  /** Moves stashed items into the mailbox, in arrival order. They were accepted already, so a `fail` mailbox takes them beyond capacity. */
  unstash(): void {
    const stash = this.stash;
    this.stash = [];
    for (let i = 0; i < stash.length; i++) {
      const item = stash[i];
      if (this.failPolicy) this.mailbox.append(item);
      else if (item instanceof Envelope) {
        // Counted when it was stashed; `deliver` counts it again (`tell`'s fast path would not,
        // and its slow path would count it twice).
        this.envelopes--;
        this.deliver(item);
      } else this.tell(item);
    }
    this.updatePressure();
  }

  /** Fails the asks this incarnation processed and never answered. */
  failPendingAsks(why: string): void {
    const asks = this.pendingAsks;
    if (asks === undefined || asks.size === 0) return;
    const code = !this.kernel.isAccepting ? 'SYSTEM_STOPPED' : 'ASK_TARGET_STOPPED';
    for (const ask of [...asks]) ask.fail(new TickflowError(code, `ask to ${this.path}: the actor ${why} before replying`, { actor: this.path }));
  }

  /** Dead-letters everything queued or stashed. */
  discardQueued(reason: DeadLetterReason): void {
    this.mailbox.drain((item) => this.deadLetter(item, reason));
    const stash = this.stash;
    this.stash = [];
    for (let i = 0; i < stash.length; i++) this.deadLetter(stash[i], reason);
    this.updatePressure();
  }
}
