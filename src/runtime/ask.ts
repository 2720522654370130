/**
 * `ask`: send a message with a one-shot reply target and wait for the reply. The message travels
 * in an `Envelope` with its `AskRef`; the actor answers with `ctx.reply` (or keeps `ctx.asker`
 * and replies later). The timeout runs on the system's clock (engine time, so simulated tests
 * drive it).
 *
 * An ask always settles (every rule is enforced where the fate of the message is decided):
 * - replied: resolves with the reply;
 * - its message was dropped, conflated away, evicted by an overflow policy or refused by the stash
 *   bound: `ASK_DROPPED`, at once;
 * - the message made the actor throw: `ACTOR_FAILED`, at once;
 * - the target stopped (or restarted) before replying, or the message was dead-lettered because
 *   the target stopped: `ASK_TARGET_STOPPED`, at once;
 * - still pending when the system stops: `SYSTEM_STOPPED`;
 * - no reply within the timeout: `ASK_TIMEOUT`.
 */
import type { ActorRef } from './actor.js';
import type { Clock } from './clock.js';
import { Envelope } from './envelope.js';
import { TickflowError } from './errors.js';
import type { TimerEntry, TimerQueue } from './timer-queue.js';

/** What asks need from the system: time, timers, and the set of asks still pending. */
export interface AskHost {
  readonly clock: Clock;
  readonly timers: TimerQueue;
  timersChanged(): void;
  /** Asks not settled yet; failed with `SYSTEM_STOPPED` when the system ends. */
  readonly pendingAsks: Set<AskRef>;
  /** True once the system has ended. */
  readonly hasEnded: boolean;
}

/** What an ask needs from its target cell. */
export interface AskTarget {
  readonly path: string;
  readonly isStopped: boolean;
  readonly kernel: AskHost;
  deliver(item: unknown): void;
}

/** The temporary reply target of one `ask`. */
export class AskRef implements ActorRef<unknown> {
  readonly path: string;
  /** The set of the cell that processed the message and has not replied yet, if any. */
  holder: Set<AskRef> | undefined;
  private settled: boolean;
  private timer: TimerEntry | undefined;
  private readonly host: AskHost;
  private readonly resolveFn: (value: unknown) => void;
  private readonly rejectFn: (error: unknown) => void;

  constructor(path: string, host: AskHost, resolve: (value: unknown) => void, reject: (error: unknown) => void) {
    this.path = path;
    this.holder = undefined;
    this.settled = false;
    this.timer = undefined;
    this.host = host;
    this.resolveFn = resolve;
    this.rejectFn = reject;
    host.pendingAsks.add(this);
  }

  get isSettled(): boolean {
    return this.settled;
  }

  armTimeout(timer: TimerEntry): void {
    this.timer = timer;
  }

  /** The reply. Later replies are ignored. */
  tell(message: unknown): void {
    if (this.finish()) this.resolveFn(message);
  }

  ask<R>(): Promise<R> {
    return Promise.reject(new TickflowError('ASK_TARGET_STOPPED', `${this.path} is a reply target and cannot be asked`));
  }

  /** Fails the ask (no-op once settled). */
  fail(error: TickflowError): void {
    if (this.finish()) this.rejectFn(error);
  }

  private finish(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.timer !== undefined) this.timer.live = false;
    this.host.pendingAsks.delete(this);
    this.holder?.delete(this);
    this.holder = undefined;
    return true;
  }
}

/** Asks `target` and returns the reply. `timeoutUs` is engine time. */
export function askCell<R>(target: AskTarget, message: unknown, timeoutUs: number): Promise<R> {
  const host = target.kernel;
  if (host.hasEnded) {
    return Promise.reject(new TickflowError('SYSTEM_STOPPED', `ask to ${target.path}: the system has stopped`, { actor: target.path }));
  }
  if (target.isStopped) {
    return Promise.reject(new TickflowError('ASK_TARGET_STOPPED', `ask to ${target.path}, which is stopped`, { actor: target.path }));
  }
  return new Promise<R>((resolve, reject) => {
    const ref = new AskRef(`${target.path}/$ask`, host, resolve as (value: unknown) => void, reject);
    ref.armTimeout(
      host.timers.add(host.clock.now() + timeoutUs, () =>
        ref.fail(
          new TickflowError('ASK_TIMEOUT', `ask to ${target.path} got no reply within ${timeoutUs} µs`, { actor: target.path, timeoutUs }),
        ),
      ),
    );
    host.timersChanged();
    target.deliver(new Envelope(message, ref, undefined, 0));
  });
}
