/**
 * The rare messages that need more than their payload travel in an `Envelope`: an `ask` (which
 * needs a reply target), a timer message (which must not reach a later incarnation, or arrive
 * after its timer was cancelled or replaced) and a traced message (`trace.ts`, which carries its
 * trace and when it was sent). Plain sends carry no sender and no wrapper, so the hot path pays
 * nothing for these; a cell counts the envelopes it holds and looks for them only while that
 * count is above zero.
 */
import type { AskRef } from './ask.js';
import type { TimerEntry } from './timer-queue.js';
import type { Trace } from './trace.js';

/** A message with its reply target, its timer or its trace. */
export class Envelope {
  readonly message: unknown;
  /** The ask waiting for a reply, for an asked message. */
  readonly asker: AskRef | undefined;
  /** The timer that sent it, for a timer message. */
  readonly timer: TimerEntry | undefined;
  /** The incarnation of the actor that started the timer. */
  readonly incarnation: number;
  /** The sampled trace it belongs to, for a traced message. */
  readonly trace: Trace | undefined;
  /** When a traced message was sent (µs, the system clock); 0 otherwise. */
  readonly sentUs: number;
  /** Hops from the trace's source (1 for what a source offered); 0 untraced. */
  readonly depth: number;

  constructor(message: unknown, asker: AskRef | undefined, timer: TimerEntry | undefined, incarnation: number, trace: Trace | undefined = undefined, sentUs = 0, depth = 0) {
    // Every field assigned in one order: asks, timers and traces share one hidden class.
    this.message = message;
    this.asker = asker;
    this.timer = timer;
    this.incarnation = incarnation;
    this.trace = trace;
    this.sentUs = sentUs;
    this.depth = depth;
  }
}

/** The payload of a queued item, whether wrapped or not. */
export function payloadOf(item: unknown): unknown {
  return item instanceof Envelope ? item.message : item;
}
