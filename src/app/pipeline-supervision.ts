/**
 * The supervision policies of the engine's tree (DESIGN.md, The engine's supervision tree), as
 * data, so the backtest and the daemon build the same tree from the same values:
 *
 * - `TRADING_SUPERVISION`: the actors whose state the market cannot rebuild (paper venue,
 *   execution with its portfolio, risk, planner). A restart would bring them back with empty
 *   books and a backtest would go on as if nothing happened, so any failure escalates.
 * - `MARKET_SUPERVISION`: market-data actors (bars, strategies, later books and indicators).
 *   Their state comes back from the market, so a failed one restarts alone after a seeded,
 *   jittered exponential backoff; more than `maxRestarts` restarts within `withinUs` means
 *   something is broken rather than unlucky, and the supervisor gives up (escalates).
 * - `PIPELINE_SUPERVISION`: the top of the pipeline. A failed subtree is never restarted here:
 *   restarting `trading` is the empty-books restart again, and `market` has already had its
 *   restarts. It escalates to the root.
 * - `BACKTEST_ROOT_SUPERVISION`: the root of a backtest's system. An escalation from the
 *   pipeline ends the system (`terminated` resolves `{ kind: 'failed' }`) and the run fails. The
 *   daemon will choose its own root policy (restore from the store, then trade).
 *
 * Times are engine microseconds, so in a backtest the backoff runs on the simulated clock.
 */
import type { SupervisionPolicy } from '../runtime/supervision.js';

/** Trading subtree: every failure escalates; children are never restarted with empty state. */
export const TRADING_SUPERVISION: Partial<SupervisionPolicy> = {
  strategy: 'one-for-one',
  decide: () => 'escalate',
};

/** Backoff between restarts of a market-data actor: 10 ms doubling to 1 s, +20% jitter, reset after 10 s up. */
export const MARKET_BACKOFF: SupervisionPolicy['backoff'] = {
  minUs: 10_000,
  maxUs: 1_000_000,
  factor: 2,
  jitter: 0.2,
  resetAfterUs: 10_000_000,
};

/** Market subtree: one-for-one restarts with `MARKET_BACKOFF`, at most 10 within 60 s, then escalate. */
export const MARKET_SUPERVISION: Partial<SupervisionPolicy> = {
  strategy: 'one-for-one',
  maxRestarts: 10,
  withinUs: 60_000_000,
  backoff: MARKET_BACKOFF,
  decide: () => 'restart',
};

/** The `pipeline` supervisor: a failed subtree escalates to the root. */
export const PIPELINE_SUPERVISION: Partial<SupervisionPolicy> = {
  strategy: 'one-for-one',
  decide: () => 'escalate',
};

/** Root of a backtest's actor system: an escalation from the pipeline terminates the system. */
export const BACKTEST_ROOT_SUPERVISION: Partial<SupervisionPolicy> = {
  strategy: 'one-for-one',
  decide: () => 'escalate',
};
