/**
 * The projection writer: follows the journal (`ProjectionSource`) and applies its entries to one
 * store (`ProjectionSink`: PostgreSQL, Redis) behind the cursor the store keeps
 * (`projection-ports.ts`). `open()` gives the cursor; a journal reader starts after it; each batch
 * read (at most `batchMax` entries) goes to `apply()`, whose success reads the next at once; an
 * empty read waits `idlePollUs`. Only one `open()` or `apply()` is ever in flight, so entries reach
 * the store in journal order and the actor holds at most one batch.
 *
 * Failures are states, not exceptions (the supervisor sees only bugs, and an unreadable journal).
 * A rejected `open()` or `apply()` makes the writer `down`: it drops its reader, closes the sink
 * (ignoring the outcome) and reopens after a backoff that grows while failures follow each other
 * and resets on a success (an applied batch, or a read that found the store caught up). The reopen
 * reads the cursor from the store again, so a batch that failed, or that the store committed but
 * whose acknowledgement was lost, is read again from the right place: nothing is lost or applied
 * twice. During an outage the journal on disk is the spill; the actor buffers nothing.
 *
 * Stale outcomes. Each call is tagged with its attempt, an object compared by identity, and an
 * outcome of any other attempt is ignored. One incarnation has one call in flight, but the runtime
 * delivers a pipe's outcome to whichever incarnation is current when it settles: after a restart
 * (a sibling's failure under one-for-all) the old call's late outcome must not pass for the new
 * one's. A counter would collide there, both incarnations starting from fresh state; identity cannot.
 *
 * A sink should bound its own calls (connect and statement timeouts): one that never settles keeps
 * the writer waiting (the status shows the lag growing) and, on a simulated clock, holds time like
 * any pending `ctx.pipe`. Stop and restart close the sink at once, which unsticks a hung call.
 *
 * (Past the 300-line aim: one state machine, whose drain waiters and status read its state; split,
 * each part would need the whole state.)
 */
import type { ActorContext, ActorRef, ConfigSchema, PipeOutcome } from '../../src/runtime/actor.js';
import { defineActor } from '../../src/runtime/actor.js';
import { backoffDelay, type BackoffPolicy } from '../../src/runtime/backoff.js';
import type { ProjectionReader, ProjectionSink, ProjectionSource } from './projection-ports.js';
import type { ProjectionDrainReply, ProjectionDrainRequest, ProjectionState, ProjectionStatus, ProjectionStatusQuery } from './projection-status.js';

/**
 * Reopen backoff: the k-th consecutive failure waits `min(maxUs, minUs * factor^k * (1 + jitter *
 * r))`, `r` from the actor's seeded random stream (`backoffDelay`). There is no `resetAfterUs`:
 * the writer resets on a success, which it sees, rather than after a time up.
 */
export type ProjectionBackoff = Pick<BackoffPolicy, 'minUs' | 'maxUs' | 'factor' | 'jitter'>;

/** 100 ms, doubling, at most 5 s, plus up to 20 % jitter so writers of several daemons spread out. */
export const DEFAULT_PROJECTION_BACKOFF: ProjectionBackoff = { minUs: 100_000, maxUs: 5_000_000, factor: 2, jitter: 0.2 };

/** Config of a projection writer. Ports come from the composition root; the rest has defaults. */
export interface ProjectionActorConfig {
  readonly source: ProjectionSource;
  readonly sink: ProjectionSink;
  /** Most entries per `apply()` (default 1,000). */
  readonly batchMax: number;
  /** Wait before reading again when the journal had nothing new (default 20 ms). */
  readonly idlePollUs: number;
  readonly backoff: ProjectionBackoff;
}

/** Internal: one `open()` or `apply()` call, the tag of its outcome. */
export interface ProjectionAttempt {
  /** Entries of the batch (0 for an open) and the `seq` of its last entry. */
  readonly count: number;
  readonly lastSeq: number;
}

/** Internal: the outcome of an `open()` (the store's cursor) or an `apply()`, tagged with its attempt. */
export type ProjectionOutcome =
  | { readonly type: 'projection_opened'; readonly attempt: ProjectionAttempt; readonly outcome: PipeOutcome<number> }
  | { readonly type: 'projection_applied'; readonly attempt: ProjectionAttempt; readonly outcome: PipeOutcome<void> };

/** Internal: the timers (idle poll, reopen, a drain's deadline) and a close that settled (ignored). */
export type ProjectionSignal =
  | { readonly type: 'projection_poll' | 'projection_reopen' | 'projection_closed' }
  | { readonly type: 'projection_drain_expired'; readonly id: number };

/** Messages of the projection writer. */
export type ProjectionMessage = ProjectionStatusQuery | ProjectionDrainRequest | ProjectionOutcome | ProjectionSignal;

interface DrainWaiter {
  readonly id: number;
  readonly asker: ActorRef<unknown>;
  readonly targetSeq: number;
}

interface ProjectionActorState {
  readonly config: ProjectionActorConfig;
  readonly backoff: BackoffPolicy;
  phase: ProjectionState;
  /** The call in flight, whose outcome is awaited; `undefined` when none. */
  attempt: ProjectionAttempt | undefined;
  reader: ProjectionReader | undefined;
  /** True from an `open()` call until the matching `close()` call. */
  sinkOpen: boolean;
  /** Settles (never rejects) when the last `close()` did; the next `open()` waits for it. */
  closing: Promise<void>;
  cursor: number;
  appliedEntries: number;
  batches: number;
  failures: number;
  outages: number;
  /** Failures since the last success: the backoff's exponent. */
  retries: number;
  lastError: string | undefined;
  downSinceUs: number | undefined;
  drains: DrainWaiter[];
  nextDrainId: number;
}

const POLL_TIMER = 'poll';
const REOPEN_TIMER = 'reopen';
const POLL: ProjectionSignal = { type: 'projection_poll' };
const REOPEN: ProjectionSignal = { type: 'projection_reopen' };
const CLOSED: ProjectionSignal = { type: 'projection_closed' };
const SETTLED: Promise<void> = Promise.resolve();
const noop = (): void => {};

/** Checks the ports and numbers at spawn (`CONFIG_INVALID` naming the actor) and fills defaults. */
const projectionActorConfig: ConfigSchema<ProjectionActorConfig> = {
  parse(input: unknown): ProjectionActorConfig {
    const config = (input ?? {}) as Partial<ProjectionActorConfig>;
    const source = config.source as Partial<ProjectionSource> | undefined;
    if (typeof source?.reader !== 'function') throw new TypeError('source must be a ProjectionSource (lastSeq, reader(afterSeq))');
    const sink = config.sink as Partial<ProjectionSink> | undefined;
    if (typeof sink?.open !== 'function' || typeof sink.apply !== 'function' || typeof sink.close !== 'function') {
      throw new TypeError('sink must be a ProjectionSink (open, apply, close)');
    }
    const batchMax = config.batchMax ?? 1000;
    if (!Number.isInteger(batchMax) || batchMax < 1) throw new TypeError(`batchMax must be a positive integer, got ${batchMax}`);
    const idlePollUs = config.idlePollUs ?? 20_000;
    if (!Number.isInteger(idlePollUs) || idlePollUs < 1) throw new TypeError(`idlePollUs must be a positive integer, got ${idlePollUs}`);
    const backoff = { ...DEFAULT_PROJECTION_BACKOFF, ...config.backoff };
    if (!(backoff.minUs >= 0 && backoff.maxUs >= backoff.minUs && backoff.factor >= 1 && backoff.jitter >= 0 && backoff.jitter <= 1)) {
      throw new TypeError('backoff needs 0 <= minUs <= maxUs, factor >= 1 and jitter in [0, 1]');
    }
    return { source: config.source!, sink: config.sink!, batchMax, idlePollUs, backoff };
  },
};

/** The projection writer (see the file comment). Spawn one per store with `{ source, sink }`. */
export const projectionActor = defineActor<ProjectionActorConfig, ProjectionActorState, ProjectionMessage>({
  name: 'projection',
  config: projectionActorConfig,
  init: (config) => ({
    // Every field, in one order: the state is one object mutated in place for the actor's life.
    config,
    backoff: { ...config.backoff, resetAfterUs: 0 },
    phase: 'opening',
    attempt: undefined,
    reader: undefined,
    sinkOpen: false,
    closing: SETTLED,
    cursor: 0,
    appliedEntries: 0,
    batches: 0,
    failures: 0,
    outages: 0,
    retries: 0,
    lastError: undefined,
    downSinceUs: undefined,
    drains: [],
    nextDrainId: 0,
  }),
  onStart(state, ctx) {
    openSink(state, ctx);
    return state;
  },
  receive(state, message, ctx) {
    switch (message.type) {
      case 'projection_opened':
      case 'projection_applied':
        if (message.attempt !== state.attempt) break; // stale: see the file comment
        state.attempt = undefined;
        if (!message.outcome.ok) fail(state, message.outcome.error, ctx);
        else if (message.type === 'projection_opened') onOpened(state, message.outcome.value, ctx);
        else onApplied(state, message.attempt, ctx);
        break;
      case 'projection_poll':
        // A poll queued before a drain started a read finds that read in flight: nothing to do.
        if (state.phase === 'up' && state.attempt === undefined) readNext(state, ctx);
        break;
      case 'projection_reopen':
        if (state.phase === 'down' && state.attempt === undefined) openSink(state, ctx);
        break;
      case 'projection_closed':
        break; // whether the store is back is for the next open() to say
      case 'projection_status':
        ctx.reply(statusOf(state));
        break;
      case 'projection_drain':
        onDrain(state, message, ctx);
        break;
      case 'projection_drain_expired':
        answerDrains(state, ctx, (w) => w.id === message.id, false);
        break;
    }
    return state;
  },
  onStop(state, ctx) {
    // What is in flight finishes unobserved: closing the sink now is what unsticks a hung call.
    state.attempt = undefined;
    closeReader(state);
    answerDrains(state, ctx, () => true, false);
    if (!state.sinkOpen) return state.closing;
    state.sinkOpen = false;
    const sink = state.config.sink;
    return state.closing.then(() => sink.close()).then(noop, noop);
  },
});

function nextAttempt(state: ProjectionActorState, count: number, lastSeq: number): ProjectionAttempt {
  const attempt: ProjectionAttempt = { count, lastSeq };
  state.attempt = attempt;
  return attempt;
}

function openSink(state: ProjectionActorState, ctx: ActorContext<ProjectionMessage>): void {
  const attempt = nextAttempt(state, 0, 0);
  const sink = state.config.sink;
  state.sinkOpen = true;
  // After the previous close settled, so the sink never sees a close and an open race. A throw
  // inside `then` becomes a rejection, so a sink that throws instead of rejecting is a failure too.
  ctx.pipe(
    state.closing.then(() => sink.open()),
    (outcome): ProjectionOutcome => ({ type: 'projection_opened', attempt, outcome }),
  );
}

function onOpened(state: ProjectionActorState, cursor: number, ctx: ActorContext<ProjectionMessage>): void {
  const { source, sink } = state.config;
  if (state.phase === 'down') {
    ctx.log.info({ actor: ctx.self.path, sink: sink.name, downForUs: ctx.clock.now() - state.downSinceUs! }, 'projection store back');
  }
  state.phase = 'up';
  state.downSinceUs = undefined;
  state.cursor = cursor;
  // A journal replaced or cut: the writer waits for it to pass the cursor, writing nothing twice.
  if (cursor > source.lastSeq) ctx.log.warn({ actor: ctx.self.path, sink: sink.name, cursor, journalSeq: source.lastSeq }, 'store ahead of the journal');
  state.reader = source.reader(state.cursor);
  answerDrains(state, ctx, (w) => state.cursor >= w.targetSeq, true);
  readNext(state, ctx);
}

/** Reads the next batch and applies it, or arms the idle poll. Only when up with nothing in flight. */
function readNext(state: ProjectionActorState, ctx: ActorContext<ProjectionMessage>): void {
  const batch = state.reader!.read(state.config.batchMax);
  if (batch.length === 0) {
    state.retries = 0; // the store took everything there was: a success, for the backoff
    ctx.clock.startTimer(POLL_TIMER, state.config.idlePollUs, POLL);
    return;
  }
  const attempt = nextAttempt(state, batch.length, batch[batch.length - 1]!.seq);
  const sink = state.config.sink;
  // One closure per batch, not per entry: off the hot path, and it carries the batch's tag.
  ctx.pipe(invoke(() => sink.apply(batch)), (outcome): ProjectionOutcome => ({ type: 'projection_applied', attempt, outcome }));
}

function onApplied(state: ProjectionActorState, attempt: ProjectionAttempt, ctx: ActorContext<ProjectionMessage>): void {
  // Only now: the store moved its cursor in the same transaction as the entries.
  state.cursor = attempt.lastSeq;
  state.appliedEntries += attempt.count;
  state.batches++;
  state.retries = 0;
  answerDrains(state, ctx, (w) => state.cursor >= w.targetSeq, true);
  readNext(state, ctx);
}

function fail(state: ProjectionActorState, error: unknown, ctx: ActorContext<ProjectionMessage>): void {
  state.failures++;
  state.lastError = error instanceof Error ? error.message : String(error);
  if (state.phase !== 'down') {
    state.phase = 'down';
    state.outages++;
    state.downSinceUs = ctx.clock.now();
    ctx.log.warn({ actor: ctx.self.path, sink: state.config.sink.name, err: state.lastError }, 'projection store down');
  }
  closeReader(state);
  ctx.clock.cancelTimer(POLL_TIMER);
  closeSink(state, ctx);
  answerDrains(state, ctx, () => true, false);
  const delay = backoffDelay(state.backoff, state.retries, ctx.random);
  state.retries++;
  if (delay === 0) openSink(state, ctx);
  else ctx.clock.startTimer(REOPEN_TIMER, delay, REOPEN);
}

function closeReader(state: ProjectionActorState): void {
  state.reader?.close();
  state.reader = undefined;
}

/** Closes the sink, ignoring the outcome; piped so that a simulated clock waits for it as for any I/O. */
function closeSink(state: ProjectionActorState, ctx: ActorContext<ProjectionMessage>): void {
  if (!state.sinkOpen) return;
  state.sinkOpen = false;
  const sink = state.config.sink;
  const closing = invoke(() => sink.close()).then(noop, noop);
  state.closing = closing;
  ctx.pipe(closing, () => CLOSED);
}

function onDrain(state: ProjectionActorState, request: ProjectionDrainRequest, ctx: ActorContext<ProjectionMessage>): void {
  const targetSeq = state.config.source.lastSeq;
  if (state.cursor >= targetSeq || state.phase === 'down') {
    ctx.reply({ caughtUp: state.cursor >= targetSeq, cursor: state.cursor } satisfies ProjectionDrainReply);
    return;
  }
  const asker = ctx.asker;
  if (asker === undefined) return; // told, not asked: no one to answer
  const id = state.nextDrainId++;
  state.drains.push({ id, asker, targetSeq });
  if (request.deadlineUs !== undefined) ctx.clock.startTimerAt(`drain-${id}`, request.deadlineUs, { type: 'projection_drain_expired', id });
  if (state.phase === 'up' && state.attempt === undefined) {
    ctx.clock.cancelTimer(POLL_TIMER);
    readNext(state, ctx);
  }
}

/** Replies `caughtUp` to every waiting drain that `which` selects, and forgets them. */
function answerDrains(state: ProjectionActorState, ctx: ActorContext<ProjectionMessage>, which: (w: DrainWaiter) => boolean, caughtUp: boolean): void {
  if (state.drains.length === 0) return;
  state.drains = state.drains.filter((waiter) => {
    if (!which(waiter)) return true;
    ctx.clock.cancelTimer(`drain-${waiter.id}`);
    ctx.send(waiter.asker, { caughtUp, cursor: state.cursor } satisfies ProjectionDrainReply);
    return false;
  });
}

function statusOf(state: ProjectionActorState): ProjectionStatus {
  const journalSeq = state.config.source.lastSeq;
  return {
    name: state.config.sink.name,
    state: state.phase,
    cursor: state.cursor,
    journalSeq,
    lag: journalSeq - state.cursor,
    appliedEntries: state.appliedEntries,
    batches: state.batches,
    failures: state.failures,
    outages: state.outages,
    lastError: state.lastError,
    downSinceUs: state.downSinceUs,
  };
}

/** Calls a port, turning a synchronous throw into a rejection: either way it is a store failure. */
function invoke<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}
