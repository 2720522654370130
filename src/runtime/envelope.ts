/**
 * The rare messages that need more than their payload travel in an `Envelope`: an `ask` (which
 * needs a reply target) and a timer message (which must not reach a later incarnation, or arrive
 * after its timer was cancelled or replaced). Plain sends carry no sender and no wrapper, so the
 * hot path pays nothing for these; a cell counts the envelopes it holds and looks for them only
 * while that count is above zero.
 */
import type { AskRef } from './ask.js';
import type { TimerEntry } from './timer-queue.js';

/** A message with its reply target or its timer. */
export class Envelope {
  readonly message: unknown;
  /** The ask waiting for a reply, for an asked message. */
  readonly asker: AskRef | undefined;
  /** The timer that sent it, for a timer message. */
  readonly timer: TimerEntry | undefined;
  /** The incarnation of the actor that started the timer. */
  readonly incarnation: number;

  constructor(message: unknown, asker: AskRef | undefined, timer: TimerEntry | undefined, incarnation: number) {
    this.message = message;
    this.asker = asker;
    this.timer = timer;
    this.incarnation = incarnation;
  }
}

/** The payload of a queued item, whether wrapped or not. */
export function payloadOf(item: unknown): unknown {
  return item instanceof Envelope ? item.message : item;
}
