/**
 * `createLatencySink`: the daemon's `TraceSink` (`src/runtime/trace.ts`), turning the hops of
 * sampled records into the `/metrics` latency histograms (`engine-metrics.ts`).
 *
 * A hop is named after the pipeline actor that processed the traced message (`PIPELINE_PATHS`),
 * and measures the time from the message's send to the end of its processing (queueing plus
 * work), so a record published to many actors gives one hop each:
 *
 * ```
 * frame ─decoded─► bus ─books─► ─bars─► ─strategy─► ─planner─► ─risk─► ─execution─► ─venue─► ─report─►
 * ```
 *
 * - `decoded`: from the frame's receipt (the record's `tsRecv`) to its offer (`traced-admission.ts`);
 * - the trading actors count only the order flow (`ORDER_FLOW`), not the market data they also
 *   read for marks: `planner` is a strategy's target reaching the planner (not the fill and order
 *   reports it also reads); `risk` is an order request or cancel reaching risk; `execution` one reaching
 *   execution (approved or denied); `venue` an order (submit or cancel) reaching the venue;
 *   execution processing the venue's report is `report`;
 * - each order's arrival at the venue also records the end-to-end time, from the record's receipt
 *   to the venue having processed the order.
 *
 * Other actors (the gateway forwarder, indicators) a trace reaches are not reported: the label
 * set stays closed. Path lookups are cached (one entry per actor path).
 */
import type { Trace, TraceSink } from '../runtime/trace.js';
import { PIPELINE_PATHS } from './trading-pipeline.js';

/** Where the sink reports: `EngineMetrics` satisfies it. */
export interface LatencyObserver {
  observeHop(hop: string, seconds: number): void;
  observeEndToEnd(seconds: number): void;
}

/** Hop names by pipeline actor path; feeds are matched by prefix. */
const HOPS: ReadonlyMap<string, string> = new Map([
  [PIPELINE_PATHS.books, 'books'],
  [PIPELINE_PATHS.bars, 'bars'],
  [PIPELINE_PATHS.strategy, 'strategy'],
  [PIPELINE_PATHS.planner, 'planner'],
  [PIPELINE_PATHS.risk, 'risk'],
  [PIPELINE_PATHS.execution, 'execution'],
  [PIPELINE_PATHS.venue, 'venue'],
]);

/** For the trading actors: the hop of each message type that is order flow (others are not hops). */
const ORDER_FLOW: ReadonlyMap<string, ReadonlyMap<unknown, string>> = new Map([
  ['planner', new Map([['target', 'planner']])],
  ['risk', new Map([['order_request', 'risk'], ['cancel', 'risk']])],
  ['execution', new Map([['order_request', 'execution'], ['order_denied', 'execution'], ['cancel', 'execution'], ['venue_event', 'report']])],
  ['venue', new Map([['venue_submit', 'venue'], ['venue_cancel', 'venue']])],
]);

/** Prefix of the feed actors' paths (`pipeline/feeds/<name>`): their hop is `decoded`. */
export const FEEDS_PATH_PREFIX = `${PIPELINE_PATHS.pipeline}/feeds/`;

/** The `TraceSink` feeding `observer` (see the module comment). */
export function createLatencySink(observer: LatencyObserver): TraceSink {
  const names = new Map<string, string | null>();
  const hopOf = (path: string): string | null => {
    let name = names.get(path);
    if (name === undefined) {
      name = path.startsWith(FEEDS_PATH_PREFIX) ? 'decoded' : (HOPS.get(path) ?? null);
      names.set(path, name);
    }
    return name;
  };
  return {
    hop(trace: Trace, path: string, sentUs: number, doneUs: number, _depth: number, message: unknown): void {
      let hop = hopOf(path);
      if (hop === null) return;
      const flow = ORDER_FLOW.get(hop);
      if (flow !== undefined) {
        hop = flow.get(typeOf(message)) ?? null;
        if (hop === null) return;
      }
      observer.observeHop(hop, (doneUs - sentUs) / 1e6);
      if (hop === 'venue') observer.observeEndToEnd((doneUs - trace.originUs) / 1e6);
    },
  };
}

function typeOf(message: unknown): unknown {
  return typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
}
