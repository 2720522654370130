/**
 * A bounded mailbox: a growable ring buffer of messages and an overflow policy that is data
 * (DESIGN.md, Runtime contract):
 *
 * - `backpressure`: never drops. Sends between actors are always accepted, so the buffer may grow
 *   past `capacity` by what is in flight; sources are refused at capacity by admission control in
 *   the actor system (`offer`), which is what bounds memory.
 * - `dropOldest`: at capacity the oldest queued message is evicted (counted) and the new one queued.
 * - `dropNewest`: at capacity the new message is discarded (counted).
 * - `conflate`: a message whose key is already queued replaces it (counted as conflated). The old
 *   entry becomes a tombstone and the new one is appended, so each sender's order is kept. A new
 *   key at capacity evicts the oldest (counted as dropped). Tombstones are compacted away once they
 *   outnumber the capacity, so memory stays bounded by the capacity whatever the traffic.
 * - `fail`: at capacity the new message is refused and the owning actor fails; its supervisor decides.
 *
 * The mailbox only reports what happened (and which message it evicted, in `evicted`); the actor
 * cell does the counting, computes conflation keys (so a throwing key function is the cell's
 * failure, not the publisher's) and settles asks whose message was evicted.
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

/** Checks a mailbox config; throws a `RangeError` naming what is wrong. */
export function checkMailboxConfig(config: MailboxConfig): void {
  if (!Number.isInteger(config.capacity) || config.capacity < 1) {
    throw new RangeError(`mailbox capacity must be a positive integer, got ${config.capacity}`);
  }
  if (config.overflow === 'conflate' && typeof config.conflateKey !== 'function') {
    throw new RangeError('a conflate mailbox needs a conflateKey function');
  }
}

/** A FIFO of messages with an overflow policy. */
export class Mailbox {
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  // Every field is initialised here in one order so all mailboxes share a hidden class (the run
  // loop and `ActorCell.tell` read them on every message).
  buf: unknown[];
  head: number;
  tail: number;
  mask: number;
  /** Conflated-away entries still in the ring (always 0 without conflation). */
  tombstones: number;
  /** The message the last `push` evicted or replaced (`DROPPED_OLD`, `CONFLATED`). */
  evicted: unknown;
  private keys: unknown[] | null;
  private readonly index: Map<unknown, number> | null;

  constructor(config: MailboxConfig) {
    checkMailboxConfig(config);
    this.capacity = config.capacity;
    this.overflow = config.overflow;
    let size = 16;
    while (size < Math.min(config.capacity, 1 << 16)) size <<= 1;
    this.buf = new Array<unknown>(size).fill(undefined);
    this.head = 0;
    this.tail = 0;
    this.mask = size - 1;
    this.tombstones = 0;
    this.evicted = undefined;
    const keyed = config.overflow === 'conflate';
    this.keys = keyed ? new Array<unknown>(size).fill(undefined) : null;
    this.index = keyed ? new Map() : null;
  }

  /** Messages queued (tombstones excluded). */
  get live(): number {
    return this.tail - this.head - this.tombstones;
  }

  /** Queues a message under a non-conflating policy and says what happened. */
  push(message: unknown): PushOutcome {
    if (this.live >= this.capacity) {
      switch (this.overflow) {
        case 'dropNewest':
          return DROPPED_NEW;
        case 'fail':
          return OVERFLOW;
        case 'dropOldest':
          this.evicted = this.shift();
          this.append(message);
          return DROPPED_OLD;
        default:
          break; // backpressure: accept beyond capacity
      }
    }
    this.append(message);
    return PUSHED;
  }

  /** Queues a message of a conflating mailbox under its key (computed by the caller). */
  pushKeyed(message: unknown, key: unknown): PushOutcome {
    const at = this.index!.get(key);
    if (at !== undefined) {
      const slot = at & this.mask;
      this.evicted = this.buf[slot];
      this.buf[slot] = TOMBSTONE;
      this.keys![slot] = undefined;
      this.tombstones++;
      this.appendKeyed(message, key);
      return CONFLATED;
    }
    let outcome: PushOutcome = PUSHED;
    if (this.live >= this.capacity) {
      this.evicted = this.shift();
      outcome = DROPPED_OLD;
    }
    this.appendKeyed(message, key);
    return outcome;
  }

  /**
   * Appends without applying the policy: the caller has checked there is room, or the message
   * was already accepted (unstashed after a restart). Never for conflating mailboxes.
   */
  append(message: unknown): void {
    if (this.tail - this.head > this.mask) this.grow();
    this.buf[this.tail & this.mask] = message;
    this.tail++;
  }

  private appendKeyed(message: unknown, key: unknown): void {
    // Tombstones beyond the capacity are compacted first, so the ring never exceeds about twice
    // the capacity (and the index never holds more than `capacity` keys).
    if (this.tombstones >= this.capacity) this.compact();
    if (this.tail - this.head > this.mask) this.grow();
    const slot = this.tail & this.mask;
    this.buf[slot] = message;
    this.keys![slot] = key;
    this.index!.set(key, this.tail);
    this.tail++;
  }

  /** Removes and returns the oldest message, or `undefined` when empty. */
  shift(): unknown {
    if (this.keys === null) {
      if (this.tail === this.head) return undefined;
      // No tombstones without conflation: the head slot holds the next message.
      const slot = this.head & this.mask;
      const message = this.buf[slot];
      this.buf[slot] = undefined;
      this.head++;
      return message;
    }
    while (this.head < this.tail) {
      const slot = this.head & this.mask;
      const message = this.buf[slot];
      this.buf[slot] = undefined;
      this.head++;
      if (message === TOMBSTONE) {
        this.tombstones--;
        continue;
      }
      this.index!.delete(this.keys[slot]);
      this.keys[slot] = undefined;
      return message;
    }
    return undefined;
  }

  /** Empties the mailbox, handing each message to `each` in order. */
  drain(each: (message: unknown) => void): void {
    while (this.live > 0) each(this.shift());
  }

  /** Ring slots in use, tombstones included (for tests of the memory bound). */
  get footprint(): number {
    return this.tail - this.head;
  }

  private compact(): void {
    const keys = this.keys!;
    const index = this.index!;
    let to = this.head;
    for (let i = this.head; i < this.tail; i++) {
      const slot = i & this.mask;
      const message = this.buf[slot];
      if (message === TOMBSTONE) continue;
      const key = keys[slot];
      this.buf[slot] = undefined;
      keys[slot] = undefined;
      const dest = to & this.mask;
      this.buf[dest] = message;
      keys[dest] = key;
      index.set(key, to);
      to++;
    }
    for (let i = to; i < this.tail; i++) {
      this.buf[i & this.mask] = undefined;
      keys[i & this.mask] = undefined;
    }
    this.tail = to;
    this.tombstones = 0;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    const buf = new Array<unknown>(size).fill(undefined);
    const keys = this.keys === null ? null : new Array<unknown>(size).fill(undefined);
    for (let i = this.head; i < this.tail; i++) {
      const from = i & this.mask;
      const to = i & (size - 1);
      buf[to] = this.buf[from];
      if (keys !== null) keys[to] = this.keys![from];
    }
    this.buf = buf;
    this.keys = keys;
    this.mask = size - 1;
  }
}
