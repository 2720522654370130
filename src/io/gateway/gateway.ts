/**
 * The daemon's WebSocket gateway: serves bus topics (market data, signals, orders, fills, risk)
 * to dashboards and programs, and relays operator commands. A standalone component: the daemon's
 * HTTP server hands it `GET /ws` upgrades (`handleUpgrade`), a forwarder actor hands it every bus
 * message it forwards (`publish`), and the daemon implements its commands (`GatewayCommands`).
 *
 * Admission, in this order, each refusal counted by reason:
 * 1. `Origin` present and not one of `allowedOrigins` → close 1008 (before the token is looked at,
 *    so a hostile page cannot probe tokens);
 * 2. no token, or a wrong one (`Authorization: Bearer` or `?token=`) → close 1008;
 * 3. `maxClients` connected → close 1013.
 * Refusals complete the WebSocket handshake and then close, rather than answering the upgrade
 * with HTTP 401/403: a browser reports a refused upgrade only as 1006 with no reason, while a close
 * frame gives both browsers and programs a code and a reason to act on.
 *
 * Frames larger than `maxPayload` are closed with 1009 by `ws`. Every `pingIntervalMs` each
 * client is pinged; one that did not answer the previous ping is terminated. Slow clients are
 * conflated or cut (`gateway-client.ts`); `publish` never blocks or throws.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { Bus } from '../../runtime/bus.js';
import { CommandRunner } from './command-runner.js';
import { GatewayClient, type ClientHost } from './gateway-client.js';
import { resolveGatewayOptions, type GatewayOptions, type ResolvedGatewayOptions } from './gateway-options.js';
import { GatewayCounters, type GatewayStats, type RefusedCounts } from './gateway-stats.js';
import { LatestValues } from './latest-values.js';
import { originAllowed } from './origin-check.js';
import { TokenCheck } from './token-check.js';

/** The gateway, as the daemon drives it. */
export interface Gateway {
  /**
   * Takes over an HTTP upgrade request the daemon routed here (`GET /ws`): completes the WebSocket
   * handshake, then admits the connection or closes it with the refusal's code.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /**
   * A bus message to serve: kept as the topic's latest (for snapshots) and sent to every client
   * whose patterns match `topic`. Synchronous, never blocks on a client, never throws.
   */
  publish(topic: string, message: unknown): void;
  /** Counters, with a line per connected client. */
  stats(): GatewayStats;
  /**
   * Closes every client with 1001 and stops the heartbeat; resolves once every socket is closed
   * (a client that does not finish the closing handshake within `closeGraceMs` is terminated).
   * Upgrades after this are answered with HTTP 503.
   */
  close(): Promise<void>;
}

/** Options of `createGateway`: the gateway's own, plus how long a closing handshake may take. */
export interface CreateGatewayOptions extends GatewayOptions {
  /** A socket closed by the gateway that has not finished the handshake after this is terminated (default 5 s). */
  readonly closeGraceMs?: number;
}

/** Creates a gateway; throws `CONFIG_INVALID` for bad options (no token at all, among others). */
export function createGateway(options: CreateGatewayOptions): Gateway {
  return new GatewayServer(resolveGatewayOptions(options), options.closeGraceMs ?? 5000);
}

const CLOSED = 3;
/** Sockets waiting for their closing handshake, at most (refusals beyond are terminated). */
const MAX_CLOSING = 1024;

class GatewayServer implements Gateway, ClientHost {
  readonly options: ResolvedGatewayOptions;
  readonly counters: GatewayCounters;
  readonly bus: Bus<undefined>;
  readonly latest: LatestValues;
  readonly commands: CommandRunner;
  private readonly wss: WebSocketServer;
  private readonly tokens: TokenCheck;
  private readonly closeGraceMs: number;
  private readonly clients: Set<GatewayClient>;
  /** Sockets the gateway is closing (refused ones, cut ones) until their `close` event. */
  private readonly closing: Set<WebSocket>;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private nextId: number;
  private publishErrors: number;
  private shuttingDown: boolean;
  private whenDrained: { promise: Promise<void>; resolve: () => void } | null;

  constructor(options: ResolvedGatewayOptions, closeGraceMs: number) {
    this.options = options;
    this.counters = new GatewayCounters();
    this.bus = new Bus<undefined>();
    this.latest = new LatestValues(options.maxTopics, options.conflatePrefixes);
    this.commands = new CommandRunner(options, this.counters);
    // perMessageDeflate off: compression would cost CPU per client per frame and hold zlib memory.
    this.wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload, perMessageDeflate: false, clientTracking: false });
    this.tokens = new TokenCheck(options.tokens);
    this.closeGraceMs = closeGraceMs;
    this.clients = new Set();
    this.closing = new Set();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), options.pingIntervalMs);
    this.heartbeatTimer.unref();
    this.nextId = 0;
    this.publishErrors = 0;
    this.shuttingDown = false;
    this.whenDrained = null;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.shuttingDown) {
      this.counters.refused.closing++;
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.admit(ws, req, socket));
  }

  publish(topic: string, message: unknown): void {
    if (this.shuttingDown) return;
    this.counters.published++;
    const entry = this.latest.update(topic, message);
    try {
      this.bus.publish(topic, entry, undefined);
    } catch (error) {
      // Not expected (clients catch their own failures); the engine must not pay for it anyway.
      if (this.publishErrors++ === 0) this.options.logger.error({ err: error, topic }, 'gateway publish failed');
    }
  }

  stats(): GatewayStats {
    const c = this.counters;
    const perClient = [];
    for (const client of this.clients) perClient.push(client.stats());
    return {
      clients: this.clients.size,
      connectionsTotal: c.connectionsTotal,
      refused: { ...c.refused },
      messagesIn: c.messagesIn,
      valid: c.valid,
      malformed: c.malformed,
      unknownOps: c.unknownOps,
      oversize: c.oversize,
      protocolErrors: c.protocolErrors,
      published: c.published,
      unserializable: this.latest.unserializable,
      publishErrors: this.publishErrors,
      topics: this.latest.size,
      topicsEvicted: this.latest.evicted,
      framesOut: c.framesOut,
      conflated: c.conflated,
      disconnectedSlow: c.disconnectedSlow,
      heartbeatTimeouts: c.heartbeatTimeouts,
      commands: { ...c.commands },
      perClient,
    };
  }

  close(): Promise<void> {
    if (!this.shuttingDown) {
      this.shuttingDown = true;
      clearInterval(this.heartbeatTimer);
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.whenDrained = { promise, resolve };
      for (const client of [...this.clients]) client.close(1001, 'gateway shutting down');
      this.checkDrained();
    }
    return this.whenDrained!.promise;
  }

  closeSocket(ws: WebSocket, code: number, reason: string): void {
    if (ws.readyState === CLOSED) return;
    this.closing.add(ws);
    const timer = setTimeout(() => ws.terminate(), this.closeGraceMs);
    timer.unref();
    ws.once('close', () => {
      clearTimeout(timer);
      this.closing.delete(ws);
      this.checkDrained();
    });
    ws.close(code, reason);
  }

  closed(client: GatewayClient): void {
    if (this.clients.delete(client)) this.options.logger.info({ client: client.id, remote: client.remote }, 'gateway client disconnected');
    this.checkDrained();
  }

  private admit(ws: WebSocket, req: IncomingMessage, socket: Duplex): void {
    const remote = `${req.socket.remoteAddress ?? 'unknown'}:${req.socket.remotePort ?? 0}`;
    if (this.shuttingDown) return this.refuse(ws, remote, 'closing', 1001, 'gateway shutting down');
    if (!originAllowed(req.headers.origin, this.options.allowedOrigins)) return this.refuse(ws, remote, 'origin', 1008, 'origin not allowed');
    const role = this.tokens.authenticate(req);
    if (role === undefined) return this.refuse(ws, remote, 'auth', 1008, 'missing or invalid token');
    if (this.clients.size >= this.options.maxClients) return this.refuse(ws, remote, 'capacity', 1013, 'too many clients, try again later');
    const client = new GatewayClient(++this.nextId, role, remote, ws, socket, this);
    this.clients.add(client);
    this.counters.connectionsTotal++;
    this.options.logger.info({ client: client.id, role, remote }, 'gateway client connected');
  }

  private refuse(ws: WebSocket, remote: string, reason: keyof RefusedCounts, code: number, text: string): void {
    this.counters.refused[reason]++;
    this.options.logger.info({ remote, reason }, `gateway connection refused: ${text}`);
    ws.on('error', () => undefined); // a refused peer's protocol errors are of no interest; the close follows
    // A flood of refused connections must not hold sockets for their closing handshakes without
    // bound: past MAX_CLOSING they are dropped without a close frame.
    if (this.closing.size >= MAX_CLOSING) ws.terminate();
    else this.closeSocket(ws, code, text);
  }

  private heartbeat(): void {
    for (const client of this.clients) {
      if (client.heartbeat()) this.counters.heartbeatTimeouts++;
    }
  }

  private checkDrained(): void {
    if (this.whenDrained !== null && this.clients.size === 0 && this.closing.size === 0) this.whenDrained.resolve();
  }
}
