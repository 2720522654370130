/**
 * The feed actor: moves one feed's records from its `FeedHandle` onto the bus, one chunk per
 * pump, under admission control (DESIGN.md: sources offer, a refused offer pauses the source until
 * there is room). The actor is data plus a synchronous `receive`: each pump is I/O started with
 * `ctx.pipe`, and its outcome, a message, asks for the next.
 *
 * Supervision. A pump that fails (the source's `next()` rejects, the factory throws, or an offer
 * throws) makes `receive` throw, so the supervisor restarts the actor under its policy (backoff,
 * intensity, escalation). Nothing is lost or offered twice across the restart, because the
 * handle, not the actor, holds the source and the chunk in flight (see `feed-handle.ts`): the new
 * incarnation's first pump waits for the one in flight and resumes at the first record not yet
 * accepted. The source is kept (continuity: trade ids, depth chain, book validity) unless it
 * failed itself.
 *
 * Incarnations. The runtime delivers a pipe's outcome to whichever incarnation is current when it
 * settles (stashed during the restart's backoff), not to the one that started it. Each
 * incarnation therefore carries the epoch its `attach` returned and ignores outcomes of another:
 * otherwise every restart that happens while a pump is in flight would add a second pump chain.
 *
 * Hooks. `beforeRestart` is defined (and does nothing) so that a restart does not run `onStop`,
 * the runtime's default cleanup before a restart. `onStop` runs on a final stop only (a system
 * stop, a supervisor's `stop`, giving up or restart of the parent): it closes the handle, which
 * lets the pump in flight finish (or give up once the system stops accepting) and closes the
 * source once; the runtime awaits it up to the child's `shutdownUs`.
 *
 * At the end of a source (a recording) the actor stays up and idle; `feed_stats` says `ended`.
 */
import type { ActorContext, ConfigSchema, PipeOutcome } from '../../src/runtime/actor.js';
import { defineActor } from '../../src/runtime/actor.js';
import { TickflowError } from '../../src/runtime/errors.js';
import { FeedHandle, type PumpResult } from './feed-handle.js';
import type { FeedAdmission } from './feed-ports.js';

/** Config of a feed actor: ports injected by the composition root. */
export interface FeedActorConfig {
  /** The feed to pump; outlives the actor's incarnations. */
  readonly source: FeedHandle;
  /** Where records are offered: the `ActorSystem` satisfies it. */
  readonly admission: FeedAdmission;
}

/** Asks for the feed's counters; the reply is a `FeedStats`. */
export interface FeedStatsQuery {
  readonly type: 'feed_stats';
}

/** Internal: the outcome of a pump started by the incarnation of `epoch`. */
export interface FeedPumped {
  readonly type: 'feed_pumped';
  readonly epoch: number;
  readonly outcome: PipeOutcome<PumpResult>;
}

/** Messages of the feed actor. */
export type FeedMessage = FeedStatsQuery | FeedPumped;

interface FeedState {
  readonly config: FeedActorConfig;
  readonly epoch: number;
  /** Built once per incarnation, so a pump allocates no closure. */
  readonly toMessage: (outcome: PipeOutcome<PumpResult>) => FeedPumped;
}

/** Checks the ports at spawn (`CONFIG_INVALID` naming the actor), not at the first pump. */
const feedActorConfig: ConfigSchema<FeedActorConfig> = {
  parse(input: unknown): FeedActorConfig {
    const config = input as Partial<FeedActorConfig> | undefined;
    if (!(config?.source instanceof FeedHandle)) throw new TypeError('source must be a FeedHandle (createFeedHandle)');
    const admission = config.admission as Partial<FeedAdmission> | undefined;
    if (typeof admission?.offer !== 'function' || typeof admission.whenRoom !== 'function') {
      throw new TypeError('admission must have offer(topic, record) and whenRoom() (the ActorSystem does)');
    }
    return config as FeedActorConfig;
  },
};

/** The feed actor (see the file comment). Spawn one per feed, under a supervisor with backoff. */
export const feedActor = defineActor<FeedActorConfig, FeedState, FeedMessage>({
  name: 'feed',
  config: feedActorConfig,
  init: (config) => ({ config, epoch: 0, toMessage: pumpedMessage(0) }),
  onStart(state, ctx) {
    const epoch = state.config.source.attach();
    const next: FeedState = { config: state.config, epoch, toMessage: pumpedMessage(epoch) };
    pumpNext(next, ctx);
    return next;
  },
  receive(state, message, ctx) {
    if (message.type === 'feed_stats') {
      ctx.reply(state.config.source.stats());
      return state;
    }
    if (message.epoch !== state.epoch) {
      state.config.source.noteStaleOutcome();
      return state;
    }
    const outcome = message.outcome;
    if (!outcome.ok) throw pumpFailure(state.config.source, ctx, outcome.error);
    if (outcome.value === 'chunk') pumpNext(state, ctx);
    return state;
  },
  beforeRestart: () => undefined,
  onStop: (state) => state.config.source.close(),
});

function pumpedMessage(epoch: number): (outcome: PipeOutcome<PumpResult>) => FeedPumped {
  return (outcome) => ({ type: 'feed_pumped', epoch, outcome });
}

/** Starts the next pump unless the system stopped accepting (intake ends with the stop). */
function pumpNext(state: FeedState, ctx: ActorContext<FeedMessage>): void {
  const { source, admission } = state.config;
  if (!admission.isAccepting) return;
  ctx.pipe(source.pump(state.epoch, admission), state.toMessage);
}

/** The failure the actor throws: the source's own `TickflowError`, or one naming the feed. */
function pumpFailure(source: FeedHandle, ctx: ActorContext<FeedMessage>, error: unknown): unknown {
  if (error instanceof TickflowError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new TickflowError('IO_UNAVAILABLE', `feed ${source.name} failed: ${reason}`, { actor: ctx.self.path, feed: source.name }, { cause: error });
}
