/**
 * One client connection of the feed server, behaving as a Binance stream connection does:
 * - it receives the streams it subscribed to (in the URL or by `SUBSCRIBE`), in combined envelopes
 *   (`/stream`) or raw (`/ws`, switchable with `SET_PROPERTY combined`);
 * - every incoming message counts against the rate limit (text, ping and pong frames alike, as
 *   Binance counts them); one too many closes the connection with 1008;
 * - the server pings every `pingIntervalMs`; if no pong comes within `pongTimeoutMs` of the first
 *   unanswered ping the socket is terminated (on spot only a pong echoing a ping's payload counts);
 * - at `maxConnectionAgeMs - shutdownNoticeMs` it gets `{"event":{"e":"serverShutdown","E":..}}`
 *   (the form Binance documents; `E` is the replay clock in ms) and at `maxConnectionAgeMs` a 1001 close.
 *
 * Flow control (see `feed-server.ts`): with a speed factor, a frame is not queued while the
 * connection has more than `maxBufferedBytes` unsent: the connection is closed with 1008 instead,
 * so the server holds at most that plus one frame for it. With `speed: 'max'` frames carry a send
 * callback that tells the server when the socket drains, and the replay waits for it.
 */
import type { WebSocket } from 'ws';
import { canonicalStream } from './feed-event.js';
import type { ResolvedFeedServerOptions } from './feed-server-options.js';
import type { FeedServerCounters } from './feed-server-stats.js';
import { MessageRateWindow } from './message-rate-window.js';
import type { StreamRegistry, StreamSink } from './stream-registry.js';
import { isRequestError, parseStreamRequest, type RequestId } from './stream-request.js';

/** What a connection needs of its server. */
export interface ConnectionHost {
  readonly options: ResolvedFeedServerOptions;
  readonly registry: StreamRegistry<FeedConnection>;
  readonly counters: FeedServerCounters;
  /** The replay clock, ms since the epoch. */
  replayTimeMs(): number;
  /** A socket's send completed while the replay may be waiting for it (`speed: 'max'`). */
  drained(connection: FeedConnection): void;
  /** The connection subscribed to streams (`speed: 'max'` waits while there is no subscription). */
  subscribed(connection: FeedConnection): void;
  /** The connection closed; forget it. */
  closed(connection: FeedConnection): void;
}

const OPEN = 1;

/** A client connection; created by the server on upgrade. */
export class FeedConnection implements StreamSink {
  combined: boolean;
  private readonly ws: WebSocket;
  private readonly host: ConnectionHost;
  /** Stream names as the client gave them, to the served stream each reads. */
  private readonly subscriptions: Map<string, string>;
  private readonly rate: MessageRateWindow;
  private readonly maxMode: boolean;
  private readonly onSent: (error?: Error) => void;
  private pingTimer: NodeJS.Timeout | null;
  private pongTimer: NodeJS.Timeout | null;
  private noticeTimer: NodeJS.Timeout | null;
  private ageTimer: NodeJS.Timeout | null;
  /** Payloads of pings not answered yet (a few at most: a pong clears them all). */
  private unanswered: string[];
  private pingCount: number;
  private closing: boolean;

  constructor(ws: WebSocket, host: ConnectionHost, combined: boolean, streams: readonly string[]) {
    this.combined = combined;
    this.ws = ws;
    this.host = host;
    this.subscriptions = new Map();
    this.rate = new MessageRateWindow(host.options.rateLimit);
    this.maxMode = host.options.speed === 'max';
    // One bound callback per connection, not one closure per frame.
    this.onSent = () => this.host.drained(this);
    this.pingTimer = null;
    this.pongTimer = null;
    this.noticeTimer = null;
    this.ageTimer = null;
    this.unanswered = [];
    this.pingCount = 0;
    this.closing = false;
    for (const name of streams) this.subscribe(name);
    this.listen();
  }

  /** Unsent bytes on this connection. */
  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  /** True while frames can be sent. */
  get open(): boolean {
    return !this.closing && this.ws.readyState === OPEN;
  }

  /** Sends one stream frame, or closes a connection that fell too far behind (see the file comment). */
  deliver(text: string): void {
    if (!this.open) return;
    const ws = this.ws;
    if (!this.maxMode && ws.bufferedAmount > this.host.options.maxBufferedBytes) {
      this.host.counters.closes.slowConsumer++;
      this.close(1008, 'slow consumer: too far behind the replay');
      return;
    }
    if (this.maxMode) ws.send(text, this.onSent);
    else ws.send(text);
    const counters = this.host.counters;
    counters.framesSent++;
    const buffered = ws.bufferedAmount;
    if (buffered > counters.peakBufferedBytes) counters.peakBufferedBytes = buffered;
  }

  /** Sends a connection event outside any stream (`serverShutdown`). */
  sendEvent(json: string): void {
    if (this.open) this.ws.send(json);
  }

  /** Sends the `serverShutdown` event, stamped with the replay clock. */
  sendShutdownNotice(): void {
    this.sendEvent(`{"event":{"e":"serverShutdown","E":${Math.floor(this.host.replayTimeMs())}}}`);
  }

  /** Closes with a close frame (stream frames stop at once). */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.stopTimers();
    this.ws.close(code, reason);
  }

  /** Drops the socket without a close frame (a network failure, as the client sees it). */
  terminate(): void {
    this.closing = true;
    this.stopTimers();
    this.ws.terminate();
  }

  private listen(): void {
    const ws = this.ws;
    const options = this.host.options;
    ws.on('message', (data) => {
      // Binary frames are read as text too: Binance answers them as (probably invalid) JSON.
      if (this.count()) this.request((data as Buffer).toString('utf8'));
    });
    ws.on('ping', () => this.count());
    ws.on('pong', (payload) => {
      if (!this.count()) return;
      if (options.pongMustEcho && !this.unanswered.includes(payload.toString())) return; // unsolicited: allowed, not enough
      this.unanswered = [];
      if (this.pongTimer !== null) clearTimeout(this.pongTimer);
      this.pongTimer = null;
    });
    ws.on('close', () => {
      this.closing = true;
      this.stopTimers();
      for (const [name, stream] of this.subscriptions) this.host.registry.remove(this, name, stream);
      this.subscriptions.clear();
      this.host.closed(this);
    });
    ws.on('error', () => {
      // A protocol error (bad frame, invalid UTF-8) closes the socket; `close` follows.
    });
    this.pingTimer = setInterval(() => this.ping(), options.pingIntervalMs);
    const age = options.maxConnectionAgeMs;
    this.noticeTimer = setTimeout(() => this.sendShutdownNotice(), Math.max(0, age - options.shutdownNoticeMs));
    this.ageTimer = setTimeout(() => {
      this.host.counters.closes.maxAge++;
      this.close(1001, 'maximum connection age reached');
    }, age);
  }

  /** Counts one incoming message; false (and the connection closing) when over the limit. */
  private count(): boolean {
    if (this.closing) return false;
    if (this.rate.hit(performance.now())) return true;
    this.host.counters.closes.rateLimited++;
    this.close(1008, 'too many messages');
    return false;
  }

  private ping(): void {
    if (!this.open) return;
    const payload = String(++this.pingCount);
    if (this.unanswered.length < 16) this.unanswered.push(payload);
    this.ws.ping(payload);
    if (this.pongTimer === null) {
      this.pongTimer = setTimeout(() => {
        this.host.counters.closes.pongTimeout++;
        this.terminate();
      }, this.host.options.pongTimeoutMs);
    }
  }

  private request(text: string): void {
    this.host.counters.requests++;
    const request = parseStreamRequest(text);
    if (isRequestError(request)) return this.reply(JSON.stringify(request));
    switch (request.method) {
      case 'SUBSCRIBE': {
        const fresh = request.streams.filter((name) => !this.subscriptions.has(name));
        const max = this.host.options.maxStreamsPerConnection;
        if (this.subscriptions.size + new Set(fresh).size > max) return this.error(2, `Invalid request: too many streams (at most ${max} per connection)`, request.id);
        for (const name of fresh) this.subscribe(name);
        this.result(null, request.id);
        return this.host.subscribed(this);
      }
      case 'UNSUBSCRIBE':
        for (const name of request.streams) this.unsubscribe(name);
        return this.result(null, request.id);
      case 'LIST_SUBSCRIPTIONS':
        return this.result([...this.subscriptions.keys()], request.id);
      case 'SET_PROPERTY':
        this.combined = request.combined;
        return this.result(null, request.id);
      case 'GET_PROPERTY':
        return this.result(this.combined, request.id);
    }
  }

  private subscribe(name: string): void {
    if (this.subscriptions.has(name)) return;
    const stream = canonicalStream(name, this.host.options.market);
    this.subscriptions.set(name, stream);
    this.host.registry.add(this, name, stream);
  }

  private unsubscribe(name: string): void {
    const stream = this.subscriptions.get(name);
    if (stream === undefined) return;
    this.subscriptions.delete(name);
    this.host.registry.remove(this, name, stream);
  }

  private result(result: unknown, id: RequestId): void {
    this.reply(JSON.stringify({ result, id }));
  }

  private error(code: number, msg: string, id: RequestId): void {
    this.reply(JSON.stringify({ error: { code, msg }, id }));
  }

  private reply(json: string): void {
    if (this.open) this.ws.send(json);
  }

  private stopTimers(): void {
    if (this.pingTimer !== null) clearInterval(this.pingTimer);
    if (this.pongTimer !== null) clearTimeout(this.pongTimer);
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer);
    if (this.ageTimer !== null) clearTimeout(this.ageTimer);
    this.pingTimer = this.pongTimer = this.noticeTimer = this.ageTimer = null;
  }
}
