/**
 * Dead letters: messages that reached no one (recipient stopped, stash full during a restart,
 * left in a mailbox when its actor was stopped or forced). Each is counted on the intended
 * recipient and in the total; listeners see each one. With no listener nothing is allocated.
 */

/** Why a message became a dead letter. */
export type DeadLetterReason = 'stopped' | 'stash-overflow' | 'unprocessed';

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
    for (const listener of this.listeners) listener(letter);
  }
}
