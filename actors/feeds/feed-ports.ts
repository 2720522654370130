/**
 * The ports of a feed, given by the composition root: admission control (where records are
 * offered) and the source factory (how a feed's `RecordSource` is opened, and reopened where it
 * left off).
 */
import type { MarketRecord } from '../../src/model/records.js';
import type { RecordSource } from '../../streams/record-source.js';

/**
 * Admission control as a port: the `ActorSystem` satisfies it structurally. `offer` is refused
 * while a `backpressure` mailbox is full or the system stops; `whenRoom` resolves when offers
 * would be accepted again (or the system stops: `isAccepting` tells which).
 */
export interface FeedAdmission {
  offer(topic: string, record: unknown): boolean;
  whenRoom(): Promise<void>;
  readonly isAccepting: boolean;
}

/** What the factory is told when it opens a source: where the feed stands. */
export interface FeedResume {
  /** 0 for the first source, then 1, 2, ... for each recreation. */
  readonly recreation: number;
  /** Records accepted so far, over every source of this handle. */
  readonly offered: number;
  /** The last record accepted (a live source may resume after its id or time), if any. */
  readonly lastOffered: MarketRecord | undefined;
  /** Why the previous source was dropped: its failure, or undefined after a close or at first. */
  readonly failure: unknown;
}

/** Opens a source. A throw counts as a source failure (the actor fails and retries after backoff). */
export type FeedSourceFactory = (resume: FeedResume) => RecordSource;
