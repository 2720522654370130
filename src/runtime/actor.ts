/**
 * What an actor is: a definition (name, optional config schema, `init`, synchronous `receive`,
 * optional lifecycle hooks, mailbox and supervision settings, static children) spawned into an
 * actor system, and the `ActorContext` through which it has every effect. `receive(state, msg,
 * ctx)` returns the next state; it never awaits. I/O goes through `ctx.pipe`, whose outcome comes
 * back as a message, so an actor handles one message at a time (DESIGN.md, Runtime contract).
 *
 * A supervisor is an actor too: any definition may list `children` (started in order after it
 * starts, stopped in reverse order) and a `supervision` policy for them. `defineSupervisor` is
 * the shorthand for one that does nothing else.
 */
import type { BusFilter } from './bus.js';
import type { Logger } from './logger.js';
import type { MailboxConfig } from './mailbox.js';
import type { Random } from './random.js';
import type { RestartType, SupervisionPolicy } from './supervision.js';

/** A handle to send messages to an actor. Stays valid across restarts. */
export interface ActorRef<M = unknown> {
  /** Unique slash-separated path, e.g. `pipeline/bars`. */
  readonly path: string;
  /**
   * Sends a message. Never refused: it is queued, or counted under the mailbox policy, or
   * dead-lettered. Carries no sender: only `ask` has a reply target.
   */
  tell(message: M): void;
  /**
   * Sends a message and waits for the reply the actor gives with `ctx.reply`. Always settles:
   * `ASK_TIMEOUT` after `timeout` microseconds of engine time (default 5 s); at once
   * `ASK_TARGET_STOPPED` when the actor is stopped or stops (or restarts) before replying,
   * `ASK_DROPPED` when the mailbox policy or the stash bound discards the message, `ACTOR_FAILED`
   * when the message makes the actor throw, `SYSTEM_STOPPED` when the system stops first.
   */
  ask<R = unknown>(message: M, options?: { timeout?: number }): Promise<R>;
}

/** Engine time and timers for an actor. Timer messages arrive through the mailbox. */
export interface ActorClock<M> {
  /** Engine time, integer microseconds since the epoch. */
  now(): number;
  /** Sends `message` to self after `delayUs`, or every `delayUs` when `periodic`. Replaces a timer with the same key. */
  startTimer(key: string, delayUs: number, message: M, periodic?: boolean): void;
  /** Sends `message` to self at engine time `atUs` (at once if it has passed). Replaces a timer with the same key. */
  startTimerAt(key: string, atUs: number, message: M): void;
  /** Cancels the timer with this key, if any. */
  cancelTimer(key: string): void;
}

/** The outcome of a piped promise. */
export type PipeOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** Everything an actor may do, passed to `receive` and the hooks. One object per actor, reused. */
export interface ActorContext<M> {
  readonly self: ActorRef<M>;
  /**
   * The reply target while an asked message is processed, else `undefined`. `reply` answers it;
   * an actor that answers later keeps this ref and `tell`s it the reply.
   */
  readonly asker: ActorRef<unknown> | undefined;
  readonly clock: ActorClock<M>;
  /** This actor's seeded random stream. */
  readonly random: Random;
  readonly log: Logger;
  /** Sends to another actor. Never refused (DESIGN.md, backpressure). */
  send<T>(to: ActorRef<T>, message: T): void;
  /** Answers the `ask` being processed; does nothing for a plain message. */
  reply(message: unknown): void;
  /** Publishes on the bus: every subscriber whose pattern matches gets it, in publish order. */
  publish(topic: string, message: unknown): void;
  /**
   * Subscribes this incarnation to a topic pattern: whole segments by prefix (`md.binance` matches
   * `md.binance.X.trade`), `*` for exactly one segment (`md.*.*.trade`). Such subscriptions end
   * with the incarnation: while a restart waits, what they deliver is stashed; the new
   * incarnation subscribes again in `onStart`. Wiring subscriptions (`system.subscribe`) survive.
   * `accept`, when given, is called with each message published on a matching topic, on the
   * publisher's turn, and only what it takes is delivered: a pure function of the message (it
   * must not read this actor's state, which belongs to another turn).
   */
  subscribe(pattern: string, accept?: BusFilter): void;
  unsubscribe(pattern: string): void;
  /**
   * Spawns a child of this actor, supervised by this actor's `supervision` policy. Children die
   * with their parent's restart: refs to them go stale (they dead-letter), and the new incarnation
   * spawns its own.
   */
  spawn<C, S, N>(definition: ActorDefinition<C, S, N>, options?: SpawnOptions<C>): ActorRef<N>;
  /** Stops a child (draining it), or self when no ref is given (after the current message; the rest is dead-lettered). */
  stop(ref?: ActorRef<never>): void;
  /** Runs I/O off the actor: the outcome comes back to self as `toMessage(outcome)`. */
  pipe<T>(promise: Promise<T>, toMessage: (outcome: PipeOutcome<T>) => M): void;
}

/** Anything with zod's `parse`, so the kernel does not depend on a schema library. */
export interface ConfigSchema<C> {
  parse(input: unknown): C;
}

/** An actor definition: data plus functions. Create with `defineActor`. */
export interface ActorDefinition<C, S, M> {
  readonly name: string;
  readonly config?: ConfigSchema<C>;
  /** Fresh state, at spawn and at every restart. */
  init(config: C, ctx: ActorContext<M>): S;
  receive(state: S, message: M, ctx: ActorContext<M>): S;
  /**
   * Optional, for hot actors: processes `messages[from]` to `messages[to - 1]` in one call and
   * returns the next state, so the per-message dispatch cost goes. `messages` is the mailbox's own
   * buffer, valid only during the call (do not keep it). What the actor delivers to itself during
   * the call is queued after the batch. A throw fails the actor and every message of the batch is
   * counted as failed (which one threw is unknown; use `receive` alone where that matters). Asks,
   * timer messages, conflating mailboxes and sampled turns still go through `receive`.
   */
  receiveBatch?(state: S, messages: readonly M[], from: number, to: number, ctx: ActorContext<M>): S;
  /** After `init`, before the first message: subscribe, start timers. Returns the state. */
  onStart?(state: S, ctx: ActorContext<M>): S;
  /** When stopping, after the mailbox drained. A returned promise (a flush) is awaited up to the shutdown deadline. */
  onStop?(state: S, ctx: ActorContext<M>): void | Promise<void>;
  /**
   * Cleanup before a restart, with the failed state and the error. Without it, a restart runs
   * `onStop` instead (Akka's default `preRestart`), so a writer that flushes in `onStop` keeps its
   * data across restarts. A returned promise is awaited, up to the shutdown deadline, before the
   * next incarnation's `init`. Runs once per incarnation.
   */
  beforeRestart?(state: S, error: unknown, ctx: ActorContext<M>): void | Promise<void>;
  readonly mailbox?: Partial<MailboxConfig>;
  /** Policy for this actor's children. */
  readonly supervision?: Partial<SupervisionPolicy>;
  /** Children started in order after this actor starts. */
  readonly children?: readonly ChildSpec[];
}

/** Options for spawning an actor or declaring a child. */
export interface SpawnOptions<C> {
  /** Unique among siblings; defaults to the definition's name (suffixed if taken). */
  readonly name?: string;
  /**
   * Validated by the definition's `config` schema at spawn, so fields the schema defaults may be
   * left out (hence `Partial` at the top level).
   */
  readonly config?: C extends object ? Partial<C> : C;
  readonly mailbox?: Partial<MailboxConfig>;
  readonly restart?: RestartType;
  /** How long a graceful stop may take before it is forced (default 5 s). */
  readonly shutdownUs?: number;
}

/** A static child of a supervisor. */
export interface ChildSpec<C = any, S = any, M = any> extends SpawnOptions<C> {
  readonly actor: ActorDefinition<C, S, M>;
}

/** Defines an actor. Identity at run time; exists for type inference. */
export function defineActor<C = void, S = undefined, M = unknown>(definition: ActorDefinition<C, S, M>): ActorDefinition<C, S, M> {
  return definition;
}

/** Defines a supervisor: an actor whose only job is its children under `supervision`. */
export function defineSupervisor(options: {
  readonly name: string;
  readonly supervision?: Partial<SupervisionPolicy>;
  readonly children: readonly ChildSpec[];
}): ActorDefinition<void, undefined, never> {
  return {
    name: options.name,
    supervision: options.supervision ?? {},
    children: options.children,
    init: () => undefined,
    receive: (state) => state,
  };
}
