/**
 * What an actor cell needs from the system that owns it (the kernel), and the small types cells,
 * supervision and inspection share. The actor system implements `Kernel`.
 */
import type { ActorDefinition, SpawnOptions } from './actor.js';
import type { ActorCell } from './actor-cell.js';
import type { AskHost } from './ask.js';
import type { Bus } from './bus.js';
import type { DeadLetters } from './dead-letters.js';
import type { Logger } from './logger.js';
import type { Trace, TraceSink } from './trace.js';

/**
 * Per-actor counters. Every message that reaches a cell ends in exactly one of the first five (or
 * is still queued or stashed), so inspection derives `received` rather than counting it on the
 * hot path. `startFailures` counts throws of `init`/`onStart`, which are not messages.
 */
export interface ActorCounters {
  processed: number;
  dropped: number;
  conflated: number;
  failed: number;
  deadLettered: number;
  restarts: number;
  startFailures: number;
}

/** How a stop ends a cell: a self-stop (`normal` exit) or a parent or system stop (`shutdown`). */
export type StopKind = 'normal' | 'shutdown';

/** What a cell needs from the system that owns it. */
export interface Kernel extends AskHost {
  readonly bus: Bus<unknown>;
  readonly log: Logger;
  readonly deadLetters: DeadLetters;
  readonly sampleEvery: number;
  /** Where traced messages' hops go (`trace.ts`); undefined: tracing is off and traces are ignored. */
  readonly traceSink: TraceSink | undefined;
  /** False once the system stops: asks that fail from then on fail with `SYSTEM_STOPPED`. */
  readonly isAccepting: boolean;
  schedule(cell: ActorCell): void;
  reportFailure(cell: ActorCell, error: unknown): void;
  pressureChanged(delta: number): void;
  pipeStarted(): void;
  pipeEnded(): void;
  spawnChild(parent: ActorCell, definition: ActorDefinition<any, any, any>, options: SpawnOptions<any>): ActorCell;
  requestStop(cell: ActorCell, kind: StopKind): void;
  /** Sends `message` to `to` as part of `trace`, `depth` hops from its source (`trace.ts`). */
  sendTraced(to: unknown, message: unknown, trace: Trace, depth: number): void;
  /** Publishes `message` on `topic` as part of `trace` (one shared envelope for every subscriber). */
  publishTraced(topic: string, message: unknown, trace: Trace, depth: number): void;
  /** `path` finished traced `message`, sent at `sentUs`: tells the sink (a throw is contained). */
  traceHop(trace: Trace, path: string, sentUs: number, depth: number, message: unknown): void;
}
