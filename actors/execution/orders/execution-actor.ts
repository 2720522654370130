/**
 * The execution actor: the system's book of record for orders and money. It owns the order
 * registry (idempotent client order ids, transition table) and the portfolio (exact cash,
 * positions, fees), sends approved orders to the venue, applies what the venue reports, and
 * publishes every order change (`exec.order.<exchange>.<symbol>`) and fill (`exec.fill.<exchange>.<symbol>`).
 * Instruments, positions and open orders are keyed by `instrumentKey(exchange, symbol)`: the same
 * symbol on two exchanges is two instruments, marked each at its own venue's prices.
 *
 * Human approval: with `approval: 'manual'` an order that passed risk waits in
 * `PENDING_APPROVAL` until an operator sends `approve` or `reject`, or `approvalTimeoutUs` of
 * engine time passes (then it expires). Nothing reaches the venue unapproved.
 *
 * Equity: positions are marked at the last trade, mid or bar close seen on the bus; equity is
 * sampled at every mark that moves it (a dip between bar closes counts), every bar close and every
 * fill, each O(1) (the portfolio keeps it current), and the deepest fall from a peak is `maxDrawdown`.
 * Across a restart this actor would lose its books, so its supervisor should not restart it
 * silently in a daemon (the daemon rebuilds from its store); in a backtest a failure here fails
 * the run.
 */
import type { Fill } from '../../../src/model/fill.js';
import { formatUnits } from '../../../src/model/money.js';
import type { Instrument } from '../../../src/model/instrument.js';
import { InstrumentKeys, instrumentKey } from '../../../src/model/instrument-key.js';
import { orderView, type NewOrder, type OrderView } from '../../../src/model/order.js';
import type { OrderStatus } from '../../../src/model/order-transitions.js';
import type { MarketRecord } from '../../../src/model/records.js';
import { defineActor, type ActorContext, type ActorRef } from '../../../src/runtime/actor.js';
import { TickflowError } from '../../../src/runtime/errors.js';
import type {
  ApproveOrder,
  CancelOrder,
  FillReport,
  OrderDenied,
  OrderRequest,
  RejectOrder,
} from '../execution-messages.js';
import type { VenueCancel, VenueReport, VenueSubmit } from '../venues/venue.js';
import { fillTopic, orderTopic, orderUpdate } from '../execution-messages.js';
import type { ExecutionJournal } from './execution-journal.js';
import { OrderRegistry } from './order-registry.js';
import type { RecoveredTrading } from '../../../src/model/trading-recovery.js';
import { Portfolio, type PortfolioSnapshot } from './portfolio.js';

/** Config of the execution actor (built by the composition root, not read from users directly). */
export interface ExecutionConfig {
  /** By `instrumentKey(exchange, symbol)`. */
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly quotePrecision: number;
  readonly initialCash: string;
  readonly approval: 'auto' | 'manual';
  readonly approvalTimeoutUs: number;
  /** The venue actor. */
  readonly venue: ActorRef<VenueSubmit | VenueCancel>;
  /** Bus topic the venue reports on. */
  readonly venueTopic: string;
  /** Keep every fill for reports (backtests); a daemon streams them to storage instead. */
  readonly keepFills: boolean;
  /**
   * Closed orders whose ids the registry remembers (a repeated id makes no second order while it
   * does). Default: all of them with `keepFills` (a backtest writes every order), else the last
   * 10,000, so a long run's heap stays flat.
   */
  readonly retainClosedOrders?: number;
  /**
   * How many of those closed orders are kept whole, for the snapshot's order list (the newest).
   * Default: all with `keepFills`, else the last 200 (what the dashboard lists): a closed order
   * kept whole outlives the young generation, and 10,000 of them made the core path's tail latency.
   */
  readonly keepClosedOrders?: number;
  /** The write-ahead log (a daemon's): every order version and fill goes there before it is acted on. */
  readonly journal?: ExecutionJournal;
  /** What a restart restores (`recoverTrading`): open orders and the fills that made the positions. */
  readonly recovered?: RecoveredTrading;
}

/** Asks for the books; replies `ExecutionSnapshot`. */
export interface ExecutionSnapshotQuery {
  readonly type: 'exec_snapshot';
}
/** Asks for the orders waiting for approval; replies `OrderView[]`. */
export interface PendingApprovalsQuery {
  readonly type: 'pending_approvals';
}
interface ApprovalExpired {
  readonly type: 'approval_expired';
  readonly clientOrderId: string;
}

/** Everything the execution actor handles. */
export type ExecutionMessage =
  | OrderRequest
  | OrderDenied
  | ApproveOrder
  | RejectOrder
  | CancelOrder
  | VenueReport
  | ApprovalExpired
  | ExecutionSnapshotQuery
  | PendingApprovalsQuery
  | MarketRecord;

/** The books, for reports. */
export interface ExecutionSnapshot {
  readonly ordersByStatus: Record<OrderStatus, number>;
  readonly orders: readonly OrderView[];
  readonly fills: readonly Fill[];
  readonly fillCount: number;
  readonly portfolio: PortfolioSnapshot;
  readonly maxDrawdown: string;
  readonly illegalTransitions: number;
  readonly duplicateOrders: number;
}

interface ExecutionState {
  readonly config: ExecutionConfig;
  /** `exec.order.<exchange>.<symbol>` and `exec.fill.…` built once per instrument, not per publish. */
  readonly topics: Map<string, { readonly order: string; readonly fill: string }>;
  /** Instrument keys of market records, interned (marks come on every tick). */
  readonly keys: InstrumentKeys;
  readonly registry: OrderRegistry;
  readonly portfolio: Portfolio;
  readonly fills: Fill[];
  fillCount: number;
  peakEquity: bigint;
  maxDrawdown: bigint;
}

/** The execution actor definition. */
export const executionActor = defineActor<ExecutionConfig, ExecutionState, ExecutionMessage>({
  name: 'execution',
  init: (config) => {
    const portfolio = new Portfolio({ quotePrecision: config.quotePrecision, initialCash: config.initialCash });
    const registry = new OrderRegistry(retention(config));
    const recovered = config.recovered;
    if (recovered !== undefined) {
      for (const fill of recovered.fills) portfolio.applyFill(fill, instrumentOf(config, fill.exchange, fill.symbol));
      for (const order of recovered.openOrders) registry.restore(order, recovered.versions.get(order.clientOrderId));
    }
    return {
      config,
      topics: new Map(),
      keys: new InstrumentKeys(),
      registry,
      portfolio,
      fills: config.keepFills && recovered !== undefined ? [...recovered.fills] : [],
      fillCount: recovered?.fills.length ?? 0,
      peakEquity: portfolio.equity(),
      maxDrawdown: 0n,
    };
  },
  onStart: (state, ctx) => {
    ctx.subscribe(state.config.venueTopic);
    // Marks only: trades, quotes and bars. Depth diffs, snapshots and the book actor's top-N are
    // not delivered at all (they are most of a depth feed's messages and execution has no use for them).
    for (const type of MARK_TYPES) ctx.subscribe(`md.*.*.${type}`);
    if (state.config.recovered !== undefined) reconcile(state, ctx);
    return state;
  },
  receive: (state, message, ctx) => {
    switch (message.type) {
      case 'trade':
        if (state.portfolio.mark(state.keys.of(message.exchange, message.symbol), message.price)) sampleEquity(state);
        return state;
      case 'book_ticker':
        if (message.bidPrice > 0 && message.askPrice > 0 && state.portfolio.mark(state.keys.of(message.exchange, message.symbol), (message.bidPrice + message.askPrice) / 2)) {
          sampleEquity(state);
        }
        return state;
      case 'trade_bar':
        state.portfolio.mark(state.keys.of(message.exchange, message.symbol), message.close);
        sampleEquity(state);
        return state;
      case 'book_change':
      case 'depth_snapshot':
        return state;
      case 'order_request':
        admit(state, message.order, ctx);
        return state;
      case 'order_denied': {
        const created = create(state, message.order, ctx);
        if (created) transition(state, message.order.clientOrderId, { type: 'deny', ts: message.ts, reason: message.reason }, ctx);
        return state;
      }
      // Both reply `ApprovalResult` to an ask (an operator's command through the gateway).
      case 'approve': {
        const status = state.registry.get(message.clientOrderId)?.status;
        if (status === 'PENDING_APPROVAL') {
          ctx.clock.cancelTimer(`approval:${message.clientOrderId}`);
          if (transition(state, message.clientOrderId, { type: 'approve', ts: ctx.clock.now() }, ctx)) sendToVenue(state, message.clientOrderId, ctx);
        }
        ctx.reply(approvalResult(message.clientOrderId, status, 'approved: sent to the venue'));
        return state;
      }
      case 'reject': {
        // The operator's reject is for orders waiting for approval only; the venue's rejects come
        // as venue events.
        const status = state.registry.get(message.clientOrderId)?.status;
        if (status === 'PENDING_APPROVAL') {
          ctx.clock.cancelTimer(`approval:${message.clientOrderId}`);
          transition(state, message.clientOrderId, { type: 'reject', ts: ctx.clock.now(), reason: message.reason }, ctx);
        }
        ctx.reply(approvalResult(message.clientOrderId, status, 'rejected'));
        return state;
      }
      case 'approval_expired':
        transition(state, message.clientOrderId, { type: 'expire', ts: ctx.clock.now(), reason: 'approval timed out' }, ctx);
        return state;
      case 'cancel': {
        const now = ctx.clock.now();
        if (state.registry.get(message.clientOrderId)?.status === 'PENDING_APPROVAL') {
          // Never sent: cancel it here, with no word to the venue.
          ctx.clock.cancelTimer(`approval:${message.clientOrderId}`);
          transition(state, message.clientOrderId, { type: 'cancel', ts: now, reason: 'canceled before approval' }, ctx);
          return state;
        }
        if (transition(state, message.clientOrderId, { type: 'requestCancel', ts: now }, ctx)) {
          ctx.send(state.config.venue, { type: 'venue_cancel', clientOrderId: message.clientOrderId, ts: now });
        }
        return state;
      }
      case 'venue_event':
        onVenueEvent(state, message, ctx);
        return state;
      case 'pending_approvals':
        ctx.reply(pendingApprovals(state));
        return state;
      case 'exec_snapshot':
        ctx.reply(snapshot(state));
        return state;
      default:
        return state; // nothing else is subscribed to
    }
  },
});

function instrumentOf(config: ExecutionConfig, exchange: string, symbol: string): Instrument {
  const instrument = config.instruments.get(instrumentKey(exchange, symbol));
  if (instrument === undefined) {
    throw new TickflowError('CONFIG_INVALID', `the journal holds fills of ${instrumentKey(exchange, symbol)}, which has no instrument in the config: its position cannot be restored`, { exchange, symbol });
  }
  return instrument;
}

/**
 * After a restart, the open orders as the journal left them against what the venue holds (the
 * paper venue restored its own working orders from the same journal, `PaperVenue.restore`):
 * - `SUBMITTED`: journaled as sent, but the venue never acknowledged it before the crash, so the
 *   venue does not hold it: it is closed `REJECTED` (never sent again: no order goes out twice);
 * - `PENDING_CANCEL`: the venue holds it working; the cancel is asked again (a cancel, not an order);
 * - `PENDING_APPROVAL`: its approval timer runs again for what is left of it (expired at once if none).
 * Working orders (`ACCEPTED`, `PARTIALLY_FILLED`) need nothing: the venue holds them.
 */
function reconcile(state: ExecutionState, ctx: ActorContext<ExecutionMessage>): void {
  const now = ctx.clock.now();
  for (const order of state.config.recovered!.openOrders) {
    const id = order.clientOrderId;
    if (order.status === 'SUBMITTED') {
      transition(state, id, { type: 'reject', ts: now, reason: 'RECOVERY_NOT_AT_VENUE: sent before a restart, never acknowledged; the venue does not hold it' }, ctx);
    } else if (order.status === 'PENDING_CANCEL') {
      ctx.send(state.config.venue, { type: 'venue_cancel', clientOrderId: id, ts: now });
    } else if (order.status === 'PENDING_APPROVAL') {
      const since = order.timestamps.PENDING_APPROVAL ?? order.updatedTs;
      ctx.clock.startTimer(`approval:${id}`, Math.max(0, since + state.config.approvalTimeoutUs - now), { type: 'approval_expired', clientOrderId: id });
    }
  }
}

/** The market records execution marks positions at. */
const MARK_TYPES = ['trade', 'book_ticker', 'trade_bar'] as const;

function retention(config: ExecutionConfig): { retainClosed?: number; keepClosed?: number } {
  const daemon = !config.keepFills;
  return {
    retainClosed: config.retainClosedOrders ?? (daemon ? 10_000 : undefined),
    keepClosed: config.keepClosedOrders ?? (daemon ? 200 : undefined),
  };
}

function admit(state: ExecutionState, order: NewOrder, ctx: ActorContext<ExecutionMessage>): void {
  if (!create(state, order, ctx)) return;
  const id = order.clientOrderId;
  if (state.config.approval === 'manual') {
    transition(state, id, { type: 'awaitApproval', ts: order.ts }, ctx);
    ctx.clock.startTimer(`approval:${id}`, state.config.approvalTimeoutUs, { type: 'approval_expired', clientOrderId: id });
    return;
  }
  if (transition(state, id, { type: 'submit', ts: ctx.clock.now() }, ctx)) sendToVenue(state, id, ctx);
}

/** Creates the order; false when the id exists already (idempotent: nothing new happens) or it is invalid. */
function create(state: ExecutionState, order: NewOrder, ctx: ActorContext<ExecutionMessage>): boolean {
  const instrument = state.config.instruments.get(instrumentKey(order.exchange, order.symbol));
  if (instrument === undefined) {
    ctx.log.warn({ exchange: order.exchange, symbol: order.symbol, clientOrderId: order.clientOrderId }, 'order for an instrument with no config or inference; ignored');
    return false;
  }
  const result = state.registry.create(order, instrument);
  if (!result.ok) {
    ctx.log.warn({ clientOrderId: order.clientOrderId, reason: result.reason }, 'invalid order refused');
    return false;
  }
  if (!result.created) return false;
  state.config.journal?.order(result.order);
  ctx.publish(topicsOf(state, order.exchange, order.symbol).order, orderUpdate(result.order));
  return true;
}

function transition(
  state: ExecutionState,
  clientOrderId: string,
  event: Parameters<OrderRegistry['apply']>[1],
  ctx: ActorContext<ExecutionMessage>,
): boolean {
  const refusal = state.registry.apply(clientOrderId, event);
  if (refusal !== undefined) {
    ctx.log.debug({ clientOrderId, code: refusal.code, reason: refusal.reason }, 'order event refused');
    return false;
  }
  const order = state.registry.get(clientOrderId)!;
  state.config.journal?.order(order);
  ctx.publish(topicsOf(state, order.exchange, order.symbol).order, orderUpdate(order));
  return true;
}

function sendToVenue(state: ExecutionState, clientOrderId: string, ctx: ActorContext<ExecutionMessage>): void {
  const order = state.registry.get(clientOrderId)!;
  const submit: NewOrder = {
    clientOrderId,
    exchange: order.exchange,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.quantity,
    limitPrice: order.limitPrice,
    ts: ctx.clock.now(),
  };
  ctx.send(state.config.venue, { type: 'venue_submit', order: submit });
}

function onVenueEvent(state: ExecutionState, report: VenueReport, ctx: ActorContext<ExecutionMessage>): void {
  const event = report.event;
  if (event.kind === 'fill') {
    // Positions follow fills, whatever the order's state says (a fill can race a cancel).
    const fill = event.fill;
    const key = state.keys.of(fill.exchange, fill.symbol);
    const instrument = state.config.instruments.get(key)!;
    const outcome = state.portfolio.applyFill(fill, instrument);
    state.fillCount++;
    if (state.config.keepFills) state.fills.push(fill);
    const refusal = state.registry.apply(event.clientOrderId, event.event);
    const order = state.registry.get(event.clientOrderId);
    // One journal entry for the fill, the order version it made, the position and the cash, before
    // anyone hears of any of them.
    state.config.journal?.fill(fill, order, refusal === undefined, state.portfolio.position(key)!, state.portfolio.cash, state.config.quotePrecision);
    const topics = topicsOf(state, fill.exchange, fill.symbol);
    const update = refusal === undefined ? orderUpdate(order!) : undefined;
    if (update !== undefined) ctx.publish(topics.order, update);
    else ctx.log.debug({ clientOrderId: event.clientOrderId, code: refusal!.code, reason: refusal!.reason }, 'order event refused');
    ctx.publish(topics.fill, { type: 'fill_report', fill, position: outcome.after, order: update } satisfies FillReport);
    sampleEquity(state);
    return;
  }
  if (event.kind === 'cancelRejected' && event.code !== 'UNKNOWN_ORDER') return; // the order is closed already
  transition(state, event.clientOrderId, event.event, ctx);
}

function topicsOf(state: ExecutionState, exchange: string, symbol: string): { readonly order: string; readonly fill: string } {
  const key = state.keys.of(exchange, symbol);
  let topics = state.topics.get(key);
  if (topics === undefined) {
    topics = { order: orderTopic(exchange, symbol), fill: fillTopic(exchange, symbol) };
    state.topics.set(key, topics);
  }
  return topics;
}

function sampleEquity(state: ExecutionState): void {
  const equity = state.portfolio.equity();
  if (equity > state.peakEquity) state.peakEquity = equity;
  const drawdown = state.peakEquity - equity;
  if (drawdown > state.maxDrawdown) state.maxDrawdown = drawdown;
}

function pendingApprovals(state: ExecutionState): OrderView[] {
  const out: OrderView[] = [];
  for (const order of state.registry.orders()) if (order.status === 'PENDING_APPROVAL') out.push(orderView(order));
  return out;
}

function snapshot(state: ExecutionState): ExecutionSnapshot {
  return {
    ordersByStatus: state.registry.countByStatus(),
    orders: [...state.registry.orders()].map(orderView),
    fills: state.fills.slice(),
    fillCount: state.fillCount,
    portfolio: state.portfolio.snapshot(),
    maxDrawdown: formatUnits(state.maxDrawdown, state.config.quotePrecision),
    illegalTransitions: state.registry.counters.illegalTransitions,
    duplicateOrders: state.registry.counters.duplicates,
  };
}

/** The reply to an operator's approve or reject. */
export interface ApprovalResult {
  readonly ok: boolean;
  readonly detail: string;
}

function approvalResult(clientOrderId: string, status: string | undefined, done: string): ApprovalResult {
  if (status === 'PENDING_APPROVAL') return { ok: true, detail: `${clientOrderId} ${done}` };
  return { ok: false, detail: status === undefined ? `no order ${clientOrderId}` : `${clientOrderId} is ${status}, not waiting for approval` };
}
