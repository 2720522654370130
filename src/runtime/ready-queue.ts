/**
 * The dispatcher's FIFO of cells waiting for a turn: a ring buffer that keeps its storage.
 *
 * Why a ring and not an array emptied with `length = 0`: V8 drops an array's backing store when its
 * length is set to 0, so the first push after every idle period allocated a new one (measured:
 * about 150 bytes per live drain, with one socket frame typically causing one drain). The ring
 * allocates only when it grows (doubling, kept afterwards), and its indices stay small integers
 * however long the process runs (`head` is masked, `size` is a count), so they never leave V8's
 * small-integer range.
 */
import type { ActorCell } from './actor-cell.js';

/** A growable FIFO ring of cells. Order: first pushed, first shifted. */
export class ReadyQueue {
  // Every field is initialised here in one order (one hidden class; the drain loop reads them).
  private buf: (ActorCell | undefined)[];
  private head: number;
  private count: number;
  private mask: number;

  constructor(initialSize = 64) {
    let size = 16;
    while (size < initialSize) size <<= 1;
    this.buf = new Array<ActorCell | undefined>(size).fill(undefined);
    this.head = 0;
    this.count = 0;
    this.mask = size - 1;
  }

  /** Cells waiting. */
  get size(): number {
    return this.count;
  }

  /** Appends a cell; grows the ring (the only allocation) when it is full. */
  push(cell: ActorCell): void {
    if (this.count > this.mask) this.grow();
    this.buf[(this.head + this.count) & this.mask] = cell;
    this.count++;
  }

  /** Removes and returns the oldest cell; the caller checks `size` first. */
  shift(): ActorCell {
    const head = this.head;
    const cell = this.buf[head]!;
    this.buf[head] = undefined;
    this.head = (head + 1) & this.mask;
    this.count--;
    return cell;
  }

  private grow(): void {
    const size = (this.mask + 1) * 2;
    const buf = new Array<ActorCell | undefined>(size).fill(undefined);
    for (let i = 0; i < this.count; i++) buf[i] = this.buf[(this.head + i) & this.mask];
    this.buf = buf;
    this.head = 0;
    this.mask = size - 1;
  }
}
