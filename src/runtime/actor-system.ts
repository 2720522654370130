/**
 * The actor system: spawns actors under a root supervisor, owns the dispatcher (`dispatcher.ts`),
 * timers, bus, dead letters and admission control, and stops everything in order.
 *
 * Admission control (DESIGN.md). Sends between actors are never refused. Sources call `offer`,
 * which is refused while any `backpressure` mailbox is at capacity (or while the system stops);
 * `whenRoom()` resolves when offers would be accepted again.
 *
 * Tracing (`trace.ts`): with a `traceSink`, `offerTraced(target, message, trace)` delivers the message
 * in a traced envelope, and the trace follows what it causes; without one, traces are ignored.
 *
 * Asks always settle: when the system ends, every ask still pending fails with `SYSTEM_STOPPED`,
 * and asks whose target stops during the system's stop fail with it too.
 */
import type { ActorDefinition, ActorRef, SpawnOptions } from './actor.js';
import { ActorCell } from './actor-cell.js';
import type { StopKind } from './kernel.js';
import type { AskRef } from './ask.js';
import { Bus } from './bus.js';
import { LiveClock, SimulatedClock, type Clock } from './clock.js';
import { DeadLetters } from './dead-letters.js';
import { Dispatcher } from './dispatcher.js';
import { Envelope } from './envelope.js';
import { TickflowError } from './errors.js';
import { handleFailure, type Failure, type FailureHost, type FailureListener } from './failure.js';
import type { ActorSnapshot } from './inspection.js';
import { snapshotOf } from './inspection.js';
import { silentLogger, type Logger } from './logger.js';
import { checkMailboxConfig, defaultMailbox, type MailboxConfig } from './mailbox.js';
import { createRandom, type Random } from './random.js';
import { restart } from './restart.js';
import { beginStop, terminateNow } from './stop.js';
import { supervisionPolicy, type SupervisionPolicy } from './supervision.js';
import type { Trace, TraceSink } from './trace.js';

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
  /** Processing latency is sampled on about one message in this many per actor (default 1,024). */
  readonly sampleEvery?: number;
  /** Where the hops of sampled, traced messages go (`trace.ts`); absent, tracing is off. */
  readonly traceSink?: TraceSink;
  /**
   * Told every actor failure as its supervisor decides it (path, error, directive), before the
   * directive is applied: how a run reports the restarts it survived and why. Called on the
   * dispatcher, so it must be cheap; a throw is logged and ignored.
   */
  readonly onActorFailure?: FailureListener;
}

/** Why the system ended: a requested stop, or the root supervisor gave up. */
export type Termination = { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly error: unknown };

/** A running actor system. */
export class ActorSystem extends Dispatcher implements FailureHost {
  readonly bus = new Bus<unknown>();
  readonly deadLetters: DeadLetters;
  readonly log: Logger;
  readonly random: Random;
  readonly pendingAsks = new Set<AskRef>();
  readonly traceSink: TraceSink | undefined;
  readonly failureListener: FailureListener | undefined;
  /** Resolves once the system has stopped, with the reason. */
  readonly terminated: Promise<Termination>;

  private readonly root: ActorCell;
  private readonly registry = new Map<string, ActorCell>();
  private pressure = 0;
  private roomWaiters: (() => void)[] = [];
  private accepting = true;
  private ended: Termination | undefined = undefined;
  private resolveTerminated!: (termination: Termination) => void;
  private traceSinkFailed = false;

  constructor(options: ActorSystemOptions = {}) {
    super(options.clock ?? new LiveClock(), Math.max(1, Math.floor(options.throughput ?? 256)), Math.max(1, Math.floor(options.sampleEvery ?? 1024)));
    this.log = options.logger ?? silentLogger;
    this.traceSink = options.traceSink;
    this.failureListener = options.onActorFailure;
    this.deadLetters = new DeadLetters(this.log);
    this.random = createRandom(options.seed ?? 1);
    this.terminated = new Promise((resolve) => (this.resolveTerminated = resolve));
    const rootDefinition: ActorDefinition<void, undefined, never> = { name: 'root', init: () => undefined, receive: (s) => s };
    this.root = new ActorCell(this, undefined, '', rootDefinition, undefined, {}, defaultMailbox, supervisionPolicy(options.supervision), this.random.fork('root'));
    this.root.start();
    if (this.clock instanceof SimulatedClock) this.clock.attach(this);
  }

  /** True until `stop()` is called or the system fails. */
  get isAccepting(): boolean {
    return this.accepting;
  }

  /** True once the system has ended (asks fail at once with `SYSTEM_STOPPED`). */
  get hasEnded(): boolean {
    return this.ended !== undefined;
  }


  /**
   * Spawns a top-level actor under the root supervisor. Its config, and those of its static
   * children (recursively), are validated first: an invalid one throws `CONFIG_INVALID` naming the
   * actor's path, and nothing is spawned.
   */
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

  /**
   * `offer`, with `message` starting `trace` (`trace.ts`): its receivers are the trace's first
   * hops. A separate method so untraced offers pay nothing for tracing. Without a `traceSink` the
   * trace is ignored and this is `offer`.
   */
  offerTraced(target: ActorRef<never> | string, message: unknown, trace: Trace): boolean {
    if (this.traceSink === undefined) return this.offer(target, message);
    if (!this.accepting || this.pressure > 0) return false;
    if (typeof target === 'string') this.publishTraced(target, message, trace, 1);
    else this.sendTraced(target, message, trace, 1);
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

  /** Subscribes an actor to a topic pattern from outside (wiring code). Survives the actor's restarts. */
  subscribe(ref: ActorRef<never>, pattern: string): void {
    if (!(ref instanceof ActorCell)) throw new TickflowError('ACTOR_FAILED', `${ref.path} is not an actor of this system`);
    ref.wiredSubscriptions.add(pattern);
    this.bus.subscribe(pattern, ref);
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

  pressureChanged(delta: number): void {
    this.pressure += delta;
    if (this.pressure === 0) this.wakeRoomWaiters();
  }

  spawnChild(parent: ActorCell, definition: ActorDefinition<any, any, any>, options: SpawnOptions<any>): ActorCell {
    const name = this.uniqueName(parent, definition.name, options.name);
    const path = parent.path === '' ? name : `${parent.path}/${name}`;
    const mailbox: MailboxConfig = { ...defaultMailbox, ...definition.mailbox, ...options.mailbox };
    const config = validateTree(definition, options, mailbox, path);
    const cell = new ActorCell(this, parent, name, definition, config, options, mailbox, supervisionPolicy(definition.supervision), this.random.fork(path));
    parent.children.push(cell);
    this.registry.set(cell.path, cell);
    cell.start();
    return cell;
  }

  requestStop(cell: ActorCell, kind: StopKind): void {
    beginStop(this, cell, kind);
  }

  sendTraced(to: unknown, message: unknown, trace: Trace, depth: number): void {
    // Only cells take envelopes; any other ref (an ask's reply target) gets the plain message.
    if (to instanceof ActorCell) to.deliver(new Envelope(message, undefined, undefined, 0, trace, this.clock.now(), depth));
    else (to as ActorRef<unknown>).tell(message);
  }

  publishTraced(topic: string, message: unknown, trace: Trace, depth: number): void {
    // One immutable envelope for every subscriber, delivered in the bus's own order.
    const targets = this.bus.targets(topic);
    if (targets.length === 0) return;
    const envelope = new Envelope(message, undefined, undefined, 0, trace, this.clock.now(), depth);
    for (let i = 0; i < targets.length; i++) {
      const { subscriber, accept } = targets[i]!;
      if (accept !== undefined && !accept(message)) continue;
      if (subscriber instanceof ActorCell) subscriber.deliver(envelope);
      else subscriber.enqueue(message, undefined);
    }
  }

  traceHop(trace: Trace, path: string, sentUs: number, depth: number, message: unknown): void {
    try {
      this.traceSink?.hop(trace, path, sentUs, this.clock.now(), depth, message);
    } catch (error) {
      if (this.traceSinkFailed) return;
      this.traceSinkFailed = true;
      this.log.warn({ err: error, actor: path }, 'the trace sink threw; its later throws are not logged');
    }
  }

  restartExited(cell: ActorCell): void {
    restart(this, cell.parent!, cell, new TickflowError('ACTOR_FAILED', `${cell.path} exited; permanent children are restarted`, { actor: cell.path }));
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

  protected onFailure(failure: Failure): void {
    handleFailure(this, failure);
  }

  // ---- Internals --------------------------------------------------------------------------

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
    this.stopTimers();
    this.wakeRoomWaiters();
    for (const ask of [...this.pendingAsks]) ask.fail(new TickflowError('SYSTEM_STOPPED', `${ask.path}: the system stopped before a reply`));
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

/**
 * Validates an actor's config and mailbox and, recursively, its static children's, before
 * anything is spawned, so a bad one leaves no half-built tree. Returns the parsed config.
 */
function validateTree(definition: ActorDefinition<any, any, any>, options: SpawnOptions<any>, mailbox: MailboxConfig, path: string): unknown {
  let config: unknown;
  try {
    checkMailboxConfig(mailbox);
    config = definition.config === undefined ? options.config : definition.config.parse(options.config);
  } catch (error) {
    if (error instanceof TickflowError) throw error;
    throw new TickflowError('CONFIG_INVALID', `${path}: ${error instanceof Error ? error.message : String(error)}`, { actor: path }, { cause: error });
  }
  for (const spec of definition.children ?? []) {
    const childMailbox: MailboxConfig = { ...defaultMailbox, ...spec.actor.mailbox, ...spec.mailbox };
    validateTree(spec.actor, spec, childMailbox, `${path}/${spec.name ?? spec.actor.name}`);
  }
  return config;
}

/** Creates an actor system. */
export function createActorSystem(options: ActorSystemOptions = {}): ActorSystem {
  return new ActorSystem(options);
}
