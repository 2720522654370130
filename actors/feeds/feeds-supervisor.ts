/**
 * `feedsSupervisor`: the `feeds` subtree, one feed actor per configured feed, for the composition
 * root to add as the last child of `pipeline` (sources start once every consumer is up, and stop
 * first). The policy is the caller's (the market-data one: one-for-one restarts with backoff,
 * then escalate), since `actors/` does not import the composition root.
 *
 * Restarting this supervisor (its parent's decision) terminates the feed actors, which closes
 * their handles; the children spawned again reopen them through their factories.
 */
import { defineSupervisor, type ActorDefinition } from '../../src/runtime/actor.js';
import type { MailboxConfig } from '../../src/runtime/mailbox.js';
import type { SupervisionPolicy } from '../../src/runtime/supervision.js';
import { feedActor } from './feed-actor.js';
import type { FeedHandle } from './feed-handle.js';
import type { FeedAdmission } from './feed-ports.js';

/** Options of `feedsSupervisor`. */
export interface FeedsSupervisorOptions {
  /** One per feed; each actor is named after its handle (`feeds/<name>`). */
  readonly feeds: readonly FeedHandle[];
  readonly admission: FeedAdmission;
  readonly supervision: Partial<SupervisionPolicy>;
  readonly mailbox?: Partial<MailboxConfig>;
  /** How long a feed may take to stop (its pump in flight, its source's close); default 5 s. */
  readonly shutdownUs?: number;
}

/** The `feeds` supervisor (see the file comment). */
export function feedsSupervisor(options: FeedsSupervisorOptions): ActorDefinition<void, undefined, never> {
  const { admission, mailbox, shutdownUs } = options;
  return defineSupervisor({
    name: 'feeds',
    supervision: options.supervision,
    children: options.feeds.map((source) => ({
      actor: feedActor,
      name: source.name,
      config: { source, admission },
      ...(mailbox === undefined ? {} : { mailbox }),
      ...(shutdownUs === undefined ? {} : { shutdownUs }),
    })),
  });
}
