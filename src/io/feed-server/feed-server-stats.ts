/**
 * Counters of a feed server: connections, frames, requests, faults injected, and why connections
 * were closed. Plain numbers bumped in place (no per-frame allocation); `FeedServer.stats` hands
 * out a copy.
 */
import type { FaultCounts } from './fault-injector.js';

/** Why the server closed connections, counted. */
export interface CloseCounts {
  /** Over the incoming message limit (closed 1008). */
  rateLimited: number;
  /** A ping unanswered within the pong timeout (terminated). */
  pongTimeout: number;
  /** Reached the maximum connection age (closed 1001 after `serverShutdown`). */
  maxAge: number;
  /** Fell further behind than `maxBufferedBytes` at a speed factor (closed 1008). */
  slowConsumer: number;
  /** End of the data without `loop` (closed 1000). */
  endOfData: number;
}

/** The replay timeline's position. */
export interface ReplayStats {
  /** Replay clock: the recording's receive time now, µs since the epoch (0 before the first record is read). */
  readonly timeUs: number;
  /** Replay time since the pass's first record, µs. */
  readonly offsetUs: number;
  /** Events handled in this pass (sent, skipped, or REST-only like snapshots). */
  readonly events: number;
  /** Passes started (more than 1 only with `loop`). */
  readonly passes: number;
  readonly paused: boolean;
  readonly stalled: boolean;
  /** The data ended (never with `loop`). */
  readonly ended: boolean;
}

/** A snapshot of a feed server's counters. */
export interface FeedServerStats {
  /** Connections open now, and ever accepted. */
  readonly connections: number;
  readonly connectionsTotal: number;
  /** Stream frames sent (one per frame per connection; replies to requests not included). */
  readonly framesSent: number;
  /** Stream requests answered (SUBSCRIBE and the rest, errors included). */
  readonly requests: number;
  readonly restRequests: number;
  /** The largest unsent byte count seen on any connection right after a send. */
  readonly peakBufferedBytes: number;
  /** Faults injected, by kind, and their total. */
  readonly faults: Readonly<FaultCounts> & { readonly total: number };
  readonly closes: Readonly<CloseCounts>;
  readonly replay: ReplayStats;
}

/** The mutable counters behind `FeedServerStats` (faults and replay are kept by their owners). */
export class FeedServerCounters {
  connections: number;
  connectionsTotal: number;
  framesSent: number;
  requests: number;
  restRequests: number;
  peakBufferedBytes: number;
  readonly closes: CloseCounts;

  constructor() {
    this.connections = 0;
    this.connectionsTotal = 0;
    this.framesSent = 0;
    this.requests = 0;
    this.restRequests = 0;
    this.peakBufferedBytes = 0;
    this.closes = { rateLimited: 0, pongTimeout: 0, maxAge: 0, slowConsumer: 0, endOfData: 0 };
  }
}
