/**
 * Dead letters: messages that reached no one (recipient stopped, stash full during a restart,
 * left in a mailbox when its actor was stopped or forced, a timer message of a cancelled timer or
 * of an earlier incarnation). Each is counted on the intended recipient and in the total;
 * listeners see each one. With no listener nothing is allocated. A listener that throws is
 * logged and counted; it cannot abort the dispatcher that recorded the letter.
 */
import { silentLogger, type Logger } from './logger.js';

/** Why a message became a dead letter. */
export type DeadLetterReason = 'stopped' | 'stash-overflow' | 'unprocessed' | 'stale-timer';

/** One undelivered message. */
export interface DeadLetter {
  readonly recipient: string;
  readonly message: unknown;
  readonly reason: DeadLetterReason;
}

/** The observable stream of dead letters. */
export class DeadLetters {
  private readonly listeners = new Set<(letter: DeadLetter) => void>();
  private total = 0;
  private listenerFailures = 0;
  private readonly log: Logger;

  constructor(log: Logger = silentLogger) {
    this.log = log;
  }

  /** Dead letters so far. */
  get count(): number {
    return this.total;
  }

  /** Calls `listener` for every dead letter from now on; returns the unsubscribe function. */
  subscribe(listener: (letter: DeadLetter) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records one dead letter. Runtime-internal. */
  record(recipient: string, message: unknown, reason: DeadLetterReason): void {
    this.total++;
    if (this.listeners.size === 0) return;
    const letter: DeadLetter = { recipient, message, reason };
    for (const listener of this.listeners) {
      try {
        listener(letter);
      } catch (error) {
        this.listenerFailures++;
        this.log.error({ err: error, recipient }, 'a dead-letter listener threw');
      }
    }
  }

  /** Listener calls that threw. */
  get listenerErrors(): number {
    return this.listenerFailures;
  }
}
