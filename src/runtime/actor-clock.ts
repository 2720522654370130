/**
 * `ctx.clock` of one actor: engine time and keyed timers whose messages arrive through the
 * mailbox (so a timer message is ordered with every other message, and a backtest fires it at the
 * right simulated instant). Starting a timer with a key that is already set replaces it. A
 * restart or stop cancels all of the actor's timers.
 */
import type { ActorClock } from './actor.js';
import type { Clock } from './clock.js';
import type { TimerEntry, TimerQueue } from './timer-queue.js';

/** What a timer needs from its actor cell. */
export interface TimerOwner {
  readonly kernel: { readonly clock: Clock; readonly timers: TimerQueue; timersChanged(): void };
  readonly timerEntries: Map<string, TimerEntry>;
  enqueue(message: unknown, sender: undefined): void;
}

/** Timers and time for an actor. */
export class ActorClockImpl implements ActorClock<unknown> {
  private readonly owner: TimerOwner;

  constructor(owner: TimerOwner) {
    this.owner = owner;
  }

  now(): number {
    return this.owner.kernel.clock.now();
  }

  startTimer(key: string, delayUs: number, message: unknown, periodic = false): void {
    const interval = Math.max(0, Math.floor(delayUs));
    if (periodic && interval === 0) throw new RangeError(`periodic timer ${key} needs a positive interval`);
    this.schedule(key, this.now() + interval, message, periodic ? interval : 0);
  }

  startTimerAt(key: string, atUs: number, message: unknown): void {
    this.schedule(key, Math.max(Math.floor(atUs), this.now()), message, 0);
  }

  cancelTimer(key: string): void {
    const entry = this.owner.timerEntries.get(key);
    if (entry !== undefined) {
      entry.live = false;
      this.owner.timerEntries.delete(key);
    }
  }

  private schedule(key: string, due: number, message: unknown, interval: number): void {
    const owner = this.owner;
    this.cancelTimer(key);
    const fire = (): void => {
      if (interval > 0) this.schedule(key, due + interval, message, interval);
      else owner.timerEntries.delete(key);
      owner.enqueue(message, undefined);
    };
    owner.timerEntries.set(key, owner.kernel.timers.add(due, fire));
    owner.kernel.timersChanged();
  }
}
