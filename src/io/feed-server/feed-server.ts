/**
 * `createFeedServer`: a local exchange replaying recorded captures (or the simulated market) in
 * Binance's own WebSocket and REST protocol, on one port, so every live-feed test runs against real
 * sockets on loopback (DESIGN.md, Live data and venues).
 *
 * - Streams: `/stream?streams=a/b/c` (combined envelopes) and `/ws/<stream>` (raw), with
 *   SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS / SET_PROPERTY / GET_PROPERTY, the message rate
 *   limit, pings, the maximum connection age and `serverShutdown` (see `feed-connection.ts`).
 * - REST: depth and book ticker as of the replay instant (see `rest-api.ts`).
 * - One replay timeline per server, started when the server starts (see `replay-timeline.ts`);
 *   faults from a `FaultPlan` (see `fault-spec.ts`).
 *
 * Memory bound per connection: with a speed factor, `maxBufferedBytes` plus one frame (a client
 * that falls further behind is closed with 1008: it cannot keep up with a real exchange either);
 * with `speed: 'max'`, `maxSpeedBufferBytes` plus one frame (the replay waits for the slowest
 * subscriber instead: "as fast as the client reads"). Nothing else is queued per client.
 */
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { TickflowError } from '../../runtime/errors.js';
import { FaultInjector } from './fault-injector.js';
import type { FeedEvent, FeedMarket } from './feed-event.js';
import { FeedConnection, type ConnectionHost } from './feed-connection.js';
import { resolveFeedServerOptions, type FeedServerOptions, type ResolvedFeedServerOptions } from './feed-server-options.js';
import { FeedServerCounters, type FeedServerStats } from './feed-server-stats.js';
import { prepareFeedInput, type FeedInput } from './feed-input.js';
import { MarketState } from './market-state.js';
import { handleRest, type RestContext } from './rest-api.js';
import { ReplayTimeline, type TimelineSink } from './replay-timeline.js';
import { StreamRegistry } from './stream-registry.js';
import { streamRoute } from './stream-route.js';

/** A running feed server. */
export interface FeedServer {
  /** Base WebSocket URL (`ws://127.0.0.1:9443`); streams are at `/ws/<stream>` and `/stream?streams=`. */
  readonly url: string;
  /** Base REST URL (`http://127.0.0.1:9443`). */
  readonly restUrl: string;
  readonly host: string;
  /** The port bound (the one picked when 0 was asked). */
  readonly port: number;
  readonly market: FeedMarket;
  readonly options: ResolvedFeedServerOptions;
  /** A copy of the counters now. */
  readonly stats: FeedServerStats;
  /** Freezes the replay clock (REST then answers for a fixed instant); connections stay open. */
  pause(): void;
  resume(): void;
  /**
   * Stops the replay, sends `serverShutdown` and a 1001 close to every connection, terminates those
   * still open after `closeGraceMs`, and stops listening. Idempotent.
   */
  close(): Promise<void>;
}

/** Extra hooks of `createFeedServer`. */
export interface FeedServerHooks {
  /** Called once if the recording cannot be read to its end (connections are closed with 1011). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Starts a feed server: reads the start of every capture (market, symbols, first depth
 * snapshots), binds `host:port`, and starts the replay. Rejects with a `TickflowError`:
 * `CONFIG_INVALID` (bad options, captures of different markets, data and `simulated` together),
 * `DATA_FILE_UNREADABLE` / `DATA_UNKNOWN_FORMAT` (a capture), `IO_UNAVAILABLE` (cannot listen).
 */
export async function createFeedServer(options: FeedServerOptions, hooks: FeedServerHooks = {}): Promise<FeedServer> {
  const input = await prepareFeedInput(options);
  const resolved = resolveFeedServerOptions(options, input.market);
  const server = new FeedServerImpl(resolved, input, hooks);
  await server.listen();
  return server;
}

class FeedServerImpl implements FeedServer, ConnectionHost, TimelineSink {
  readonly options: ResolvedFeedServerOptions;
  readonly market: FeedMarket;
  readonly registry: StreamRegistry<FeedConnection>;
  readonly counters: FeedServerCounters;
  host: string;
  port: number;
  private readonly hooks: FeedServerHooks;
  private readonly state: MarketState;
  private readonly faults: FaultInjector;
  private readonly timeline: ReplayTimeline;
  private readonly connections: Set<FeedConnection>;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly restContext: RestContext;
  private closing: Promise<void> | null;

  constructor(options: ResolvedFeedServerOptions, input: FeedInput, hooks: FeedServerHooks) {
    this.options = options;
    this.market = options.market;
    this.registry = new StreamRegistry();
    this.counters = new FeedServerCounters();
    this.host = options.host;
    this.port = options.port;
    this.hooks = hooks;
    this.state = new MarketState(options.market, input.snapshots, input.symbols, input.decimals);
    this.faults = new FaultInjector(options.faults, options.seed);
    this.timeline = new ReplayTimeline({ open: input.open, state: this.state, faults: this.faults, speed: options.speed, loop: options.loop, sink: this }, options.paused);
    this.restContext = {
      market: options.market,
      state: this.state,
      faults: this.faults,
      counters: this.counters,
      speed: options.speed,
      offsetUs: () => this.timeline.offsetUs,
      timeUs: () => this.timeline.timeUs,
    };
    this.connections = new Set();
    this.http = createServer((req, res) => handleRest(req, res, this.restContext));
    // Client messages are small requests; 64 KiB holds a SUBSCRIBE of a thousand streams.
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024, clientTracking: false });
    this.http.on('upgrade', (req, socket: Duplex, head: Buffer) => this.upgrade(req.url ?? '/', req, socket, head));
    this.closing = null;
  }

  get url(): string {
    return `ws://${hostPart(this.host)}:${this.port}`;
  }

  get restUrl(): string {
    return `http://${hostPart(this.host)}:${this.port}`;
  }

  get stats(): FeedServerStats {
    const c = this.counters;
    const t = this.timeline;
    return {
      connections: c.connections,
      connectionsTotal: c.connectionsTotal,
      framesSent: c.framesSent,
      requests: c.requests,
      restRequests: c.restRequests,
      peakBufferedBytes: c.peakBufferedBytes,
      faults: { ...this.faults.counts, total: this.faults.total() },
      closes: { ...c.closes },
      replay: { timeUs: t.timeUs, offsetUs: Math.floor(t.offsetUs), events: t.events, passes: t.passes, paused: t.paused, stalled: t.stalled, ended: t.ended },
    };
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error & { code?: string }) => {
        reject(new TickflowError('IO_UNAVAILABLE', `feed server cannot listen on ${hostPart(this.host)}:${this.port}: ${error.code ?? error.message}`, { host: this.host, port: this.port }, { cause: error }));
      };
      this.http.once('error', onError);
      this.http.listen(this.port, this.host, () => {
        this.http.off('error', onError);
        resolve();
      });
    });
    const address = this.http.address();
    if (address !== null && typeof address === 'object') this.port = address.port;
    await this.timeline.start();
  }

  pause(): void {
    this.timeline.pause();
  }

  resume(): void {
    this.timeline.resume();
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.timeline.close();
    for (const connection of this.connections) {
      connection.sendShutdownNotice();
      connection.close(1001, 'server shutting down');
    }
    const deadline = performance.now() + this.options.closeGraceMs;
    while (this.connections.size > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    for (const connection of this.connections) connection.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  // ConnectionHost

  replayTimeMs(): number {
    return this.timeline.timeUs / 1000;
  }

  drained(connection: FeedConnection): void {
    if (connection.bufferedAmount <= this.options.maxSpeedBufferBytes) this.timeline.kick();
  }

  subscribed(): void {
    this.timeline.kick();
  }

  closed(connection: FeedConnection): void {
    if (this.connections.delete(connection)) this.counters.connections--;
    this.timeline.kick();
  }

  // TimelineSink

  send(event: FeedEvent, garbageCut: number): void {
    const subscribers = this.registry.subscribers(event.stream);
    if (subscribers === undefined) return;
    let name = '';
    let envelope = '';
    for (let i = 0; i < subscribers.length; i++) {
      const { sink, name: asked } = subscribers[i]!;
      let text = event.data;
      if (sink.combined) {
        if (asked === event.stream && event.combined !== null) text = event.combined;
        else {
          if (asked !== name) {
            name = asked;
            envelope = `{"stream":"${asked}","data":${event.data}}`;
          }
          text = envelope;
        }
      }
      if (garbageCut >= 0) text = text.slice(0, Math.max(1, Math.floor(text.length * garbageCut)));
      sink.deliver(text);
    }
  }

  mustWait(stream: string): boolean {
    if (this.registry.size === 0) return true;
    const subscribers = this.registry.subscribers(stream);
    if (subscribers === undefined) return false;
    const bound = this.options.maxSpeedBufferBytes;
    for (let i = 0; i < subscribers.length; i++) if (subscribers[i]!.sink.bufferedAmount > bound) return true;
    return false;
  }

  dropAll(): void {
    for (const connection of this.connections) connection.terminate();
  }

  endOfData(): void {
    for (const connection of this.connections) {
      this.counters.closes.endOfData++;
      connection.close(1000, 'end of data');
    }
  }

  failed(error: unknown): void {
    for (const connection of this.connections) connection.close(1011, 'the recording could not be read');
    this.hooks.onError?.(error);
  }

  private upgrade(url: string, req: Parameters<WebSocketServer['handleUpgrade']>[0], socket: Duplex, head: Buffer): void {
    const route = streamRoute(url, this.options.maxStreamsPerConnection);
    if ('status' in route) {
      const body = JSON.stringify({ code: route.code, msg: route.msg });
      socket.end(`HTTP/1.1 ${route.status} ${route.status === 404 ? 'Not Found' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      if (this.closing !== null) {
        ws.close(1001, 'server shutting down');
        return;
      }
      const connection = new FeedConnection(ws, this, route.combined, route.streams);
      this.connections.add(connection);
      this.counters.connections++;
      this.counters.connectionsTotal++;
      if (this.timeline.ended) {
        this.counters.closes.endOfData++;
        connection.close(1000, 'end of data');
      }
      this.timeline.kick();
    });
  }
}

function hostPart(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
