/**
 * The topic bus. Topics are dot-separated (`md.binance.BTCUSDT.trade`); a subscription is a prefix
 * that matches whole segments (`md.binance.BTCUSDT` matches `md.binance.BTCUSDT.trade`, not
 * `md.binance.BTCUSDT2.trade`; the empty prefix matches every topic).
 *
 * `publish` enqueues into every matching subscriber synchronously, in subscription order, so a
 * publish reaches every subscriber or none and each publisher's order is kept in every mailbox.
 * A subscriber matched by several prefixes gets one copy. The subscriber list per topic is cached
 * and rebuilt only when subscriptions change, so a publish is one map lookup and a loop.
 */

/** What the bus delivers into: an actor cell. */
export interface BusSubscriber<S> {
  enqueue(message: unknown, sender: S | undefined): void;
}

interface Subscription<S> {
  readonly prefix: string;
  readonly subscriber: BusSubscriber<S>;
}

/** A topic bus with whole-segment prefix subscriptions. */
export class Bus<S> {
  private readonly subscriptions: Subscription<S>[] = [];
  private readonly cache = new Map<string, BusSubscriber<S>[]>();

  /** Adds a subscription; subscribing twice to the same prefix is a no-op. */
  subscribe(prefix: string, subscriber: BusSubscriber<S>): void {
    if (this.subscriptions.some((s) => s.prefix === prefix && s.subscriber === subscriber)) return;
    this.subscriptions.push({ prefix, subscriber });
    this.cache.clear();
  }

  /** Removes one subscription (or, without a prefix, all of the subscriber's). */
  unsubscribe(subscriber: BusSubscriber<S>, prefix?: string): void {
    let changed = false;
    for (let i = this.subscriptions.length - 1; i >= 0; i--) {
      const s = this.subscriptions[i]!;
      if (s.subscriber === subscriber && (prefix === undefined || s.prefix === prefix)) {
        this.subscriptions.splice(i, 1);
        changed = true;
      }
    }
    if (changed) this.cache.clear();
  }

  /** Delivers `message` to every subscriber of `topic`; returns how many got it. */
  publish(topic: string, message: unknown, sender: S | undefined): number {
    let targets = this.cache.get(topic);
    if (targets === undefined) {
      targets = this.match(topic);
      this.cache.set(topic, targets);
    }
    for (let i = 0; i < targets.length; i++) targets[i]!.enqueue(message, sender);
    return targets.length;
  }

  /** The subscribers a publish on `topic` would reach, in order. */
  subscribersOf(topic: string): readonly BusSubscriber<S>[] {
    return this.match(topic);
  }

  private match(topic: string): BusSubscriber<S>[] {
    const out: BusSubscriber<S>[] = [];
    for (const s of this.subscriptions) {
      if (matches(s.prefix, topic) && !out.includes(s.subscriber)) out.push(s.subscriber);
    }
    return out;
  }
}

/** True when `prefix` matches `topic` by whole segments. */
export function matches(prefix: string, topic: string): boolean {
  if (prefix === '') return true;
  if (!topic.startsWith(prefix)) return false;
  return topic.length === prefix.length || topic.charCodeAt(prefix.length) === 46; // '.'
}
