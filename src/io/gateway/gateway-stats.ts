/**
 * Counters of the gateway: connections and why some were refused, messages in by class, frames
 * out, slow-consumer handling, commands by outcome. Plain numbers bumped in place (no allocation
 * per message); `Gateway.stats()` hands out a copy with a line per connected client. Tokens never
 * appear here: a client is named by its id, role and remote address.
 */
import type { AuditOutcome } from './gateway-commands.js';
import type { GatewayRole } from './token-check.js';

/** Why connections were refused. */
export interface RefusedCounts {
  /** Missing or wrong token (closed 1008). */
  auth: number;
  /** An `Origin` header that is not the daemon's own page (closed 1008). */
  origin: number;
  /** `maxClients` already connected (closed 1013). */
  capacity: number;
  /** The gateway is closing (HTTP 503). */
  closing: number;
}

/** One connected client. */
export interface ClientStats {
  readonly id: number;
  readonly role: GatewayRole;
  readonly remote: string;
  readonly subscriptions: number;
  /** Messages received, by class: `messagesIn = valid + malformed + unknownOps`. */
  readonly messagesIn: number;
  readonly valid: number;
  readonly malformed: number;
  readonly unknownOps: number;
  /** Frames written to its socket. */
  readonly framesOut: number;
  /** Market data messages replaced by a newer one of the same topic before they were sent. */
  readonly conflated: number;
  /** Unsent bytes in its socket, and frames and bytes waiting in its queue. */
  readonly bufferedAmount: number;
  readonly queuedFrames: number;
  readonly queuedBytes: number;
  /** The most it has held at once (socket plus queue), bytes. */
  readonly peakHeldBytes: number;
}

/** A snapshot of the gateway's counters. */
export interface GatewayStats {
  /** Clients connected now, and connections ever admitted. */
  readonly clients: number;
  readonly connectionsTotal: number;
  readonly refused: Readonly<RefusedCounts>;
  /** Client messages, by class: `messagesIn = valid + malformed + unknownOps`. */
  readonly messagesIn: number;
  readonly valid: number;
  readonly malformed: number;
  readonly unknownOps: number;
  /** Frames larger than `maxPayload` (closed 1009 by `ws`), and other protocol errors (bad UTF-8, opcodes). */
  readonly oversize: number;
  readonly protocolErrors: number;
  /** Messages handed to `publish`, and those that could not be serialized. */
  readonly published: number;
  readonly unserializable: number;
  /** Publishes that failed inside the gateway (none expected; logged once). */
  readonly publishErrors: number;
  /** Topics whose latest message is kept, and topics evicted to stay within `maxTopics`. */
  readonly topics: number;
  readonly topicsEvicted: number;
  /** Frames written to sockets (all clients). */
  readonly framesOut: number;
  /** Market data messages conflated (all clients, connected or gone). */
  readonly conflated: number;
  /** Clients closed with 1013 for falling more than `sendBufferBytes` behind. */
  readonly disconnectedSlow: number;
  /** Clients terminated for not answering a ping. */
  readonly heartbeatTimeouts: number;
  /** Command attempts by outcome. */
  readonly commands: Readonly<Record<AuditOutcome, number>>;
  readonly perClient: readonly ClientStats[];
}

/** The mutable counters behind `GatewayStats` (per-client figures live on each client). */
export class GatewayCounters {
  connectionsTotal: number;
  readonly refused: RefusedCounts;
  messagesIn: number;
  valid: number;
  malformed: number;
  unknownOps: number;
  oversize: number;
  protocolErrors: number;
  published: number;
  framesOut: number;
  conflated: number;
  disconnectedSlow: number;
  heartbeatTimeouts: number;
  readonly commands: Record<AuditOutcome, number>;

  constructor() {
    this.connectionsTotal = 0;
    this.refused = { auth: 0, origin: 0, capacity: 0, closing: 0 };
    this.messagesIn = 0;
    this.valid = 0;
    this.malformed = 0;
    this.unknownOps = 0;
    this.oversize = 0;
    this.protocolErrors = 0;
    this.published = 0;
    this.framesOut = 0;
    this.conflated = 0;
    this.disconnectedSlow = 0;
    this.heartbeatTimeouts = 0;
    this.commands = { ok: 0, failed: 0, refused: 0, error: 0 };
  }
}
