/**
 * `createBinanceFeed`: live Binance market data (spot or USD-M) as a `RecordSource`, composed as
 * one RxJS pipeline:
 *
 *   connections ─mergeMap─► frames (ws) ─► decodeBinanceFrames ─► arbitrateRollover
 *               ─► sequenceFeed (de-duplication, gaps, depth resync) ─► FeedBuffer ◄── next()
 *
 * - Connects at once, to Binance's combined-stream URL naming every stream, so every reconnect
 *   resubscribes by construction. Records wait in the buffer until `next()` takes them.
 * - Backpressure reaches the socket: at `highWaterMark` buffered records every socket is paused
 *   (`ws.pause()`: TCP pushes back on the venue), at `lowWaterMark` resumed. Nothing is dropped.
 * - A lost connection (venue close, network error, protocol error such as invalid UTF-8, silence
 *   past `staleTimeoutMs`, handshake past `connectTimeoutMs`) is replaced after the backoff delay
 *   (`backoffDelay` with the seeded jitter), the attempt count starting again once a connection has
 *   stayed up `backoff.resetAfterUs`. Each is counted and reported as an issue (`IO_UNAVAILABLE`).
 * - Before `maxConnectionAgeMs` (at `rolloverLeadMs` before it) or on the venue's `serverShutdown`
 *   event, a new connection is opened first and the old one closed once they line up (see
 *   `feed-rollover.ts`): no gap, no duplicate.
 * - Every new connection (not a rollover) fetches the REST depth snapshot of each depth symbol;
 *   a depth gap does too (see `feed-sequencer.ts`, `binance-depth-sync.ts`).
 * - `close()` stops everything: no reconnect or REST retry after it, and `next()` resolves null.
 *   `next()` never rejects: the feed has no end of its own and every failure is retried.
 * - With a `rawTap` (a recorder), every frame and REST snapshot used is also handed over as
 *   received, with the `tsRecv` its record carries (see `FeedRawTap` for which ones).
 */
import { identity, mergeMap, Subject, type Subscription } from 'rxjs';
import type { MarketRecord } from '../../src/model/records.js';
import { backoffDelay } from '../../src/runtime/backoff.js';
import { createRandom, type Random } from '../../src/runtime/random.js';
import { decodeBinanceFrames } from '../operators/decode-binance-frames.js';
import type { RecordSource } from '../record-source.js';
import { resolveBinanceFeedOptions, type BinanceFeedOptions, type FeedFetch, type ResolvedBinanceFeedOptions } from './binance-feed-options.js';
import { keepBodies, tapFrames, tapSnapshots } from './feed-raw-tap.js';
import type { DepthSyncOptions } from './binance-depth-sync.js';
import { combinedStreamUrl, streamNames } from './binance-stream-names.js';
import { FeedBuffer, type FeedBufferHost } from './feed-buffer.js';
import { arbitrateRollover, FeedRollover, type RolloverHost } from './feed-rollover.js';
import { FeedSequencer, sequenceFeed } from './feed-sequencer.js';
import { FeedSocket, type FeedSocketHost, type FeedSocketOptions, type SocketEnd } from './feed-socket.js';
import { MutableFeedStats, type FeedStats } from './feed-stats.js';
import type { TimerHandle } from './feed-timers.js';
import { GapDetector } from './gap-detector.js';

/** A live Binance feed: a `RecordSource` that never ends on its own. */
export interface BinanceFeed extends RecordSource {
  readonly stats: FeedStats;
  readonly options: ResolvedBinanceFeedOptions;
  /** The stream names subscribed (`btcusdt@trade`, ...). */
  readonly streams: readonly string[];
  /** True while a primary connection is open. */
  readonly connected: boolean;
  /** True while the sockets are paused for backpressure. */
  readonly paused: boolean;
}

/** How long `close()` waits for the closing handshakes before dropping the sockets. */
const CLOSE_GRACE_MS = 1000;

/**
 * Creates the feed and connects. Throws `TickflowError('CONFIG_INVALID')` for bad options (see
 * `binance-feed-options.ts`); every later failure is counted, reported in `stats.issues`, and retried.
 */
export function createBinanceFeed(options: BinanceFeedOptions): BinanceFeed {
  return new BinanceFeedImpl(resolveBinanceFeedOptions(options));
}

class BinanceFeedImpl implements BinanceFeed, FeedSocketHost, RolloverHost, FeedBufferHost {
  readonly name: string;
  readonly options: ResolvedBinanceFeedOptions;
  readonly streams: readonly string[];
  readonly stats: MutableFeedStats;
  private readonly url: string;
  private readonly socketOptions: FeedSocketOptions;
  private readonly random: Random;
  private readonly buffer: FeedBuffer;
  private readonly sequencer: FeedSequencer;
  private readonly rollover: FeedRollover;
  private readonly sockets$: Subject<FeedSocket>;
  private readonly live: Set<FeedSocket>;
  private readonly subscription: Subscription;
  /** The primary connection being opened (first connect or reconnect), if any. */
  private pending: FeedSocket | null;
  private nextId: number;
  private attempt: number;
  /** When the primary was lost (µs), -1 when not waiting for a replacement's first frame. */
  private lostUs: number;
  private isPaused: boolean;
  private closed: boolean;
  private reconnectTimer: TimerHandle | null;
  private rolloverTimer: TimerHandle | null;
  private overlapTimer: TimerHandle | null;
  private allEnded: (() => void) | null;

  constructor(options: ResolvedBinanceFeedOptions) {
    this.name = options.name;
    this.options = options;
    this.streams = streamNames(options.symbols, options.channels, options.depthStream);
    this.stats = new MutableFeedStats(options.name, this.streams, options.maxIssues, options.onIssue);
    this.url = combinedStreamUrl(options.url, this.streams);
    this.socketOptions = { clock: options.clock, timers: options.timers, connectTimeoutMs: options.connectTimeoutMs, staleTimeoutMs: options.staleTimeoutMs, maxPayload: options.maxPayload };
    const random = createRandom(options.seed);
    this.random = random.fork('binance-feed:reconnect');
    this.buffer = new FeedBuffer(this, this.stats, options.highWaterMark, options.lowWaterMark);
    const gaps = new GapDetector(this.stats, options.depthStream, options.checkTradeIds);
    const raw = options.rawTap;
    const bodies = new Map<string, string>();
    const fetch = raw === null ? options.fetch : keepBodies(options.fetch, bodies);
    this.sequencer = new FeedSequencer(gaps, this.stats, depthSyncOptions(options, random.fork('binance-feed:rest'), fetch), options.symbols);
    this.rollover = new FeedRollover(this, this.sequencer, this.stats, options.highWaterMark);
    this.sockets$ = new Subject<FeedSocket>();
    this.live = new Set();
    this.pending = null;
    this.nextId = 0;
    this.attempt = 0;
    this.lostUs = -1;
    this.isPaused = false;
    this.closed = false;
    this.reconnectTimer = null;
    this.rolloverTimer = null;
    this.overlapTimer = null;
    this.allEnded = null;
    const clock = options.clock;
    const decode = decodeBinanceFrames({ now: () => clock.now(), stats: this.stats, exchange: options.exchange });
    this.subscription = this.sockets$
      .pipe(
        mergeMap((socket) => (raw === null ? socket.frames$.pipe(decode, arbitrateRollover(this.rollover, socket)) : tapFrames(socket.frames$, decode, arbitrateRollover(this.rollover, socket), raw))),
        sequenceFeed(this.sequencer),
        raw === null ? identity : tapSnapshots(raw, bodies),
      )
      .subscribe(this.buffer);
    this.pending = this.open('primary');
  }

  get connected(): boolean {
    return this.rollover.primary?.isOpen ?? false;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  async next(): Promise<readonly MarketRecord[] | null> {
    for (;;) {
      if (this.closed) return null;
      if (this.buffer.size > 0) return this.buffer.take(this.options.chunkSize);
      await this.buffer.whenData();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stats.done = true;
    const timers = this.options.timers;
    this.reconnectTimer = this.cancel(this.reconnectTimer);
    this.clearRolloverTimers();
    this.sequencer.close();
    this.subscription.unsubscribe();
    this.buffer.end();
    if (this.live.size === 0) return;
    const ended = new Promise<void>((resolve) => (this.allEnded = resolve));
    for (const socket of this.live) socket.close();
    const force = timers.setTimeout(() => {
      for (const socket of this.live) socket.close(true);
    }, CLOSE_GRACE_MS);
    await ended;
    timers.clearTimeout(force);
  }

  // FeedSocketHost

  socketOpened(socket: FeedSocket): void {
    this.stats.connects++;
    if (this.closed) return;
    if (socket === this.pending) {
      this.pending = null;
      this.rollover.setPrimary(socket);
      this.sequencer.connected();
      this.armRollover(socket);
    } else if (socket.role === 'candidate') {
      this.overlapTimer = this.options.timers.setTimeout(() => {
        this.overlapTimer = null;
        this.rollover.force();
      }, this.options.rolloverTimeoutMs);
    }
  }

  firstFrame(socket: FeedSocket): void {
    if (this.lostUs >= 0 && socket.role === 'primary') {
      this.stats.reconnected(this.options.clock.now() - this.lostUs);
      this.lostUs = -1;
    }
  }

  socketEnded(socket: FeedSocket, end: SocketEnd): void {
    this.live.delete(socket);
    const role = socket.role;
    const wasPrimary = socket === this.rollover.primary || socket === this.pending;
    this.rollover.release(socket);
    if (end.reason === 'protocol-error') this.stats.protocolErrors++;
    if (this.closed) {
      if (this.live.size === 0) this.allEnded?.();
      return;
    }
    if (role === 'retired' || end.reason === 'local') return;
    if (role === 'candidate') return this.candidateLost(socket, end);
    if (!wasPrimary) return;
    if (socket === this.pending) this.pending = null;
    this.clearRolloverTimers();
    const candidate = this.rollover.candidate;
    if (candidate !== null && candidate.isOpen) {
      // The old connection ended first (the venue's age limit): switch to the one already open.
      this.rollover.force();
      return;
    }
    this.stats.reconnects++;
    if (end.reason === 'stale') this.stats.staleReconnects++;
    if (this.lostUs < 0) this.lostUs = this.options.clock.now();
    if (candidate !== null) {
      // The replacement is still connecting: it becomes the primary when it opens.
      this.rollover.dropCandidate(candidate);
      candidate.role = 'primary';
      this.pending = candidate;
      this.stats.issue('IO_UNAVAILABLE', `${this.name}: connection ${socket.id} lost during a rollover (${end.reason}: ${end.detail}); waiting for its replacement`);
      return;
    }
    if (socket.openedUs >= 0 && this.options.clock.now() - socket.openedUs >= this.options.backoff.resetAfterUs) this.attempt = 0;
    const delayUs = backoffDelay(this.options.backoff, this.attempt++, this.random);
    this.stats.issue('IO_UNAVAILABLE', `${this.name}: connection ${socket.id} lost (${end.reason}: ${end.detail}); reconnecting in ${Math.round(delayUs / 1000)} ms`);
    this.reconnectTimer = this.options.timers.setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) this.pending = this.open('primary');
    }, delayUs / 1000);
  }

  shutdownNotice(socket: FeedSocket): void {
    if (socket === this.rollover.primary) this.startRollover();
  }

  // RolloverHost

  retire(socket: FeedSocket): void {
    this.rollover.release(socket);
    socket.close();
  }

  holdFull(socket: FeedSocket): void {
    socket.pause();
  }

  switched(_from: FeedSocket | null, to: FeedSocket, matched: boolean): void {
    this.stats.rollovers++;
    if (!matched) this.stats.rolloversUnmatched++;
    this.clearRolloverTimers();
    if (!this.isPaused) to.resume();
    this.armRollover(to);
  }

  // FeedBufferHost

  bufferHigh(): void {
    this.isPaused = true;
    this.stats.pauses++;
    for (const socket of this.live) socket.pause();
  }

  bufferLow(): void {
    this.isPaused = false;
    for (const socket of this.live) socket.resume();
  }

  private open(role: 'primary' | 'candidate'): FeedSocket {
    const socket = new FeedSocket(++this.nextId, this.url, role, this, this.socketOptions, this.stats);
    this.live.add(socket);
    if (this.isPaused) socket.pause();
    this.sockets$.next(socket);
    return socket;
  }

  private startRollover(): void {
    if (this.closed || this.rollover.candidate !== null || this.pending !== null || this.rollover.primary === null) return;
    this.rolloverTimer = this.cancel(this.rolloverTimer);
    this.rollover.setCandidate(this.open('candidate'));
  }

  private candidateLost(socket: FeedSocket, end: SocketEnd): void {
    this.rollover.dropCandidate(socket);
    this.overlapTimer = this.cancel(this.overlapTimer);
    const delayUs = backoffDelay(this.options.backoff, this.attempt++, this.random);
    this.stats.issue('IO_UNAVAILABLE', `${this.name}: rollover connection ${socket.id} failed (${end.reason}: ${end.detail}); trying again in ${Math.round(delayUs / 1000)} ms`);
    this.rolloverTimer = this.options.timers.setTimeout(() => {
      this.rolloverTimer = null;
      this.startRollover();
    }, delayUs / 1000);
  }

  /** Arms the planned rollover of a new primary, `rolloverLeadMs` before its maximum age. */
  private armRollover(socket: FeedSocket): void {
    this.cancel(this.rolloverTimer);
    const ageMs = socket.openedUs >= 0 ? (this.options.clock.now() - socket.openedUs) / 1000 : 0;
    const ms = Math.max(0, this.options.maxConnectionAgeMs - this.options.rolloverLeadMs - ageMs);
    this.rolloverTimer = this.options.timers.setTimeout(() => {
      this.rolloverTimer = null;
      if (socket === this.rollover.primary) this.startRollover();
    }, ms);
  }

  private clearRolloverTimers(): void {
    this.rolloverTimer = this.cancel(this.rolloverTimer);
    this.overlapTimer = this.cancel(this.overlapTimer);
  }

  /** Cancels a timer if armed; returns null to store in its place. */
  private cancel(handle: TimerHandle | null): null {
    if (handle !== null) this.options.timers.clearTimeout(handle);
    return null;
  }
}

/** What the depth sync needs, or null when no depth channel is subscribed. */
function depthSyncOptions(o: ResolvedBinanceFeedOptions, random: Random, fetch: FeedFetch): DepthSyncOptions | null {
  if (!o.channels.includes('depth')) return null;
  return { market: o.market, restUrl: o.restUrl, limit: o.restLimit, exchange: o.exchange, fetch, clock: o.clock, timers: o.timers, timeoutMs: o.restTimeoutMs, backoff: o.backoff, random, maxHeld: o.maxHeldDiffs };
}
