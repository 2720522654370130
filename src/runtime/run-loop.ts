/**
 * The run loop: one scheduling turn of one actor, processing up to `budget` queued messages.
 *
 * Why it is compiled once per actor definition: a single shared loop calls every actor's
 * `receive` from one call site, which V8 sees as megamorphic and never inlines. A copy of the
 * loop per definition (made from the same source text, so it is the same code) gives each call
 * site its own feedback: monomorphic, inlinable. For that the loop is self-contained: it touches
 * only its arguments, never a module binding. Everything rare (envelopes, failures) goes through
 * `slow`, so the common message pays for one counter check, the call and one flag check.
 *
 * Per-message work is the mailbox shift, `receive`, and a check of `cell.yielded` (set when a
 * `receive` stops this actor, so the turn ends after that message). Counters and the state live in
 * locals for the turn and are written back once; latency sampling is decided per turn by the
 * dispatcher, not per message.
 */
import type { ActorCell } from './actor-cell.js';
import { BATCHING, RUNNING } from './actor-status.js';
import { Envelope } from './envelope.js';

/** What the loop delegates: unwrapping envelopes, handling a throw, closing a batch. */
export interface SlowPath {
  /** The per-message loop, for turns a batch loop cannot take (envelopes, conflation). */
  perMessage: RunLoop;
  /** Consumes a batch's slice from the ring and delivers what the actor sent itself meanwhile. */
  endBatch(cell: ActorCell, buf: unknown[], from: number, to: number): void;
  /** `receiveBatch` threw: every message of the batch counts as failed. */
  batchFailed(cell: ActorCell, count: number, error: unknown): void;
  isEnvelope(item: unknown): boolean;
  /** Index of the first envelope in `buf[from, to)`, or `to`. */
  firstEnvelope(buf: unknown[], from: number, to: number): number;
  /** Processes an envelope; returns the next state. Counts what it does itself. */
  receiveEnvelope(cell: ActorCell, state: unknown, item: unknown): unknown;
  /** The message `item` made `receive` throw. */
  failed(cell: ActorCell, item: unknown, error: unknown): void;
}

/** One turn of one actor. */
export type RunLoop = (cell: ActorCell, budget: number, slow: SlowPath) => void;

/** The loop. Self-contained: see the file comment before changing it. */
function runTurn(cell: ActorCell, budget: number, slow: SlowPath): void {
  const mailbox = cell.mailbox;
  const receive = cell.definition.receive;
  const ctx = cell.ctx;
  let n = mailbox.live < budget ? mailbox.live : budget;
  let state = cell.state;
  let done = 0;
  let item: unknown = undefined;
  cell.yielded = false;
  try {
    while (n-- > 0) {
      item = mailbox.shift();
      if (cell.envelopes !== 0 && slow.isEnvelope(item)) {
        state = slow.receiveEnvelope(cell, state, item);
      } else {
        state = receive(state, item, ctx);
        done++;
      }
      if (cell.yielded) break;
    }
  } catch (error) {
    cell.state = state;
    cell.counters.processed += done;
    cell.sampleCountdown -= done;
    slow.failed(cell, item, error);
    return;
  }
  cell.state = state;
  cell.counters.processed += done;
  cell.sampleCountdown -= done;
}

/**
 * The batch loop, for definitions with `receiveBatch`: hands contiguous slices of the mailbox's
 * ring to the actor. The slice is consumed only after the call returns, and the status is
 * `BATCHING` meanwhile, so what the actor delivers to itself waits in `cell.deferred` instead of
 * landing in (or evicting from) the ring under the slice. An envelope (an ask, a timer or traced
 * message) ends a slice and is processed alone, as `runTurn` does, so one sampled trace does not
 * turn a hot actor's whole turn into per-message calls. Self-contained, like `runTurn`.
 */
function runBatchTurn(cell: ActorCell, budget: number, slow: SlowPath): void {
  const mailbox = cell.mailbox;
  if (cell.keyOf !== null) {
    slow.perMessage(cell, budget, slow);
    return;
  }
  const batch = cell.definition.receiveBatch!;
  const ctx = cell.ctx;
  let left = mailbox.live < budget ? mailbox.live : budget;
  cell.yielded = false;
  while (left > 0) {
    const buf = mailbox.buf;
    const size = mailbox.mask + 1;
    const from = mailbox.head & mailbox.mask;
    let to = from + left < size ? from + left : size;
    if (cell.envelopes !== 0) {
      // Envelopes (asks, timer or traced messages) are taken one at a time, the way `receive`
      // takes them; the plain messages before one still go as a batch.
      to = slow.firstEnvelope(buf, from, to);
      if (to === from) {
        slow.perMessage(cell, 1, slow);
        left--;
        if (cell.yielded) break;
        continue;
      }
    }
    const count = to - from;
    cell.st = 6; // BATCHING (no module bindings here)
    try {
      cell.state = batch(cell.state, buf, from, to, ctx);
    } catch (error) {
      slow.endBatch(cell, buf, from, to);
      slow.batchFailed(cell, count, error);
      return;
    }
    slow.endBatch(cell, buf, from, to);
    cell.counters.processed += count;
    cell.sampleCountdown -= count;
    left -= count;
    if (cell.yielded) break;
  }
}

/**
 * Compiled loops by the source text of the handler they call: definitions with the same code
 * (an actor defined inside a function and spawned many times) share one warm loop. Bounded by the
 * distinct actor code in the program.
 */
const compiled = new Map<string, RunLoop>();

/**
 * The run loop of `definition`'s cells: a copy of its own of `runTurn`, or of `runBatchTurn` when
 * the definition has `receiveBatch` (see the file comment).
 */
export function compileRunLoop(definition: { receive: unknown; receiveBatch?: unknown }): RunLoop {
  const batched = definition.receiveBatch !== undefined;
  const key = `${batched ? 'batch' : 'each'}:${String(batched ? definition.receiveBatch : definition.receive)}`;
  let loop = compiled.get(key);
  if (loop === undefined) {
    const source = batched ? runBatchTurn : runTurn;
    try {
      loop = new Function(`return ${source.toString()}`)() as RunLoop;
    } catch {
      loop = source; // no code generation allowed: the shared loop has the same semantics
    }
    compiled.set(key, loop);
  }
  return loop;
}

/** The shared slow path. */
export const slowPath: SlowPath = {
  perMessage: runTurn,
  isEnvelope: (item) => item instanceof Envelope,

  firstEnvelope(buf, from, to) {
    for (let i = from; i < to; i++) if (buf[i] instanceof Envelope) return i;
    return to;
  },

  endBatch(cell, buf, from, to) {
    const mailbox = cell.mailbox;
    const count = to - from;
    if (mailbox.buf === buf) buf.fill(undefined, from, to);
    else for (let i = 0; i < count; i++) mailbox.buf[(mailbox.head + i) & mailbox.mask] = undefined; // grown meanwhile
    mailbox.head += count;
    if (cell.st === BATCHING) cell.st = RUNNING;
    const deferred = cell.deferred;
    if (deferred.length > 0) {
      cell.deferred = [];
      // An envelope goes through `deliver`, which counts it (`tell`'s fast path would not).
      for (let i = 0; i < deferred.length; i++) {
        const item = deferred[i];
        if (item instanceof Envelope) cell.deliver(item);
        else cell.tell(item);
      }
    }
  },

  batchFailed(cell, count, error) {
    cell.counters.failed += count - 1;
    cell.refuse(undefined, error);
  },

  receiveEnvelope(cell, state, item) {
    const envelope = item as Envelope;
    const timer = envelope.timer;
    if (timer !== undefined && (timer.revoked || envelope.incarnation !== cell.incarnation)) {
      cell.deadLetter(envelope, 'stale-timer');
      return state;
    }
    const asker = envelope.asker;
    const trace = envelope.trace;
    const ctx = cell.ctx;
    ctx.asker = asker;
    ctx.trace = trace;
    ctx.traceDepth = envelope.depth;
    try {
      state = cell.definition.receive(state, envelope.message, ctx);
    } finally {
      ctx.asker = undefined;
      ctx.trace = undefined;
      ctx.traceDepth = 0;
    }
    // Counted down only once processed: a throw leaves it to `refuse` (via `failed`).
    cell.envelopes--;
    cell.counters.processed++;
    cell.sampleCountdown--;
    // A hop is a message processed: one that threw is not reported (it counts as failed).
    if (trace !== undefined) cell.kernel.traceHop(trace, cell.path, envelope.sentUs, envelope.depth, envelope.message);
    // Not answered yet: the actor may reply later (it kept `ctx.asker`); if this incarnation ends
    // first, the ask fails then.
    if (asker !== undefined && !asker.isSettled) {
      cell.pendingAsks ??= new Set();
      cell.pendingAsks.add(asker);
      asker.holder = cell.pendingAsks;
    }
    return state;
  },

  failed(cell, item, error) {
    // `refuse` counts the message as failed, fails its ask and reports the failure.
    if (cell.st !== RUNNING) cell.kernel.log.error({ actor: cell.path, err: error }, 'actor failed while stopping');
    cell.refuse(item, error);
  },
};
