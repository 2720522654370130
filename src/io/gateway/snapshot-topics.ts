/**
 * Which kept topics a subscribe's snapshot covers: those matched by any of its patterns, each
 * once, oldest topic first. Matching is the bus's own rule (whole-segment prefixes, `*` for one
 * segment), applied by a throwaway `Bus` holding just these patterns: each pattern is compiled
 * once and each topic split once, so a subscribe costs one pass over the kept topics however many
 * patterns it carries.
 */
import { Bus, type BusSubscriber } from '../../runtime/bus.js';
import type { LatestValues, TopicEntry } from './latest-values.js';

/** A subscriber that is never delivered to: the probe bus only answers `subscribersOf`. */
const PROBE: BusSubscriber<undefined> = { enqueue: () => undefined };

/** The entries of `latest` whose topic any of `patterns` matches (patterns already validated). */
export function snapshotTopics(latest: LatestValues, patterns: readonly string[]): TopicEntry[] {
  const probe = new Bus<undefined>();
  for (const pattern of patterns) probe.subscribe(pattern, PROBE);
  const out: TopicEntry[] = [];
  for (const entry of latest.values()) {
    if (probe.subscribersOf(entry.topic).length > 0) out.push(entry);
  }
  return out;
}
