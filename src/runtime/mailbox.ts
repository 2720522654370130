/**
 * A bounded mailbox: a growable ring buffer of messages with their senders, and an overflow
 * policy that is data (DESIGN.md, Runtime contract):
 *
 * - `backpressure`: never drops. Sends between actors are always accepted, so the buffer may grow
 *   past `capacity` by what is in flight; sources are refused at capacity by admission control in
 *   the actor system (`offer`), which is what bounds memory.
 * - `dropOldest`: at capacity the oldest queued message is evicted (counted) and the new one queued.
 * - `dropNewest`: at capacity the new message is discarded (counted).
 * - `conflate`: a message whose key (from `conflateKey`) is already queued replaces it (counted as
 *   conflated). The old entry becomes a tombstone and the new one is appended, so each sender's
 *   order is kept. A new key at capacity evicts the oldest (counted as dropped).
 * - `fail`: at capacity the new message is refused and the owning actor fails; its supervisor decides.
 *
 * The mailbox only reports what happened; the actor cell does the counting.
 */

/** What happens to a message that arrives at a full mailbox. */
export type OverflowPolicy = 'backpressure' | 'dropOldest' | 'dropNewest' | 'conflate' | 'fail';

/** Mailbox settings. `conflateKey` is required with `conflate`. */
export interface MailboxConfig {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly conflateKey?: ((message: never) => unknown) | undefined;
}

/** Default mailbox: 1,024 messages under admission control. */
export const defaultMailbox: MailboxConfig = { capacity: 1024, overflow: 'backpressure' };

/** Outcome of `push`, as small integers so the hot path compares numbers. */
export const PUSHED = 0;
export const DROPPED_NEW = 1;
export const DROPPED_OLD = 2;
export const CONFLATED = 3;
export const OVERFLOW = 4;
export type PushOutcome = typeof PUSHED | typeof DROPPED_NEW | typeof DROPPED_OLD | typeof CONFLATED | typeof OVERFLOW;

const TOMBSTONE: unique symbol = Symbol('tombstone');

/** A FIFO of messages with an overflow policy. */
export class Mailbox<S = unknown> {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  // Every field is initialised here in one order so all mailboxes share a hidden class.
  private msgs: unknown[];
  private senders: (S | undefined)[];
  private keys: unknown[] | null;
  private readonly keyOf: ((message: unknown) => unknown) | null;
  private readonly index: Map<unknown, number> | null;
  private head: number;
  private tail: number;
  private mask: number;
  private live: number;
  /** Sender of the message most recently returned by `shift` (avoids a tuple per message). */
  lastSender: S | undefined;

  constructor(config: MailboxConfig) {
    if (!Number.isInteger(config.capacity) || config.capacity < 1) {
      throw new RangeError(`mailbox capacity must be a positive integer, got ${config.capacity}`);
    }
    if (config.overflow === 'conflate' && config.conflateKey === undefined) {
      throw new RangeError('a conflate mailbox needs a conflateKey function');
    }
    this.capacity = config.capacity;
    this.overflow = config.overflow;
    let size = 16;
    while (size < Math.min(config.capacity, 1 << 16)) size <<= 1;
    this.msgs = new Array<unknown>(size).fill(undefined);
    this.senders = new Array<S | undefined>(size).fill(undefined);
    const conflating = config.overflow === 'conflate';
    this.keys = conflating ? new Array<unknown>(size).fill(undefined) : null;
    this.keyOf = conflating ? (config.conflateKey as (message: unknown) => unknown) : null;
    this.index = conflating ? new Map() : null;
    this.head = 0;
    this.tail = 0;
    this.mask = size - 1;
    this.live = 0;
    this.lastSender = undefined;
  }

  /** Messages queued (tombstones excluded). */
  get size(): number {
    return this.live;
  }

  /** Queues a message under the policy and says what happened. */
  push(message: unknown, sender: S | undefined): PushOutcome {
    if (this.index !== null) return this.pushConflating(message, sender);
    if (this.live >= this.capacity) {
      switch (this.overflow) {
        case 'dropNewest':
          return DROPPED_NEW;
        case 'fail':
          return OVERFLOW;
        case 'dropOldest':
          this.shift();
          this.append(message, sender);
          return DROPPED_OLD;
        default:
          break; // backpressure: accept beyond capacity
      }
    }
    this.append(message, sender);
    return PUSHED;
  }

  private pushConflating(message: unknown, sender: S | undefined): PushOutcome {
    const key = this.keyOf!(message);
    const at = this.index!.get(key);
    if (at !== undefined) {
      const slot = at & this.mask;
      this.msgs[slot] = TOMBSTONE;
      this.senders[slot] = undefined;
      this.keys![slot] = undefined;
      this.live--;
      this.appendKeyed(message, sender, key);
      return CONFLATED;
    }
    let outcome: PushOutcome = PUSHED;
    if (this.live >= this.capacity) {
      this.shift();
      outcome = DROPPED_OLD;
    }
    this.appendKeyed(message, sender, key);
    return outcome;
  }

  /**
   * Appends without applying the policy: the caller has checked there is room (or that the policy
   * accepts beyond capacity). Never for conflating mailboxes, which always go through `push`.
   */
  append(message: unknown, sender: S | undefined): void {
    if (this.tail - this.head > this.mask) this.grow();
    const slot = this.tail & this.mask;
    this.msgs[slot] = message;
    this.senders[slot] = sender;
    this.tail++;
    this.live++;
  }

  private appendKeyed(message: unknown, sender: S | undefined, key: unknown): void {
    if (this.tail - this.head > this.mask) this.grow();
    const slot = this.tail & this.mask;
    this.msgs[slot] = message;
    this.senders[slot] = sender;
    this.keys![slot] = key;
    this.index!.set(key, this.tail);
    this.tail++;
    this.live++;
  }

  /** Removes and returns the oldest message (its sender in `lastSender`), or `undefined`. */
  shift(): unknown {
    if (this.index === null && this.live > 0) {
      // No tombstones without conflation: the head slot holds the next message.
      const slot = this.head & this.mask;
      const message = this.msgs[slot];
      this.msgs[slot] = undefined;
      this.lastSender = this.senders[slot];
      this.senders[slot] = undefined;
      this.head++;
      this.live--;
      return message;
    }
    while (this.head < this.tail) {
      const slot = this.head & this.mask;
      const message = this.msgs[slot];
      this.msgs[slot] = undefined;
      this.head++;
      if (message === TOMBSTONE) continue;
      this.lastSender = this.senders[slot];
      this.senders[slot] = undefined;
      if (this.index !== null) {
        this.index.delete(this.keys![slot]);
        this.keys![slot] = undefined;
      }
      this.live--;
      return message;
    }
    this.lastSender = undefined;
    return undefined;
  }

  /** Empties the mailbox, handing each message and sender to `each` in order. */
  drain(each: (message: unknown, sender: S | undefined) => void): void {
    while (this.live > 0) {
      const message = this.shift();
      each(message, this.lastSender);
    }
  }

  private grow(): void {
    const oldSize = this.mask + 1;
    const size = oldSize * 2;
    const msgs = new Array<unknown>(size).fill(undefined);
    const senders = new Array<S | undefined>(size).fill(undefined);
    const keys = this.keys === null ? null : new Array<unknown>(size).fill(undefined);
    for (let i = this.head; i < this.tail; i++) {
      const from = i & this.mask;
      const to = i & (size - 1);
      msgs[to] = this.msgs[from];
      senders[to] = this.senders[from];
      if (keys !== null) keys[to] = this.keys![from];
    }
    this.msgs = msgs;
    this.senders = senders;
    this.keys = keys;
    this.mask = size - 1;
  }
}
