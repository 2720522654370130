/**
 * What `GET /api/status` answers: the parts of the engine that are not on the bus (the actor tree,
 * feed health, readiness) and the books as last read (orders, positions and PnL, risk), for the
 * page to poll once a second. The gateway streams changes as they happen; this answer lets a page
 * opened mid-run show the whole state at once, and repairs anything a dropped frame left stale.
 *
 * The composition root gives the inputs as plain data it already holds (the daemon's `EngineViews`
 * are refreshed by their own poller), so building the answer never waits on an actor. The shapes
 * are stated here structurally: this layer does not import the actors that produce them.
 */
import type { ActorSnapshot } from '../../runtime/inspection.js';
import type { OrderView } from '../../model/order.js';
import type { ReadinessCheck } from '../http/health-report.js';

/** Most orders listed (the newest); the counts by status cover them all. */
export const STATUS_ORDERS = 200;
/** Most trading-state changes listed (the newest). */
export const STATUS_RISK_EVENTS = 20;

/** The execution actor's books, as the daemon last read them. */
export interface DashboardExecution {
  readonly ordersByStatus: Readonly<Record<string, number>>;
  /** In creation order. */
  readonly orders: readonly OrderView[];
  readonly fillCount: number;
  /** Cash, equity, PnL and positions as decimal strings. */
  readonly portfolio: unknown;
  readonly maxDrawdown: string;
}

/** The risk actor's state, as the daemon last read it. */
export interface DashboardRisk {
  readonly state: string;
  readonly approved: number;
  readonly denials: Readonly<Record<string, number>>;
  readonly stateEvents: readonly unknown[];
}

/** What the composition root provides on each request. */
export interface DashboardStatusInput {
  readonly actors: readonly ActorSnapshot[];
  /** Readiness checks (feed connection, engine answering, books), as `/readyz` shows them. */
  readonly checks: readonly ReadinessCheck[];
  /** The feed's counters (its handle's stats), undefined before the engine started. */
  readonly feed: unknown;
  readonly execution: DashboardExecution | undefined;
  readonly risk: DashboardRisk | undefined;
}

/** One actor's line in the tree. */
export interface DashboardActor {
  readonly path: string;
  readonly status: string;
  readonly mailboxDepth: number;
  readonly capacity: number;
  readonly overflow: string;
  readonly processed: number;
  readonly dropped: number;
  readonly conflated: number;
  readonly failed: number;
  readonly deadLettered: number;
  readonly restarts: number;
}

/** The answer of `/api/status`. */
export interface DashboardStatus {
  /** What the presented token allows: the page disables commands for a viewer. */
  readonly role: 'viewer' | 'operator';
  readonly checks: readonly ReadinessCheck[];
  readonly actors: readonly DashboardActor[];
  readonly feed: unknown;
  readonly execution: {
    readonly ordersByStatus: Readonly<Record<string, number>>;
    readonly orders: readonly OrderView[];
    readonly pending: readonly OrderView[];
    readonly fillCount: number;
    readonly portfolio: unknown;
    readonly maxDrawdown: string;
  } | null;
  readonly risk: { readonly state: string; readonly approved: number; readonly denials: Readonly<Record<string, number>>; readonly events: readonly unknown[] } | null;
}

/** Builds the answer from the inputs: actors flattened, orders cut to the newest. */
export function dashboardStatus(input: DashboardStatusInput, role: 'viewer' | 'operator'): DashboardStatus {
  const execution = input.execution;
  const risk = input.risk;
  return {
    role,
    checks: input.checks,
    actors: input.actors.map(actorLine),
    feed: input.feed ?? null,
    execution:
      execution === undefined
        ? null
        : {
            ordersByStatus: execution.ordersByStatus,
            orders: execution.orders.slice(-STATUS_ORDERS),
            // Every order waiting for approval, however old: each needs an operator's answer.
            pending: execution.orders.filter((o) => o.status === 'PENDING_APPROVAL'),
            fillCount: execution.fillCount,
            portfolio: execution.portfolio,
            maxDrawdown: execution.maxDrawdown,
          },
    risk: risk === undefined ? null : { state: risk.state, approved: risk.approved, denials: risk.denials, events: risk.stateEvents.slice(-STATUS_RISK_EVENTS) },
  };
}

function actorLine(a: ActorSnapshot): DashboardActor {
  const c = a.counters;
  return {
    path: a.path,
    status: a.status,
    mailboxDepth: a.mailboxDepth,
    capacity: a.capacity,
    overflow: a.overflow,
    processed: c.processed,
    dropped: c.dropped,
    conflated: c.conflated,
    failed: c.failed,
    deadLettered: c.deadLettered,
    restarts: c.restarts,
  };
}
