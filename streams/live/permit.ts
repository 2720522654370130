/**
 * The answer to "may I send a request to this source now?": granted, or refused with the reason
 * and the engine time worth asking again. A refusal is a value, not an exception (STYLE.md, rule 6):
 * being refused is the normal life of a rate-limited or broken source.
 */

/** Why a request was refused. */
export type DenyReason =
  /** The source's breaker is open (`retryAt`: when it turns half-open). */
  | 'open'
  /** Half-open with every trial slot in flight (`retryAt`: Infinity; ask again after a trial is reported). */
  | 'trial-busy'
  /** Backing off after a failure (`retryAt`: the end of the backoff, or of the server's `Retry-After`). */
  | 'retry-wait'
  /** The token bucket is empty (`retryAt`: when it holds enough; Infinity if the cost exceeds its capacity). */
  | 'rate-limited';

/** Every deny reason, in a fixed order (for metrics). */
export const DENY_REASONS: readonly DenyReason[] = ['open', 'trial-busy', 'retry-wait', 'rate-limited'];

/** The result of asking for a request slot. */
export type Permit = { readonly ok: true } | { readonly ok: false; readonly reason: DenyReason; readonly retryAt: number };

/** The one granted permit, shared so that the common path allocates nothing. */
export const GRANTED: Permit = Object.freeze({ ok: true as const });

/** A refusal. */
export function denied(reason: DenyReason, retryAt: number): Permit {
  return { ok: false, reason, retryAt };
}
