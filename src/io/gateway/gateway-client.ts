/**
 * One authenticated gateway connection: its subscriptions and requests, its heartbeat, and its
 * `ClientSender`, which paces what it is sent (conflated or cut when slow: `client-sender.ts`).
 *
 * Every text it sends is parsed (`client-message.ts`), counted in exactly one class and answered
 * with exactly one final frame (`subscribed`, `unsubscribed`, `pong`, `result` or `error`), so a
 * client can match replies to requests; bad input never closes the connection.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Bus, BusSubscriber } from '../../runtime/bus.js';
import { isCommand, isInvalid, parseClientMessage, type ClientMessage, type InvalidMessage } from './client-message.js';
import { ClientSender } from './client-sender.js';
import type { CommandRunner } from './command-runner.js';
import { ackFrame, errorFrame, pongFrame, snapshotFrame } from './gateway-frames.js';
import type { ResolvedGatewayOptions } from './gateway-options.js';
import type { ClientStats, GatewayCounters } from './gateway-stats.js';
import type { LatestValues, TopicEntry } from './latest-values.js';
import { snapshotTopics } from './snapshot-topics.js';
import type { GatewayRole } from './token-check.js';

/** What a client needs of its gateway. */
export interface ClientHost {
  readonly options: ResolvedGatewayOptions;
  readonly counters: GatewayCounters;
  readonly bus: Bus<undefined>;
  readonly latest: LatestValues;
  readonly commands: CommandRunner;
  /** Closes a socket with a close frame, terminating it if the handshake does not finish in time. */
  closeSocket(ws: WebSocket, code: number, reason: string): void;
  /** The client closed or is closing; forget it (may be called twice). */
  closed(client: GatewayClient): void;
}

const BINARY_ERROR = 'binary frames are not supported: send JSON text';

/** A connected client; created by the gateway once the connection is admitted. */
export class GatewayClient implements BusSubscriber<undefined> {
  readonly id: number;
  readonly role: GatewayRole;
  readonly remote: string;
  commandsInFlight: number;
  private readonly ws: WebSocket;
  private readonly host: ClientHost;
  private readonly patterns: Set<string>;
  private readonly sender: ClientSender;
  /** Answered the last ping (or is new). */
  private alive: boolean;
  private closing: boolean;
  private messagesIn: number;
  private valid: number;
  private malformed: number;
  private unknownOps: number;

  // Every field is set here, in declaration order, so all clients share one hidden class.
  constructor(id: number, role: GatewayRole, remote: string, ws: WebSocket, socket: Duplex, host: ClientHost) {
    this.id = id;
    this.role = role;
    this.remote = remote;
    this.commandsInFlight = 0;
    this.ws = ws;
    this.host = host;
    this.patterns = new Set();
    this.sender = new ClientSender(ws, socket, host.options, host.counters, (heldBytes) => {
      host.options.logger.warn({ client: id, remote, heldBytes }, 'gateway client too slow: closed with 1013');
      this.close(1013, 'slow consumer: too far behind');
    });
    this.alive = true;
    this.closing = false;
    this.messagesIn = 0;
    this.valid = 0;
    this.malformed = 0;
    this.unknownOps = 0;
    ws.on('message', (data: Buffer, isBinary: boolean) => this.receive(data, isBinary));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('error', (error: Error & { code?: string }) => {
      // `ws` closes the socket itself (1009 for an oversize frame, 1002/1007 for protocol errors).
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') host.counters.oversize++;
      else host.counters.protocolErrors++;
    });
    ws.on('close', () => {
      this.closing = true;
      this.release();
      host.closed(this);
    });
  }

  /** A bus delivery: a topic's new message, for this client's subscriptions. */
  enqueue(message: unknown): void {
    const entry = message as TopicEntry;
    const frame = entry.encoded();
    if (frame !== undefined) this.sender.send(frame, entry.conflate ? entry.topic : null);
  }

  /** A reply frame (never conflated). */
  reply(frame: Buffer): void {
    this.sender.send(frame, null);
  }

  /**
   * Called every ping period: terminates a client that did not answer the previous ping (true
   * then), else pings it. Also refills a socket whose drain was missed (a safety net: the write
   * callback normally does it).
   */
  heartbeat(): boolean {
    if (this.closing) return false;
    if (!this.alive) {
      this.closing = true;
      this.release();
      this.ws.terminate();
      this.host.closed(this);
      return true;
    }
    this.alive = false;
    this.ws.ping();
    this.sender.flush();
    return false;
  }

  /** Closes the connection (stats and the queue are released at once). */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.release();
    this.host.closeSocket(this.ws, code, reason);
    this.host.closed(this); // frees its place at once: the closing handshake may take a while
  }

  /** This client's counters. */
  stats(): ClientStats {
    return {
      id: this.id,
      role: this.role,
      remote: this.remote,
      subscriptions: this.patterns.size,
      messagesIn: this.messagesIn,
      valid: this.valid,
      malformed: this.malformed,
      unknownOps: this.unknownOps,
      framesOut: this.sender.framesOut,
      conflated: this.sender.conflated,
      bufferedAmount: this.ws.bufferedAmount,
      queuedFrames: this.sender.queuedFrames,
      queuedBytes: this.sender.queuedBytes,
      peakHeldBytes: this.sender.peakHeldBytes,
    };
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.closing) return;
    const counters = this.host.counters;
    this.messagesIn++;
    counters.messagesIn++;
    const parsed: ClientMessage | InvalidMessage = isBinary
      ? { invalid: 'malformed', code: 'BINARY_FRAME', error: BINARY_ERROR, id: undefined }
      : parseClientMessage(data.toString('utf8'));
    if (isInvalid(parsed)) {
      if (parsed.invalid === 'unknown') {
        this.unknownOps++;
        counters.unknownOps++;
      } else {
        this.malformed++;
        counters.malformed++;
      }
      this.reply(errorFrame(parsed.code, parsed.error, parsed.id));
      return;
    }
    this.valid++;
    counters.valid++;
    this.handle(parsed);
  }

  private handle(message: ClientMessage): void {
    if (isCommand(message)) return this.host.commands.run(this, message);
    switch (message.op) {
      case 'subscribe':
        return this.subscribe(message.topics, message.id);
      case 'unsubscribe': {
        for (const pattern of message.topics) {
          if (this.patterns.delete(pattern)) this.host.bus.unsubscribe(this, pattern);
        }
        return this.reply(ackFrame('unsubscribed', message.id, message.topics, 0));
      }
      case 'ping':
        return this.reply(pongFrame(message.id));
    }
  }

  /** Adds the patterns, sends the latest message of every topic they match, then the acknowledgement. */
  private subscribe(patterns: readonly string[], id: string | number | undefined): void {
    let fresh = 0;
    for (const pattern of new Set(patterns)) if (!this.patterns.has(pattern)) fresh++;
    const max = this.host.options.maxSubscriptionsPerClient;
    if (this.patterns.size + fresh > max) {
      return this.reply(errorFrame('TOO_MANY_SUBSCRIPTIONS', `subscribe: at most ${max} patterns per client (${this.patterns.size} held)`, id));
    }
    for (const pattern of patterns) {
      if (this.patterns.has(pattern)) continue;
      this.patterns.add(pattern);
      this.host.bus.subscribe(pattern, this);
    }
    let snapshots = 0;
    for (const entry of snapshotTopics(this.host.latest, patterns)) {
      const frame = entry.encoded();
      if (frame === undefined) continue;
      this.sender.send(snapshotFrame(frame), entry.conflate ? entry.topic : null);
      snapshots++;
    }
    this.reply(ackFrame('subscribed', id, patterns, snapshots));
  }

  private release(): void {
    this.sender.stop();
    this.host.bus.unsubscribe(this);
    this.patterns.clear();
  }
}

