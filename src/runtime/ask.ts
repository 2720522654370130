/**
 * `ask`: send a message with a one-shot reply target and wait for the reply. The target is a
 * small ref whose `tell` settles the promise. The timeout runs on the system's clock (engine
 * time, so simulated tests drive it). If the message or the target dies unread, the kernel sees
 * the ask ref as the sender of a dead letter and fails the ask at once with `ASK_TARGET_STOPPED`.
 */
import type { ActorRef } from './actor.js';
import type { Clock } from './clock.js';
import { TickflowError } from './errors.js';
import type { TimerEntry, TimerQueue } from './timer-queue.js';

/** What an ask needs from its target cell. */
export interface AskTarget {
  readonly path: string;
  readonly status: string;
  readonly kernel: { readonly clock: Clock; readonly timers: TimerQueue; timersChanged(): void };
  enqueue(message: unknown, sender: ActorRef<never>): void;
}

/** The temporary reply target of one `ask`. */
export class AskRef implements ActorRef<unknown> {
  readonly path: string;
  private settled = false;
  private timer: TimerEntry | undefined = undefined;
  private readonly resolveFn: (value: unknown) => void;
  private readonly rejectFn: (error: unknown) => void;

  constructor(path: string, resolve: (value: unknown) => void, reject: (error: unknown) => void) {
    this.path = path;
    this.resolveFn = resolve;
    this.rejectFn = reject;
  }

  armTimeout(timer: TimerEntry): void {
    this.timer = timer;
  }

  tell(message: unknown): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== undefined) this.timer.live = false;
    this.resolveFn(message);
  }

  ask<R>(): Promise<R> {
    return Promise.reject(new TickflowError('ASK_TARGET_STOPPED', `${this.path} is a reply target and cannot be asked`));
  }

  /** Fails the ask (timeout, or the target stopped). */
  fail(error: TickflowError): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer !== undefined) this.timer.live = false;
    this.rejectFn(error);
  }
}

/** Asks `target` and returns the reply. `timeoutUs` is engine time. */
export function askCell<R>(target: AskTarget, message: unknown, timeoutUs: number): Promise<R> {
  if (target.status === 'stopped') {
    return Promise.reject(new TickflowError('ASK_TARGET_STOPPED', `ask to ${target.path}, which is stopped`, { actor: target.path }));
  }
  return new Promise<R>((resolve, reject) => {
    const ref = new AskRef(`${target.path}/$ask`, resolve as (value: unknown) => void, reject);
    const kernel = target.kernel;
    ref.armTimeout(
      kernel.timers.add(kernel.clock.now() + timeoutUs, () =>
        ref.fail(
          new TickflowError('ASK_TIMEOUT', `ask to ${target.path} got no reply within ${timeoutUs} µs`, { actor: target.path, timeoutUs }),
        ),
      ),
    );
    kernel.timersChanged();
    target.enqueue(message, ref as ActorRef<never>);
  });
}
