/**
 * Sampled causal tracing: a source marks one message in N with a `Trace` (`system.offerTraced(target,
 * message, trace)`), and the trace follows everything that message causes. A traced message
 * travels in an `Envelope` (the rare-message wrapper, `envelope.ts`) that also carries when it was
 * sent; while a cell processes it, the cell's `ctx` holds the trace, and every `send`, `publish`
 * or `pipe` outcome made meanwhile is wrapped in a traced envelope in turn (context propagation).
 * When the cell is done with a traced message the system's `TraceSink` hears `hop(trace, path,
 * sentUs, doneUs)`: queueing plus processing, measured per receiving actor, so a publish to many
 * subscribers gives one hop each and fan-out never makes "the previous hop" ambiguous.
 *
 * Cost: untraced offers take `offer`, which knows nothing of traces, and a system without a sink
 * ignores them (`offerTraced` is then `offer`); an untraced message pays one `undefined` test per
 * `ctx.send` and `ctx.publish`, sink or not. Traces never change what is delivered, to whom, in what order or under which
 * overflow policy: an envelope is queued, stashed, dropped, conflated (by its payload's key) and
 * dead-lettered (as its payload) exactly like its message. Timer messages do not carry the trace
 * of the receive that armed them (the cause is the timer, not the message), so a chain that waits
 * on a timer ends there. A chain is cut after `MAX_TRACE_DEPTH` hops, so an actor that answers
 * every message with another one (a self-send loop) never keeps a trace alive forever.
 */

/** How many causal hops a trace may follow before propagation stops. */
export const MAX_TRACE_DEPTH = 32;

/** One sampled message's identity and when its story began (µs, the system clock's time base). */
export class Trace {
  /** Unique per source; the sink may key per-trace state on it. */
  readonly id: number;
  /** The instant the traced message came into being (a record's receive instant), µs. */
  readonly originUs: number;

  constructor(id: number, originUs: number) {
    this.id = id;
    this.originUs = originUs;
  }
}

/**
 * Where hops are reported: given to `createActorSystem({ traceSink })`. Called synchronously on
 * the dispatcher after a cell processed a traced message; it must be cheap and must not throw (a
 * throw is caught, logged once per system, and otherwise ignored: a trace never fails an actor).
 */
export interface TraceSink {
  /**
   * `path`'s actor processed `message` of `trace`, sent at `sentUs`; it finished at `doneUs`
   * (both µs, the system clock). `depth` counts the hops from the source (1 for an offered
   * message's receivers). The message lets a sink tell apart what one actor receives (an order
   * from market data, say); it must not be kept or changed.
   */
  hop(trace: Trace, path: string, sentUs: number, doneUs: number, depth: number, message: unknown): void;
}
