/**
 * `ctx.clock` of one actor: engine time and keyed timers whose messages arrive through the
 * mailbox (so a timer message is ordered with every other message, and a backtest fires it at the
 * right simulated instant). Starting a timer with a key that is already set replaces it.
 *
 * A timer message is delivered only to the incarnation that started the timer, and only while the
 * timer is current: one that was queued before its timer was cancelled or replaced, or before the
 * actor restarted or stopped, is dead-lettered as `stale-timer` when it surfaces. The rule is the
 * same under the live and the simulated clock, so live runs and replays agree.
 */
import type { ActorClock } from './actor.js';
import type { Clock } from './clock.js';
import { Envelope } from './envelope.js';
import type { TimerEntry, TimerQueue } from './timer-queue.js';

/** What a timer needs from its actor cell. */
export interface TimerOwner {
  readonly kernel: { readonly clock: Clock; readonly timers: TimerQueue; timersChanged(): void };
  readonly timerEntries: Map<string, TimerEntry>;
  readonly incarnation: number;
  deliver(item: unknown): void;
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
    this.schedule(key, this.now() + interval, message, periodic ? interval : 0, this.owner.incarnation);
  }

  startTimerAt(key: string, atUs: number, message: unknown): void {
    this.schedule(key, Math.max(Math.floor(atUs), this.now()), message, 0, this.owner.incarnation);
  }

  cancelTimer(key: string): void {
    const entry = this.owner.timerEntries.get(key);
    if (entry !== undefined) {
      entry.live = false;
      entry.revoked = true;
      this.owner.timerEntries.delete(key);
    }
  }

  private schedule(key: string, due: number, message: unknown, interval: number, incarnation: number): void {
    const owner = this.owner;
    this.cancelTimer(key);
    const fire = (): void => {
      // A periodic timer's next entry is a new current timer; this one's message stays valid. A
      // one-shot entry stays under its key after firing (the map is bounded by the keys), so a
      // cancel before its message is processed still revokes it.
      if (interval > 0 && owner.timerEntries.get(key) === entry) {
        owner.timerEntries.delete(key);
        this.schedule(key, due + interval, message, interval, incarnation);
      }
      owner.deliver(new Envelope(message, undefined, entry, incarnation));
    };
    const entry = owner.kernel.timers.add(due, fire);
    owner.timerEntries.set(key, entry);
    owner.kernel.timersChanged();
  }
}

/** Revokes every timer of an actor (restart or stop). */
export function revokeTimers(entries: Map<string, TimerEntry>): void {
  for (const entry of entries.values()) {
    entry.live = false;
    entry.revoked = true;
  }
  entries.clear();
}
