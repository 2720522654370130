/**
 * A slow client's outgoing queue: frames in order, where a frame with a conflation key (a market
 * data topic) replaces the one of the same key still waiting, at that one's place in the queue.
 * So a topic that updates a thousand times while the socket is blocked costs one slot and goes out
 * with its newest value, at the position of its oldest unsent update, and frames without a key
 * (orders, fills, risk, replies) are all kept, in order. `bytes` is what is held, for the
 * caller's bound; the queue itself never refuses.
 *
 * Only a client that has fallen behind uses it; a client that keeps up writes straight to its
 * socket.
 */

/** A FIFO of frames, conflated by key where a key is given. */
export class ConflatingQueue {
  /** A Buffer is a frame; a string is the key of a conflated frame, which waits in `latest`. */
  private items: (Buffer | string)[];
  private head: number;
  private readonly latest: Map<string, Buffer>;
  private byteCount: number;

  constructor() {
    this.items = [];
    this.head = 0;
    this.latest = new Map();
    this.byteCount = 0;
  }

  /** Frames waiting. */
  get length(): number {
    return this.items.length - this.head;
  }

  /** Bytes of the frames waiting. */
  get bytes(): number {
    return this.byteCount;
  }

  /** Appends a frame that is never conflated. */
  push(frame: Buffer): void {
    this.items.push(frame);
    this.byteCount += frame.length;
  }

  /**
   * Queues the frame of `key`, replacing the one still waiting under that key if any (returns
   * true then: one message conflated away).
   */
  putLatest(key: string, frame: Buffer): boolean {
    const previous = this.latest.get(key);
    this.latest.set(key, frame);
    this.byteCount += frame.length;
    if (previous !== undefined) {
      this.byteCount -= previous.length;
      return true;
    }
    this.items.push(key);
    return false;
  }

  /** Takes the next frame, or undefined when empty. */
  shift(): Buffer | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head] = EMPTY; // let the frame be collected before the array is compacted
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    let frame: Buffer;
    if (typeof item === 'string') {
      frame = this.latest.get(item)!;
      this.latest.delete(item);
    } else {
      frame = item;
    }
    this.byteCount -= frame.length;
    return frame;
  }

  /** Drops everything waiting. */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.latest.clear();
    this.byteCount = 0;
  }
}

const EMPTY = Buffer.alloc(0);
