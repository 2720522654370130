/**
 * The order planner actor: turns strategies' targets (`signal.*`) into orders and cancels with
 * `planWithCancels` and sends them to the risk actor. Its view of positions and open orders is
 * rebuilt from what execution publishes (`exec.fill.*`, `exec.order.*`); an order it has just
 * planned counts as open at once (before execution reports it), so two targets in a row never
 * order the same quantity twice. Client order ids come from one deterministic factory, so a
 * replay gives the same ids.
 */
import type { Instrument } from '../../src/model/instrument.js';
import type { OrderStatus } from '../../src/model/order-transitions.js';
import { isTerminalStatus } from '../../src/model/order-transitions.js';
import type { TargetPosition } from '../../src/model/signal.js';
import { defineActor, type ActorRef } from '../../src/runtime/actor.js';
import type { CancelOrder, FillReport, OrderRequest, OrderUpdate } from './execution-messages.js';
import { createClientOrderIdFactory, planWithCancels, type ClientOrderIdFactory, type OpenOrderView } from './order-planner.js';

/** Config of the planner actor. */
export interface PlannerConfig {
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Where orders and cancels go (the risk actor). */
  readonly risk: ActorRef<OrderRequest | CancelOrder>;
}

/** Asks for the planner's counters; replies `PlannerStats`. */
export interface PlannerStatsQuery {
  readonly type: 'planner_stats';
}
export interface PlannerStats {
  readonly targets: number;
  readonly orders: number;
  readonly cancels: number;
  readonly ignored: number;
}

export type PlannerMessage = TargetPosition | OrderUpdate | FillReport | PlannerStatsQuery;

interface MutableOpenOrder {
  clientOrderId: string;
  side: 'buy' | 'sell';
  quantity: bigint;
  filledQuantity: bigint;
  status: OrderStatus;
}

interface PlannerState {
  readonly config: PlannerConfig;
  readonly nextId: ClientOrderIdFactory;
  readonly positions: Map<string, bigint>;
  /** Open orders per symbol that are not being cancelled, in creation order (Map keeps insertion order). */
  readonly open: Map<string, Map<string, MutableOpenOrder>>;
  /**
   * Orders this planner asked to cancel, until they end (or the cancel is refused and they work
   * again). Kept apart so planning looks only at orders that still count: with a strategy that
   * flips often, cancelled orders in flight would otherwise be scanned on every target.
   */
  readonly cancelling: Map<string, { readonly order: MutableOpenOrder; readonly requestedAt: number }>;
  targets: number;
  orders: number;
  cancels: number;
  ignored: number;
}

/** The planner actor definition. */
export const plannerActor = defineActor<PlannerConfig, PlannerState, PlannerMessage>({
  name: 'planner',
  init: (config) => ({
    config,
    nextId: createClientOrderIdFactory(),
    positions: new Map(),
    open: new Map(),
    cancelling: new Map(),
    targets: 0,
    orders: 0,
    cancels: 0,
    ignored: 0,
  }),
  onStart: (state, ctx) => {
    ctx.subscribe('signal');
    ctx.subscribe('exec');
    return state;
  },
  receive: (state, message, ctx) => {
    switch (message.type) {
      case 'target': {
        state.targets++;
        const instrument = state.config.instruments.get(message.symbol);
        if (instrument === undefined) {
          state.ignored++;
          ctx.log.warn({ symbol: message.symbol }, 'target for a symbol with no instrument; ignored');
          return state;
        }
        const open = openOf(state, message.symbol);
        const views: OpenOrderView[] = [...open.values()];
        const plan = planWithCancels(message, state.positions.get(message.symbol) ?? 0n, views, instrument, state.nextId);
        for (const cancel of plan.cancels) {
          const o = open.get(cancel.clientOrderId);
          if (o !== undefined) {
            o.status = 'PENDING_CANCEL';
            open.delete(cancel.clientOrderId);
            state.cancelling.set(cancel.clientOrderId, { order: o, requestedAt: ctx.clock.now() });
          }
          state.cancels++;
          ctx.send(state.config.risk, { type: 'cancel', clientOrderId: cancel.clientOrderId });
        }
        for (const order of plan.orders) {
          open.set(order.clientOrderId, {
            clientOrderId: order.clientOrderId,
            side: order.side,
            quantity: order.quantity,
            filledQuantity: 0n,
            status: 'INITIALIZED',
          });
          state.orders++;
          ctx.send(state.config.risk, { type: 'order_request', order });
        }
        return state;
      }
      case 'order_update': {
        const order = message.order;
        const id = order.clientOrderId;
        const open = openOf(state, order.symbol);
        const cancelling = state.cancelling.get(id);
        if (isTerminalStatus(order.status)) {
          open.delete(id);
          state.cancelling.delete(id);
        } else if (cancelling !== undefined) {
          cancelling.order.filledQuantity = order.filledQuantity;
          // Working again only after the venue refused this cancel; an update published before the
          // cancel reached execution (no PENDING_CANCEL time since the request) is stale.
          const pendingSince = order.timestamps.PENDING_CANCEL;
          if (order.status !== 'PENDING_CANCEL' && pendingSince !== undefined && pendingSince >= cancelling.requestedAt) {
            cancelling.order.status = order.status;
            state.cancelling.delete(id);
            open.set(id, cancelling.order);
          }
        } else {
          const known = open.get(id);
          if (known === undefined) {
            open.set(id, { clientOrderId: id, side: order.side, quantity: order.quantity, filledQuantity: order.filledQuantity, status: order.status });
          } else {
            known.filledQuantity = order.filledQuantity;
            known.status = order.status;
          }
        }
        return state;
      }
      case 'fill_report':
        state.positions.set(message.fill.symbol, message.position);
        return state;
      case 'planner_stats':
        ctx.reply({ targets: state.targets, orders: state.orders, cancels: state.cancels, ignored: state.ignored } satisfies PlannerStats);
        return state;
    }
  },
});

function openOf(state: PlannerState, symbol: string): Map<string, MutableOpenOrder> {
  let open = state.open.get(symbol);
  if (open === undefined) {
    open = new Map();
    state.open.set(symbol, open);
  }
  return open;
}
