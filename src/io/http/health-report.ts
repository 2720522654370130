/**
 * What `/healthz` and `/readyz` answer, as plain data (the daemon builds them; the HTTP server only
 * serialises them). Liveness and readiness are kept apart on purpose, as Kubernetes and systemd
 * watchdogs expect: liveness says the process is not wedged (restart it if not), readiness says it
 * should receive traffic or be trusted to trade (wait if not). A dependency being down (the
 * database, a venue socket) makes the daemon unready, never dead, or a flapping dependency would
 * turn into a restart loop.
 */

/**
 * The liveness answer. Reaching the handler at all proves the event loop turns, which is the whole
 * check; the optional fields are information for a human, not conditions.
 */
export interface HealthReport {
  readonly status: 'ok';
  readonly uptimeSeconds?: number;
  readonly version?: string;
}

/** One readiness condition: `detail` says why in words a person on call can act on. */
export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The readiness answer: the checks, in the order to show them. Ready is derived (every check ok,
 * and so ready with none), never stored beside them, so the two cannot disagree.
 */
export interface ReadinessReport {
  readonly checks: readonly ReadinessCheck[];
}

/** True when every check of `report` is ok. */
export function isReady(report: ReadinessReport): boolean {
  for (const check of report.checks) if (!check.ok) return false;
  return true;
}
