/**
 * `TracedAdmission`: the feed's admission port (`FeedAdmission`) with sampling: one accepted
 * record in `every` is offered with a new `Trace` (`src/runtime/trace.ts`), whose origin is the
 * record's receive instant (`tsRecv`, stamped from the system's clock at frame receipt), and the
 * sink hears the source's own hop (`decoded`: receipt to offer) at once. Every other record is
 * offered as it would be without tracing, for one counter decrement.
 *
 * A refused offer keeps the sample due: the feed offers the same record again when there is room,
 * and that offer is the traced one. Sampling counts records, not time, so a quiet market is
 * sampled as densely as a busy one.
 */
import type { FeedAdmission } from '../../actors/feeds/feed-ports.js';
import type { ActorSystem } from '../runtime/actor-system.js';
import { Trace, type TraceSink } from '../runtime/trace.js';

/** Admission with one record in `every` traced. */
export class TracedAdmission implements FeedAdmission {
  private readonly system: ActorSystem;
  private readonly every: number;
  private readonly sink: TraceSink;
  private readonly sourcePath: string;
  private countdown: number;
  private traces: number;

  /** `sourcePath` names the feed actor in the source's hop. `every` ≥ 1. */
  constructor(system: ActorSystem, every: number, sink: TraceSink, sourcePath: string) {
    this.system = system;
    this.every = Math.max(1, Math.floor(every));
    this.sink = sink;
    this.sourcePath = sourcePath;
    this.countdown = this.every;
    this.traces = 0;
  }

  get isAccepting(): boolean {
    return this.system.isAccepting;
  }

  /** Traces started so far. */
  get traced(): number {
    return this.traces;
  }

  offer(topic: string, record: unknown): boolean {
    if (--this.countdown > 0) return this.system.offer(topic, record);
    const now = this.system.clock.now();
    const tsRecv = (record as { tsRecv?: unknown }).tsRecv;
    const origin = typeof tsRecv === 'number' ? tsRecv : now;
    const trace = new Trace(this.traces + 1, origin);
    if (!this.system.offerTraced(topic, record, trace)) {
      this.countdown = 1;
      return false;
    }
    this.traces++;
    this.countdown = this.every;
    try {
      this.sink.hop(trace, this.sourcePath, origin, now, 0, record);
    } catch {
      // A sink must not throw; if it does, the record was accepted all the same.
    }
    return true;
  }

  whenRoom(): Promise<void> {
    return this.system.whenRoom();
  }
}
