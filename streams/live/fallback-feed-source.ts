/**
 * One source of a fallback feed, as data (the chain's `FallbackSource`: name, breaker, rate limit,
 * retry) plus a factory that opens it, and the `SourceLink` the factory is given so the source's
 * life reaches the chain.
 *
 * Two kinds, because a socket and a poller fail differently:
 *
 * - `stream` (a socket feed): the source pushes data and reconnects by itself, so the fallback feed
 *   judges it, one **connection attempt** at a time. An attempt starts when the source is opened
 *   or right after its previous one failed; it succeeds, with its latency, when a chunk holding data
 *   received since its start is read; it fails when the source reports a failure (`link.fail`, or
 *   `link.onIssue` fed by the socket feed's `onIssue` option: connection lost, refused, stale, handshake
 *   timed out) or when no data comes for `attemptTimeoutMs` while the feed waits for it. The socket's
 *   own reconnect backoff stays its business; the chain decides whether it is open at all.
 * - `requests` (the book ticker poller): the source sends requests of its own, each asked through
 *   `link.permit()` (the chain's breaker, retry wait and rate limit, so a `Retry-After` keeps it
 *   silent) and each reported through `link.report(outcome)`.
 */
import type { RecordSource, SourceIssue } from '../record-source.js';
import type { FallbackSource } from './fallback-chain.js';
import type { ClassifiedFailure } from './failure-class.js';
import type { Permit } from './permit.js';
import type { RequestOutcome } from './request-outcome.js';

/** How the fallback feed judges a source (see the file comment). */
export type SourceKind = 'stream' | 'requests';

/** What an open source may tell its fallback feed. One link per opening. */
export interface SourceLink {
  /** The source's name in the chain. */
  readonly source: string;
  /** The symbols the fallback feed serves (open the source for these). */
  readonly symbols: readonly string[];
  /** `requests` sources: may a request be sent now? Granted: send it and `report` it, whatever happens. */
  permit(): Permit;
  /** `requests` sources: the outcome of a permitted request. */
  report(outcome: RequestOutcome): void;
  /** `stream` sources: the connection failed (the source is expected to reconnect by itself). */
  fail(failure: ClassifiedFailure): void;
  /** The source's issues; pass it as the socket feed's `onIssue` (connection losses become `fail`). */
  onIssue(issue: SourceIssue): void;
}

/** One source of a fallback feed, in priority order within `sources`. */
export interface FallbackFeedSource extends FallbackSource {
  /** Default `stream`. */
  readonly kind?: SourceKind;
  /**
   * Opens the source (a socket feed, a poller) wired to `link`. Called again after each close, so
   * it must build a new source every time. A throw counts as a failed attempt of this source.
   */
  open(link: SourceLink): RecordSource;
}
