/**
 * The `ActorContext` of one cell: one object per actor, reused for every message. Sends carry no
 * sender (only an `ask` needs a reply target, and it travels with its message): `asker` is set
 * only while an asked message is processed.
 */
import type { ActorContext, ActorDefinition, ActorRef, PipeOutcome, SpawnOptions } from './actor.js';
import type { ActorCell } from './actor-cell.js';
import { ActorClockImpl } from './actor-clock.js';
import type { AskRef } from './ask.js';
import type { Logger } from './logger.js';
import type { Random } from './random.js';

/** The context of one cell. */
export class CellContext implements ActorContext<any> {
  readonly self: ActorRef<any>;
  asker: AskRef | undefined;
  readonly clock: ActorClockImpl;
  readonly random: Random;
  readonly log: Logger;
  private readonly cell: ActorCell;

  constructor(cell: ActorCell) {
    this.cell = cell;
    this.self = cell;
    this.asker = undefined;
    this.clock = new ActorClockImpl(cell);
    this.random = cell.random;
    this.log = cell.kernel.log;
  }

  send<T>(to: ActorRef<T>, message: T): void {
    to.tell(message);
  }

  reply(message: unknown): void {
    this.asker?.tell(message);
  }

  publish(topic: string, message: unknown): void {
    this.cell.kernel.bus.publish(topic, message, undefined);
  }

  subscribe(pattern: string): void {
    this.cell.ownSubscriptions.add(pattern);
    this.cell.kernel.bus.subscribe(pattern, this.cell);
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
      cell.tell(message);
      kernel.pipeEnded();
    };
    promise.then(
      (value) => settle({ ok: true, value }),
      (error: unknown) => settle({ ok: false, error }),
    );
  }
}
