/**
 * The topic bus. Topics are dot-separated (`md.binance.BTCUSDT.trade`). A subscription is a
 * pattern of segments that matches a topic by prefix of whole segments: each pattern segment must
 * equal the topic's segment at the same position, except `*`, which matches exactly one non-empty
 * segment. So `md.binance.BTCUSDT` matches `md.binance.BTCUSDT.trade` but not
 * `md.binance.BTCUSDT2.trade`; `md.*.*.trade` matches every trade topic (and anything below it) but
 * not `md.binance.trade`; the empty pattern matches every topic.
 *
 * `publish` enqueues into every matching subscriber synchronously, in subscription order, so a
 * publish reaches every subscriber or none and each publisher's order is kept in every mailbox.
 * A subscriber matched by several patterns gets one copy, at the place of its first matching
 * subscription. Patterns are compiled once, at subscribe; the subscriber list per topic is cached
 * and rebuilt only when subscriptions change, so matching never runs per message and a publish is
 * one map lookup and a loop.
 *
 * A subscription may carry an `accept` filter: a pure function of the message, called at publish,
 * that says whether this subscriber gets it. It saves a delivery (a mailbox slot, a turn, a
 * receive) for messages a subscriber would only look at and drop, such as the order versions
 * that change nothing it keeps. A subscriber with several matching subscriptions gets a message
 * when any of them takes it (one without a filter takes everything).
 */

/** What the bus delivers into: an actor cell. */
export interface BusSubscriber<S> {
  enqueue(message: unknown, sender: S | undefined): void;
}

/** A subscription's filter: whether the subscriber gets `message`. Pure: reads the message only. */
export type BusFilter = (message: unknown) => boolean;

/** A subscriber a topic reaches, with its filter (`undefined`: every message). */
export interface BusTarget<S> {
  readonly subscriber: BusSubscriber<S>;
  readonly accept: BusFilter | undefined;
}

/**
 * A pattern split into segments once, at subscribe. `null` marks a `*` segment, so matching
 * compares segments without re-parsing the pattern text. The empty pattern has no segments.
 */
type CompiledPattern = readonly (string | null)[];

interface Subscription<S> {
  readonly pattern: string;
  readonly compiled: CompiledPattern;
  readonly subscriber: BusSubscriber<S>;
  readonly accept: BusFilter | undefined;
}

/** A topic bus with whole-segment prefix patterns and single-segment `*` wildcards. */
export class Bus<S> {
  private readonly subscriptions: Subscription<S>[] = [];
  /**
   * Subscribers per published topic, including topics nobody hears (an empty list, so those cost
   * one lookup too). One entry per distinct topic: topics are `md.<exchange>.<symbol>.<type>`,
   * `exec.<kind>.<symbol>` and the like, so their number is bounded by the configured instruments
   * times a handful of record types. The map is cleared on every subscription change, so churning
   * subscriptions cost rebuilds but never make it grow.
   */
  private readonly cache = new Map<string, BusTarget<S>[]>();

  /**
   * Adds a subscription, with an optional filter (see the file comment); subscribing twice to the
   * same pattern is a no-op (the first subscription's filter stays). Throws a `RangeError` naming
   * the pattern when a segment mixes `*` with other characters (`md.bin*`).
   */
  subscribe(pattern: string, subscriber: BusSubscriber<S>, accept?: BusFilter): void {
    const compiled = compilePattern(pattern);
    if (this.subscriptions.some((s) => s.pattern === pattern && s.subscriber === subscriber)) return;
    this.subscriptions.push({ pattern, compiled, subscriber, accept });
    this.cache.clear();
  }

  /** Removes one subscription (or, without a pattern, all of the subscriber's). */
  unsubscribe(subscriber: BusSubscriber<S>, pattern?: string): void {
    let changed = false;
    for (let i = this.subscriptions.length - 1; i >= 0; i--) {
      const s = this.subscriptions[i]!;
      if (s.subscriber === subscriber && (pattern === undefined || s.pattern === pattern)) {
        this.subscriptions.splice(i, 1);
        changed = true;
      }
    }
    if (changed) this.cache.clear();
  }

  /**
   * Delivers `message` to every subscriber of `topic` whose filter takes it; returns how many got
   * it. `sender` is passed through to each subscriber untouched; the bus never reads it.
   */
  publish(topic: string, message: unknown, sender: S | undefined): number {
    const targets = this.targets(topic);
    let delivered = 0;
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i]!;
      if (target.accept !== undefined && !target.accept(message)) continue;
      target.subscriber.enqueue(message, sender);
      delivered++;
    }
    return delivered;
  }

  /**
   * The subscribers a publish on `topic` reaches now, in order, with their filters, from the cache
   * (valid until the next subscription change): for callers that deliver themselves (traced
   * publishes), which must apply the filters as `publish` does.
   */
  targets(topic: string): readonly BusTarget<S>[] {
    let targets = this.cache.get(topic);
    if (targets === undefined) {
      targets = this.match(topic);
      this.cache.set(topic, targets);
    }
    return targets;
  }

  /** The subscribers a publish on `topic` would reach, in order (filters aside). */
  subscribersOf(topic: string): readonly BusSubscriber<S>[] {
    return this.match(topic).map((t) => t.subscriber);
  }

  private match(topic: string): BusTarget<S>[] {
    const segments = topic.split('.');
    const out: BusTarget<S>[] = [];
    for (const s of this.subscriptions) {
      if (!matchesCompiled(s.compiled, segments)) continue;
      const i = out.findIndex((t) => t.subscriber === s.subscriber);
      if (i < 0) out.push({ subscriber: s.subscriber, accept: s.accept });
      else out[i] = { subscriber: s.subscriber, accept: either(out[i]!.accept, s.accept) };
    }
    return out;
  }
}

/** A filter taking what either takes; `undefined` (no filter) takes everything. */
function either(a: BusFilter | undefined, b: BusFilter | undefined): BusFilter | undefined {
  if (a === undefined || b === undefined) return undefined;
  return (message) => a(message) || b(message);
}

/**
 * True when `pattern` matches `topic`: the pattern's segments match the topic's first segments,
 * `*` matching exactly one non-empty segment. Throws a `RangeError` for an invalid pattern, as
 * `subscribe` does.
 */
export function matches(pattern: string, topic: string): boolean {
  return matchesCompiled(compilePattern(pattern), topic.split('.'));
}

function matchesCompiled(pattern: CompiledPattern, topic: readonly string[]): boolean {
  if (pattern.length > topic.length) return false;
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = topic[i]!;
    if (want === null ? got === '' : want !== got) return false;
  }
  return true;
}

// A RangeError rather than a TickflowError: the closed code union lives in errors.ts, which this
// change does not touch; a bad pattern is a programming error caught at subscribe, not a runtime
// condition callers branch on.
function compilePattern(pattern: string): CompiledPattern {
  if (pattern === '') return [];
  return pattern.split('.').map((segment) => {
    if (segment === '*') return null;
    if (segment.includes('*')) {
      throw new RangeError(`invalid topic pattern "${pattern}": '*' must stand alone as a whole segment`);
    }
    return segment;
  });
}
