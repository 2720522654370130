/**
 * Requests travelling to the paper venue (orders and cancels), in the order they reach it: by
 * arrival time, then by submission. Internal to the paper venue.
 */
import type { VenueOrder } from './paper-order.js';

/** A request on its way to the venue: an order, or a cancel of one. */
export class PendingAction {
  readonly time: number;
  readonly seq: number;
  readonly kind: 'arrive' | 'cancel';
  readonly clientOrderId: string;
  /** The order arriving, or the one the cancel targets when the venue held it at `cancel` time. */
  readonly order: VenueOrder | undefined;

  constructor(time: number, seq: number, kind: 'arrive' | 'cancel', clientOrderId: string, order: VenueOrder | undefined) {
    // Fields in one fixed order (hidden class).
    this.time = time;
    this.seq = seq;
    this.kind = kind;
    this.clientOrderId = clientOrderId;
    this.order = order;
  }
}

/**
 * Requests sorted by `(time, seq)`, consumed from the front. An array with a head index: requests
 * are almost always pushed in time order (constant latency), so insertion is a push, and the
 * consumed prefix is dropped in bulk, not shifted one by one.
 */
export class RequestQueue {
  private readonly items: (PendingAction | undefined)[];
  private head: number;

  constructor() {
    this.items = [];
    this.head = 0;
  }

  /** Requests not yet taken. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Arrival time of the first request, or `undefined` when empty. */
  nextTime(): number | undefined {
    return this.items[this.head]?.time;
  }

  /** Adds a request; `seq` must grow with each call, so equal times keep submission order. */
  push(action: PendingAction): void {
    const a = this.items;
    a.push(action);
    let i = a.length - 1;
    while (i > this.head && (a[i - 1] as PendingAction).time > action.time) {
      a[i] = a[i - 1];
      i--;
    }
    a[i] = action;
  }

  /** Removes and returns the first request if it is due at or before `now`. */
  takeDue(now: number): PendingAction | undefined {
    const a = this.items;
    const action = a[this.head];
    if (action === undefined || action.time > now) return undefined;
    a[this.head++] = undefined;
    if (this.head === a.length) {
      a.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > a.length) {
      a.splice(0, this.head);
      this.head = 0;
    }
    return action;
  }
}
