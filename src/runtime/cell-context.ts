/**
 * The `ActorContext` of one cell: one object per actor, reused for every message. Sends carry no
 * sender (only an `ask` needs a reply target, and it travels with its message): `asker` is set
 * only while an asked message is processed. Likewise `trace` is set only while a traced message
 * is processed (`trace.ts`): then `send`, `publish` and `pipe` pass the trace on, one hop deeper.
 */
import type { ActorContext, ActorDefinition, ActorRef, PipeOutcome, SpawnOptions } from './actor.js';
import type { ActorCell } from './actor-cell.js';
import { ActorClockImpl } from './actor-clock.js';
import type { AskRef } from './ask.js';
import type { BusFilter } from './bus.js';
import type { Logger } from './logger.js';
import type { Random } from './random.js';
import { MAX_TRACE_DEPTH, type Trace } from './trace.js';

/** The context of one cell. */
export class CellContext implements ActorContext<any> {
  readonly self: ActorRef<any>;
  asker: AskRef | undefined;
  /** The trace of the message being processed, if it is a traced one. */
  trace: Trace | undefined;
  /** Its depth (hops from the source); what this actor sends now is one deeper. */
  traceDepth: number;
  readonly clock: ActorClockImpl;
  readonly random: Random;
  readonly log: Logger;
  private readonly cell: ActorCell;

  constructor(cell: ActorCell) {
    this.cell = cell;
    this.self = cell;
    this.asker = undefined;
    this.trace = undefined;
    this.traceDepth = 0;
    this.clock = new ActorClockImpl(cell);
    this.random = cell.random;
    this.log = cell.kernel.log;
  }

  send<T>(to: ActorRef<T>, message: T): void {
    const trace = this.trace;
    if (trace === undefined || this.traceDepth >= MAX_TRACE_DEPTH) to.tell(message);
    else this.cell.kernel.sendTraced(to, message, trace, this.traceDepth + 1);
  }

  reply(message: unknown): void {
    this.asker?.tell(message);
  }

  publish(topic: string, message: unknown): void {
    const trace = this.trace;
    if (trace === undefined || this.traceDepth >= MAX_TRACE_DEPTH) this.cell.kernel.bus.publish(topic, message, undefined);
    else this.cell.kernel.publishTraced(topic, message, trace, this.traceDepth + 1);
  }

  subscribe(pattern: string, accept?: BusFilter): void {
    this.cell.ownSubscriptions.add(pattern);
    this.cell.kernel.bus.subscribe(pattern, this.cell, accept);
  }

  unsubscribe(pattern: string): void {
    const cell = this.cell;
    cell.ownSubscriptions.delete(pattern);
    if (!cell.wiredSubscriptions.has(pattern)) cell.kernel.bus.unsubscribe(cell, pattern);
  }

  spawn<C, S, N>(definition: ActorDefinition<C, S, N>, options: SpawnOptions<C> = {}): ActorRef<N> {
    return this.cell.kernel.spawnChild(this.cell, definition, options) as ActorRef<N>;
  }

  stop(ref?: ActorRef<never>): void {
    const cell = this.cell;
    if (ref === undefined || ref === (cell as ActorRef<never>)) {
      cell.kernel.requestStop(cell, 'normal');
      return;
    }
    const child = cell.children.find((c) => c === (ref as unknown));
    if (child !== undefined) cell.kernel.requestStop(child, 'shutdown');
    else this.log.warn({ actor: cell.path, target: ref.path }, 'an actor may stop only itself or its children');
  }

  pipe<T>(promise: Promise<T>, toMessage: (outcome: PipeOutcome<T>) => unknown): void {
    const cell = this.cell;
    const kernel = cell.kernel;
    kernel.pipeStarted();
    // The outcome of I/O started while handling a traced message is part of its trace.
    const trace = this.traceDepth < MAX_TRACE_DEPTH ? this.trace : undefined;
    const depth = this.traceDepth + 1;
    // The outcome is queued before the kernel hears the I/O ended, so a simulated advance that
    // was waiting on it finds the message already there. A throwing `toMessage` is this actor's
    // failure, counted like a message that threw.
    const settle = (outcome: PipeOutcome<T>): void => {
      let message: unknown;
      try {
        message = toMessage(outcome);
      } catch (error) {
        cell.refuse(undefined, error);
        kernel.pipeEnded();
        return;
      }
      if (trace === undefined) cell.tell(message);
      else kernel.sendTraced(cell, message, trace, depth);
      kernel.pipeEnded();
    };
    promise.then(
      (value) => settle({ ok: true, value }),
      (error: unknown) => settle({ ok: false, error }),
    );
  }
}
