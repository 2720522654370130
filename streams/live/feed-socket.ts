/**
 * One WebSocket connection of the live feed (a `ws` client), with its frames as an Observable and
 * the timers that watch it: the opening handshake deadline and the stale watchdog. Pings are
 * answered by `ws` itself (`autoPong`); they are counted, and they do not count as data.
 *
 * A connection ends exactly once, reported to the host with why (`SocketEnd`): the venue closed
 * it, the network failed, `ws` closed it for a protocol violation (invalid UTF-8 in a text frame,
 * a frame over `maxPayload`: codes `WS_ERR_*`), it was silent past the stale timeout (data frames
 * only; not while we paused it: that silence is ours), the handshake timed out, or we closed it.
 *
 * Frames are passed on as the Buffers `ws` gives (no string conversion). The venue's connection
 * event `{"event":{"e":"serverShutdown",...}}` is taken out here and reported to the host.
 * `pause()` stops reading from the TCP socket: the kernel's buffers fill and the venue is pushed
 * back. While paused, pings are not read either, so a pause longer than the venue's pong timeout
 * (Binance spot: a minute) gets the connection closed: the feed then reconnects.
 */
import { Observable, type Subscriber } from 'rxjs';
import WebSocket from 'ws';
import type { Clock } from '../../src/runtime/clock.js';
import type { MutableFeedStats } from './feed-stats.js';
import type { FeedTimers, TimerHandle } from './feed-timers.js';

/** Why a connection ended. */
export type SocketEndReason = 'remote-close' | 'error' | 'protocol-error' | 'stale' | 'connect-timeout' | 'local';

/** How a connection ended: why, the close code (1006 when none came), and a detail for issues. */
export interface SocketEnd {
  readonly reason: SocketEndReason;
  readonly code: number;
  readonly detail: string;
}

/** What a socket tells its feed. */
export interface FeedSocketHost {
  socketOpened(socket: FeedSocket): void;
  /** The first frame of the connection arrived (reconnect time is measured to here). */
  firstFrame(socket: FeedSocket): void;
  socketEnded(socket: FeedSocket, end: SocketEnd): void;
  shutdownNotice(socket: FeedSocket): void;
}

/** Timing and limits of one connection. */
export interface FeedSocketOptions {
  readonly clock: Clock;
  readonly timers: FeedTimers;
  readonly connectTimeoutMs: number;
  readonly staleTimeoutMs: number;
  readonly maxPayload: number;
}

/** The role a connection plays in its feed (see `feed-rollover.ts`). */
export type SocketRole = 'primary' | 'candidate' | 'retired';

const OPEN = 1;
// `{"event":` — the only frames whose third and fourth bytes are `ev` (streams start `{"stream"` or `{"e":`).
const E = 101;
const V = 118;

/** One connection. Fields set in the constructor, in one order. */
export class FeedSocket {
  readonly id: number;
  readonly url: string;
  /** The records of this connection, as Buffers, until it ends (then nothing more; it never completes). */
  readonly frames$: Observable<Buffer>;
  role: SocketRole;
  /** When the handshake completed (µs), -1 before. */
  openedUs: number;
  /** When the last data frame arrived (µs). */
  lastFrameUs: number;
  /** The connection has received at least one data frame. */
  receiving: boolean;
  private readonly ws: WebSocket;
  private readonly host: FeedSocketHost;
  private readonly options: FeedSocketOptions;
  private readonly stats: MutableFeedStats;
  private sink: Subscriber<Buffer> | null;
  private paused: boolean;
  private ended: boolean;
  /** Set before we end the socket ourselves, so the close reports our reason. */
  private endReason: SocketEndReason | null;
  private errorDetail: string;
  private protocolError: boolean;
  private connectTimer: TimerHandle | null;
  private staleTimer: TimerHandle | null;

  constructor(id: number, url: string, role: SocketRole, host: FeedSocketHost, options: FeedSocketOptions, stats: MutableFeedStats) {
    this.id = id;
    this.url = url;
    this.frames$ = new Observable<Buffer>((subscriber) => {
      this.sink = subscriber;
      return () => {
        if (this.sink === subscriber) this.sink = null;
      };
    });
    this.role = role;
    this.openedUs = -1;
    this.lastFrameUs = options.clock.now();
    this.receiving = false;
    this.host = host;
    this.options = options;
    this.stats = stats;
    this.sink = null;
    this.paused = false;
    this.ended = false;
    this.endReason = null;
    this.errorDetail = '';
    this.protocolError = false;
    this.connectTimer = null;
    this.staleTimer = null;
    this.ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: options.maxPayload, autoPong: true });
    this.listen();
    this.connectTimer = options.timers.setTimeout(() => this.onConnectTimeout(), options.connectTimeoutMs);
  }

  /** True once open and until it ends. */
  get isOpen(): boolean {
    return !this.ended && this.ws.readyState === OPEN;
  }

  /** True once it has ended (the host was told). */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Stops reading (applied at open if still connecting). */
  pause(): void {
    if (this.paused || this.ended) return;
    this.paused = true;
    this.ws.pause();
  }

  /** Reads again; the silence while paused does not count towards staleness. */
  resume(): void {
    if (!this.paused || this.ended) return;
    this.paused = false;
    this.lastFrameUs = this.options.clock.now();
    this.ws.resume();
  }

  /** Ends the connection ourselves: a close frame if open (then a hard close if `force`), else abort. */
  close(force = false): void {
    if (this.ended) return;
    this.endReason ??= 'local';
    if (force || this.ws.readyState !== OPEN) this.ws.terminate();
    else this.ws.close(1000, 'client closing');
  }

  private listen(): void {
    const ws = this.ws;
    ws.on('open', () => this.onOpen());
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('ping', () => this.stats.pings++);
    ws.on('error', (error: Error & { code?: string }) => {
      if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) this.protocolError = true;
      this.errorDetail ||= error.code === undefined ? error.message : `${error.code}: ${error.message}`;
    });
    ws.on('close', (code: number, reason: Buffer) => this.onClose(code, reason.toString()));
  }

  private onOpen(): void {
    this.clearTimers();
    if (this.ended) return;
    this.openedUs = this.lastFrameUs = this.options.clock.now();
    if (this.paused) this.ws.pause();
    this.armStale(this.options.staleTimeoutMs);
    this.host.socketOpened(this);
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    const stats = this.stats;
    stats.frames++;
    stats.bytes += data.length;
    this.lastFrameUs = this.options.clock.now();
    if (!this.receiving) {
      this.receiving = true;
      this.host.firstFrame(this);
    }
    if (!isBinary && data.length > 3 && data[2] === E && data[3] === V && data.includes('serverShutdown')) {
      stats.serverShutdowns++;
      this.host.shutdownNotice(this);
      return;
    }
    this.sink?.next(data);
  }

  private onClose(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimers();
    this.sink = null;
    const why: SocketEndReason = this.endReason ?? (this.protocolError ? 'protocol-error' : this.errorDetail !== '' ? 'error' : 'remote-close');
    const detail = this.errorDetail !== '' ? this.errorDetail : `closed ${code}${reason === '' ? '' : ` ${reason}`}`;
    this.host.socketEnded(this, { reason: why, code, detail });
  }

  private onConnectTimeout(): void {
    this.connectTimer = null;
    if (this.ended || this.ws.readyState === OPEN) return;
    this.endReason = 'connect-timeout';
    this.errorDetail = `no handshake within ${this.options.connectTimeoutMs} ms`;
    this.ws.terminate();
  }

  /** The stale watchdog: one timer, re-armed for the time left, never per frame. */
  private armStale(ms: number): void {
    this.staleTimer = this.options.timers.setTimeout(() => this.checkStale(), ms);
  }

  private checkStale(): void {
    this.staleTimer = null;
    if (this.ended) return;
    const limitUs = this.options.staleTimeoutMs * 1000;
    const silentUs = this.options.clock.now() - this.lastFrameUs;
    if (this.paused || silentUs < limitUs) return this.armStale(Math.max(1, Math.ceil((limitUs - (this.paused ? 0 : silentUs)) / 1000)));
    this.endReason = 'stale';
    this.errorDetail = `no data for ${Math.round(silentUs / 1000)} ms (stale timeout ${this.options.staleTimeoutMs} ms)`;
    this.ws.terminate();
  }

  private clearTimers(): void {
    if (this.connectTimer !== null) this.options.timers.clearTimeout(this.connectTimer);
    if (this.staleTimer !== null) this.options.timers.clearTimeout(this.staleTimer);
    this.connectTimer = this.staleTimer = null;
  }
}
