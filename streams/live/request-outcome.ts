/**
 * What came of a request a caller sent to a market-data source, as reported to its fallback chain:
 * a success with its latency, or a classified failure (`failure-class.ts`). A value, so callers
 * build it where the I/O completed (`ctx.pipe`'s callback) and hand it on as a message.
 */
import type { ClassifiedFailure } from './failure-class.js';

/** The outcome of one request. `latencyUs`: from sending to the answer, integer µs of engine time. */
export type RequestOutcome = { readonly ok: true; readonly latencyUs: number } | { readonly ok: false; readonly failure: ClassifiedFailure };

/** A successful request that took `latencyUs`. */
export function succeeded(latencyUs: number): RequestOutcome {
  return { ok: true, latencyUs };
}

/** A failed request. */
export function failed(failure: ClassifiedFailure): RequestOutcome {
  return { ok: false, failure };
}
