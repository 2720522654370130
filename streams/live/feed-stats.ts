/**
 * What a live feed counts: the decoder's counters (`SourceStats`: frames as `lines`, decoded
 * records, malformed frames, unknown types, issues) plus the connection's life (connects,
 * reconnects, rollovers, stale replacements, pauses) and the data's continuity per stream (gaps,
 * ids missing, duplicates dropped, REST resyncs). Counters only ever go up, and reading them costs
 * nothing (no work is done per message beyond the increments).
 */
import type { TickflowErrorCode } from '../../src/runtime/errors.js';
import { MutableSourceStats, type SourceIssue, type SourceStats } from '../record-source.js';

/** Continuity counters of one stream (`btcusdt@trade`, `btcusdt@depth@100ms`). */
export interface StreamCounters {
  /** Breaks in the id sequence (trade ids, depth `U`/`u` or `pu` chains). */
  gaps: number;
  /** Ids missing across those breaks (trade ids skipped; depth update ids skipped). */
  missing: number;
  /** Records dropped as already delivered (same or older id). */
  duplicates: number;
  /** REST snapshots fetched because of a gap (not those at connect). */
  resyncs: number;
}

/**
 * Everything a live feed counts. `lines` counts data frames given to the decoder, `records` what
 * it decoded (duplicates included), `delivered` what `next()` hands out (duplicates dropped, REST
 * snapshots added).
 */
export interface FeedStats extends SourceStats {
  /** Data frames received and their bytes. */
  readonly frames: number;
  readonly bytes: number;
  /** Records put in the buffer for `next()`. */
  readonly delivered: number;
  /** Connections opened (each handshake that completed). */
  readonly connects: number;
  /** Connections lost and replaced (drop, error, protocol error, stale). */
  readonly reconnects: number;
  /** Of those, replaced because silent past the stale timeout. */
  readonly staleReconnects: number;
  /** Sockets closed by `ws` for a protocol violation (invalid UTF-8, bad opcode, oversized frame). */
  readonly protocolErrors: number;
  /** Planned replacements (maximum age or `serverShutdown`), new connection first. */
  readonly rollovers: number;
  /** Rollovers that switched without finding the overlap (timeout or the old socket gone first). */
  readonly rolloversUnmatched: number;
  readonly serverShutdowns: number;
  /** Times the buffer reached its high-water mark and the sockets were paused. */
  readonly pauses: number;
  /** Server pings received (each answered by `ws`). */
  readonly pings: number;
  /** Totals of the per-stream counters. */
  readonly gaps: number;
  readonly duplicates: number;
  readonly resyncs: number;
  /** REST depth snapshots delivered (at connect and for resyncs). */
  readonly snapshots: number;
  /** REST attempts that failed (network, status, body), and of them the 429/418 answers. */
  readonly snapshotFailures: number;
  readonly restRateLimited: number;
  /** Depth diffs discarded as older than the snapshot they waited for, or evicted while waiting. */
  readonly staleDiffs: number;
  /** Records released late (held during a resync or rollover) and stamped with the release time. */
  readonly restamped: number;
  /** Records in the buffer now, and the most ever. */
  readonly buffered: number;
  readonly peakBuffered: number;
  /** Wall time from losing a connection to the first frame of its replacement: last and worst, µs. */
  readonly lastReconnectUs: number;
  readonly maxReconnectUs: number;
  /** Per stream name. */
  readonly streams: Readonly<Record<string, Readonly<StreamCounters>>>;
}

/** The mutable counters behind `FeedStats`; every field set in the constructor, in one order. */
export class MutableFeedStats extends MutableSourceStats implements FeedStats {
  frames: number;
  bytes: number;
  delivered: number;
  connects: number;
  reconnects: number;
  staleReconnects: number;
  protocolErrors: number;
  rollovers: number;
  rolloversUnmatched: number;
  serverShutdowns: number;
  pauses: number;
  pings: number;
  gaps: number;
  duplicates: number;
  resyncs: number;
  snapshots: number;
  snapshotFailures: number;
  restRateLimited: number;
  staleDiffs: number;
  restamped: number;
  buffered: number;
  peakBuffered: number;
  lastReconnectUs: number;
  maxReconnectUs: number;
  readonly streams: Record<string, StreamCounters>;

  constructor(name: string, streamNames: readonly string[], maxIssues: number, onIssue: ((issue: SourceIssue) => void) | null) {
    super(name, 'binance-ws', maxIssues, onIssue);
    this.frames = 0;
    this.bytes = 0;
    this.delivered = 0;
    this.connects = 0;
    this.reconnects = 0;
    this.staleReconnects = 0;
    this.protocolErrors = 0;
    this.rollovers = 0;
    this.rolloversUnmatched = 0;
    this.serverShutdowns = 0;
    this.pauses = 0;
    this.pings = 0;
    this.gaps = 0;
    this.duplicates = 0;
    this.resyncs = 0;
    this.snapshots = 0;
    this.snapshotFailures = 0;
    this.restRateLimited = 0;
    this.staleDiffs = 0;
    this.restamped = 0;
    this.buffered = 0;
    this.peakBuffered = 0;
    this.lastReconnectUs = 0;
    this.maxReconnectUs = 0;
    this.streams = Object.create(null) as Record<string, StreamCounters>;
    for (const stream of streamNames) this.streams[stream] = { gaps: 0, missing: 0, duplicates: 0, resyncs: 0 };
  }

  /** Counters of `stream` (created on first use for a stream not named at construction). */
  stream(stream: string): StreamCounters {
    return (this.streams[stream] ??= { gaps: 0, missing: 0, duplicates: 0, resyncs: 0 });
  }


  /** A feed issue (gap, resync, connection), positioned at the current frame count. */
  issue(code: TickflowErrorCode, message: string): void {
    this.addIssue(code, this.lines, message);
  }

  /** Records a measured reconnect time. */
  reconnected(us: number): void {
    this.lastReconnectUs = us;
    if (us > this.maxReconnectUs) this.maxReconnectUs = us;
  }
}
