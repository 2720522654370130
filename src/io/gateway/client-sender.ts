/**
 * The sending half of a gateway client: the slow-consumer policy, so a client that cannot keep up
 * never slows the engine.
 *
 * While the socket has fewer than `slowClientBytes` unsent and nothing is queued, a frame goes
 * straight to the socket. Otherwise the client is slow and the frame joins its `ConflatingQueue`:
 * market data (a conflation key given) replaces the same topic's waiting frame, counted; anything
 * else (orders, fills, risk, replies) waits, in order. Every write carries one callback bound per
 * client (not a closure per frame) that refills the socket from the queue as it drains. When unsent
 * plus queued bytes pass `sendBufferBytes`, `tooSlow` is called (the client closes with 1013 and
 * its queue is dropped): events that must never be dropped cannot wait without bound. So a client
 * holds at most `sendBufferBytes` plus one frame, and `send` never blocks or throws.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { ConflatingQueue } from './conflating-queue.js';
import type { ResolvedGatewayOptions } from './gateway-options.js';
import type { GatewayCounters } from './gateway-stats.js';

const OPEN = 1;
const TEXT = { binary: false } as const;

/** Paces one client's frames: straight through, queued and conflated, or cut. */
export class ClientSender {
  /** Frames written to the socket. */
  framesOut: number;
  /** Market data frames replaced by a newer one of the same topic before they were sent. */
  conflated: number;
  /** The most held at once, socket plus queue, bytes. */
  peakHeldBytes: number;
  private readonly ws: WebSocket;
  /** The TCP socket under `ws`, corked while a burst of frames is written (see `write`). */
  private readonly socket: Duplex;
  private readonly options: ResolvedGatewayOptions;
  private readonly counters: GatewayCounters;
  private readonly tooSlow: (heldBytes: number) => void;
  private readonly queue: ConflatingQueue;
  /** Bound once: the write callback that refills the socket as it drains. */
  private readonly onWritten: (error?: Error | null) => void;
  /** Bound once: uncorks the socket at the end of a burst. */
  private readonly uncork: () => void;
  private corked: boolean;
  private stopped: boolean;

  // Every field is set here, in declaration order, so all senders share one hidden class.
  constructor(ws: WebSocket, socket: Duplex, options: ResolvedGatewayOptions, counters: GatewayCounters, tooSlow: (heldBytes: number) => void) {
    this.framesOut = 0;
    this.conflated = 0;
    this.peakHeldBytes = 0;
    this.ws = ws;
    this.socket = socket;
    this.options = options;
    this.counters = counters;
    this.tooSlow = tooSlow;
    this.queue = new ConflatingQueue();
    // Node calls write callbacks with `null` on success, an Error on failure.
    this.onWritten = (error?: Error | null) => {
      if (error == null && this.queue.length > 0) this.flush();
    };
    this.uncork = () => {
      this.corked = false;
      this.socket.uncork();
    };
    this.corked = false;
    this.stopped = false;
  }

  /** Frames and bytes waiting in the queue. */
  get queuedFrames(): number {
    return this.queue.length;
  }
  get queuedBytes(): number {
    return this.queue.bytes;
  }

  /** Sends `frame` now, or queues it (under `conflateKey` when given), or cuts the client. */
  send(frame: Buffer, conflateKey: string | null): void {
    if (this.stopped) return;
    const ws = this.ws;
    if (this.queue.length === 0 && ws.bufferedAmount < this.options.slowClientBytes) {
      this.write(frame);
      return;
    }
    if (conflateKey === null) this.queue.push(frame);
    else if (this.queue.putLatest(conflateKey, frame)) {
      this.conflated++;
      this.counters.conflated++;
    }
    const held = ws.bufferedAmount + this.queue.bytes;
    if (held > this.peakHeldBytes) this.peakHeldBytes = held;
    if (held > this.options.sendBufferBytes) {
      this.counters.disconnectedSlow++;
      this.stop();
      this.tooSlow(held);
    }
  }

  /** Refills the socket if it drained without a write callback noticing (a safety net). */
  flush(): void {
    const limit = this.options.slowClientBytes;
    while (!this.stopped && this.queue.length > 0 && this.ws.bufferedAmount < limit) this.write(this.queue.shift()!);
  }

  /** Sends nothing more and drops the queue. */
  stop(): void {
    this.stopped = true;
    this.queue.clear();
  }

  /**
   * Writes one frame. The first write of a burst corks the socket until the end of the current
   * tick, so the frames the engine publishes in one turn leave in one `writev` system call rather
   * than one each (measured: the system call was two thirds of a frame's cost). Corked bytes count
   * in `bufferedAmount`, so a burst larger than `slowClientBytes` queues and conflates like a slow
   * client until the socket takes it.
   */
  private write(frame: Buffer): void {
    if (this.ws.readyState !== OPEN) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.ws.send(frame, TEXT, this.onWritten);
    this.framesOut++;
    this.counters.framesOut++;
    const held = this.ws.bufferedAmount + this.queue.bytes;
    if (held > this.peakHeldBytes) this.peakHeldBytes = held;
  }
}
