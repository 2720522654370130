/**
 * The latest message of each topic the gateway has seen, for the snapshot a client gets when it
 * subscribes. Bounded: at `maxTopics`, a new topic evicts the oldest one (first seen; updates do
 * not move a topic, which keeps an update to one map write), and evictions are counted. Topics
 * come from the engine, `md.<exchange>.<symbol>.<type>` and the like, so in practice the bound is
 * never reached; it is there so a wiring mistake cannot grow memory without limit.
 *
 * A message is encoded to its frame lazily, at most once: on the first client that needs it, live
 * or as a snapshot. A daemon with no client subscribed to a topic pays one map write per message,
 * no JSON. (Messages between actors are immutable records, so encoding later gives the same text.)
 */
import { encodeTopicFrame } from './gateway-frames.js';

/** One topic's latest message and, once a client needed it, its encoded frame. */
export class TopicEntry {
  readonly topic: string;
  /** Whether slow clients may conflate this topic's frames. */
  readonly conflate: boolean;
  private readonly owner: LatestValues;
  private message: unknown;
  /** `undefined`: not encoded yet; `null`: the message cannot be serialized. */
  private frame: Buffer | null | undefined;
  /**
   * The topic's messages carry bigints (orders' fill notionals, fills' fees: money; their lots and
   * ticks are plain numbers): encode them with the replacer at once, rather than fail first (an
   * exception costs more than the encoding) every time.
   */
  private bigints: boolean;

  constructor(owner: LatestValues, topic: string, conflate: boolean) {
    this.topic = topic;
    this.conflate = conflate;
    this.owner = owner;
    this.message = undefined;
    this.frame = undefined;
    this.bigints = false;
  }

  /** Replaces the message; its frame is encoded again when next needed. */
  set(message: unknown): void {
    this.message = message;
    this.frame = undefined;
  }

  /** The `{"topic":..,"data":..}` frame of the latest message, or undefined if it cannot be serialized (counted once). */
  encoded(): Buffer | undefined {
    if (this.frame === undefined) {
      let frame = this.bigints ? undefined : encodeTopicFrame(this.topic, this.message, false);
      if (frame === undefined) {
        frame = encodeTopicFrame(this.topic, this.message, true);
        if (frame !== undefined) this.bigints = true;
      }
      this.frame = frame ?? null;
      if (frame === undefined) this.owner.unserializable++;
    }
    return this.frame ?? undefined;
  }
}

/** Latest message per topic, bounded by topic count. */
export class LatestValues {
  /** Topics evicted to stay within `maxTopics`. */
  evicted: number;
  /** Messages that could not be serialized (neither sent nor kept for snapshots). */
  unserializable: number;
  private readonly entries: Map<string, TopicEntry>;
  private readonly maxTopics: number;
  private readonly conflatePrefixes: readonly string[];

  constructor(maxTopics: number, conflatePrefixes: readonly string[]) {
    this.evicted = 0;
    this.unserializable = 0;
    this.entries = new Map();
    this.maxTopics = maxTopics;
    this.conflatePrefixes = conflatePrefixes;
  }

  /** Topics kept. */
  get size(): number {
    return this.entries.size;
  }

  /** Records `message` as the latest of `topic`; returns the topic's entry. */
  update(topic: string, message: unknown): TopicEntry {
    let entry = this.entries.get(topic);
    if (entry === undefined) {
      if (this.entries.size >= this.maxTopics) {
        const oldest = this.entries.keys().next().value!;
        this.entries.delete(oldest);
        this.evicted++;
      }
      entry = new TopicEntry(this, topic, this.conflates(topic));
      this.entries.set(topic, entry);
    }
    entry.set(message);
    return entry;
  }

  /** Every entry, oldest topic first. */
  values(): IterableIterator<TopicEntry> {
    return this.entries.values();
  }

  private conflates(topic: string): boolean {
    for (const prefix of this.conflatePrefixes) {
      if (topic === prefix || (topic.startsWith(prefix) && topic.charCodeAt(prefix.length) === 46 /* '.' */)) return true;
    }
    return false;
  }
}
