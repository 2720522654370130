/**
 * The `arbitrateRollover` operator and its arbiter: which connection's records go on, so that
 * replacing a connection before its maximum age loses nothing and repeats nothing.
 *
 * Normally one connection, the primary, is live and its records pass straight through. During a
 * rollover a candidate connection is opened first; its records are held while the primary goes on.
 * Both connections carry the same messages in the same order from the moment the candidate
 * subscribed (one venue, one sequence), so the candidate's stream is a suffix of the primary's.
 * The overlap is found by key (trade id, depth `u`, per symbol): when the primary has delivered
 * the held record with key K and `m` records after it, the candidate's records up to K's position
 * plus `m` are duplicates. At that moment the switch happens: the primary is retired (closed), the
 * duplicates are dropped (counted in `duplicates`), the rest of the held records are released in
 * order, and the candidate becomes the primary. Quotes, which carry no id, are placed exactly by
 * the same positional rule.
 *
 * If no overlap is found (the primary ends first, or `rolloverTimeoutMs` passes), the switch is
 * forced: held records up to the last one whose id was already seen are dropped, the rest released,
 * and the `GapDetector` downstream still drops any trade or diff seen twice; a quote might then be
 * repeated (`rolloversUnmatched` counts these switches). Records of a retired connection are
 * dropped and counted as duplicates: everything they carry also came on the new primary.
 */
import { Observable, type MonoTypeOperatorFunction, type Subscriber } from 'rxjs';
import type { MarketRecord } from '../../src/model/records.js';
import type { FeedSequencer } from './feed-sequencer.js';
import type { FeedSocket } from './feed-socket.js';
import type { MutableFeedStats } from './feed-stats.js';

/** What the arbiter asks of its feed. */
export interface RolloverHost {
  /** `socket` is no longer the primary: close it. */
  retire(socket: FeedSocket): void;
  /** The candidate holds `holdLimit` records: pause it until the switch. */
  holdFull(socket: FeedSocket): void;
  /** `to` replaced `from` (null when `from` had already ended); `matched`: the overlap was found. */
  switched(from: FeedSocket | null, to: FeedSocket, matched: boolean): void;
}

/** Arbitration state of one feed. Fields set in the constructor, in one order. */
export class FeedRollover {
  primary: FeedSocket | null;
  candidate: FeedSocket | null;
  private readonly host: RolloverHost;
  private readonly sequencer: FeedSequencer;
  private readonly stats: MutableFeedStats;
  private readonly holdLimit: number;
  private readonly lanes: Map<FeedSocket, Subscriber<MarketRecord>>;
  private primaryLane: Subscriber<MarketRecord> | null;
  private held: MarketRecord[];
  /** Key → index in `held` of the candidate's trades and diffs. */
  private readonly heldKeys: Map<string, number>;
  /** Key of the last trade or diff the primary delivered during the overlap. */
  private primaryKey: string;
  /** Records the primary delivered after that one. */
  private sinceKey: number;
  /** Index in `held` of `primaryKey`, or -1 while the candidate has not received it. */
  private matchIndex: number;

  constructor(host: RolloverHost, sequencer: FeedSequencer, stats: MutableFeedStats, holdLimit: number) {
    this.primary = null;
    this.candidate = null;
    this.host = host;
    this.sequencer = sequencer;
    this.stats = stats;
    this.holdLimit = holdLimit;
    this.lanes = new Map();
    this.primaryLane = null;
    this.held = [];
    this.heldKeys = new Map();
    this.primaryKey = '';
    this.sinceKey = 0;
    this.matchIndex = -1;
  }

  /** Makes `socket` the primary (a first connection or a reconnect: nothing to line up). */
  setPrimary(socket: FeedSocket): void {
    socket.role = 'primary';
    this.primary = socket;
    this.primaryLane = this.lanes.get(socket) ?? null;
  }

  /** Starts holding `socket`'s records as the rollover candidate. */
  setCandidate(socket: FeedSocket): void {
    socket.role = 'candidate';
    this.candidate = socket;
    this.resetOverlap();
  }

  /** One record from `socket`'s pipeline. */
  route(socket: FeedSocket, record: MarketRecord): void {
    if (socket === this.primary) {
      this.primaryLane?.next(record);
      if (this.candidate === null) return;
      if (record.type === 'trade' || record.type === 'book_change') {
        this.primaryKey = keyOf(record);
        this.sinceKey = 0;
        this.matchIndex = this.heldKeys.get(this.primaryKey) ?? -1;
      } else {
        this.sinceKey++;
      }
      this.trySwitch();
    } else if (socket === this.candidate) {
      const index = this.held.push(record) - 1;
      if (record.type === 'trade' || record.type === 'book_change') {
        const key = keyOf(record);
        this.heldKeys.set(key, index);
        if (key === this.primaryKey) this.matchIndex = index;
      }
      this.trySwitch();
      if (this.candidate === socket && this.held.length >= this.holdLimit) this.host.holdFull(socket);
    } else {
      this.stats.duplicates++;
    }
  }

  /**
   * Switches now, without a verified overlap (the primary ended, or the overlap took too long).
   * Does nothing without a candidate.
   */
  force(): void {
    if (this.candidate === null) return;
    let drop = 0;
    if (this.matchIndex >= 0) drop = Math.min(this.held.length, this.matchIndex + 1 + this.sinceKey);
    else for (let i = this.held.length - 1; i >= 0; i--) if (this.sequencer.isSeen(this.held[i]!)) {
      drop = i + 1;
      break;
    }
    this.switchOver(drop, false);
  }

  /** The candidate ended before the switch: forget what it held. */
  dropCandidate(socket: FeedSocket): void {
    if (this.candidate !== socket) return;
    this.candidate = null;
    this.resetOverlap();
  }

  /** Ends `socket`'s pipeline (its lane completes; upstream is unsubscribed). */
  release(socket: FeedSocket): void {
    const lane = this.lanes.get(socket);
    if (socket === this.primary) {
      this.primary = null;
      this.primaryLane = null;
    }
    if (socket === this.candidate) this.dropCandidate(socket);
    lane?.complete();
  }

  attach(socket: FeedSocket, lane: Subscriber<MarketRecord>): void {
    this.lanes.set(socket, lane);
    if (socket === this.primary) this.primaryLane = lane;
  }

  detach(socket: FeedSocket, lane: Subscriber<MarketRecord>): void {
    if (this.lanes.get(socket) === lane) this.lanes.delete(socket);
    if (this.primaryLane === lane) this.primaryLane = null;
  }

  private trySwitch(): void {
    if (this.matchIndex < 0) return;
    const drop = this.matchIndex + 1 + this.sinceKey;
    if (this.held.length >= drop) this.switchOver(drop, true);
  }

  private switchOver(drop: number, matched: boolean): void {
    const from = this.primary;
    const to = this.candidate!;
    const held = this.held;
    this.candidate = null;
    this.resetOverlap();
    this.stats.duplicates += drop;
    if (from !== null) {
      from.role = 'retired';
      this.host.retire(from);
    }
    this.setPrimary(to);
    const lane = this.primaryLane;
    for (let i = drop; i < held.length; i++) lane?.next(held[i]!);
    this.host.switched(from, to, matched);
  }

  private resetOverlap(): void {
    this.held = [];
    this.heldKeys.clear();
    this.primaryKey = '';
    this.sinceKey = 0;
    this.matchIndex = -1;
  }
}

/** The overlap key of a trade or diff: type, symbol, id. Built only while two connections overlap. */
function keyOf(record: MarketRecord): string {
  return record.type === 'trade' ? `t ${record.symbol} ${record.id}` : record.type === 'book_change' ? `d ${record.symbol} ${record.lastUpdateId}` : '';
}

/**
 * Routes `socket`'s records through `arbiter` (see the file comment): passed on while the socket
 * is the primary, held while it is the candidate, dropped once retired. Completes when the arbiter
 * releases the socket; never errors.
 */
export function arbitrateRollover(arbiter: FeedRollover, socket: FeedSocket): MonoTypeOperatorFunction<MarketRecord> {
  return (source) =>
    new Observable<MarketRecord>((subscriber) => {
      arbiter.attach(socket, subscriber);
      const subscription = source.subscribe({ next: (record) => arbiter.route(socket, record) });
      return () => {
        subscription.unsubscribe();
        arbiter.detach(socket, subscriber);
      };
    });
}
