/**
 * The order planner actor: turns strategies' targets (`signal.*`) into orders and cancels with
 * `planWithCancels` and sends them to the risk actor. Its view of positions and open orders is
 * rebuilt from what execution publishes (`exec.fill.*`, and of `exec.order.*` the changes that
 * move open lots and were not made by a fill: `plannerOrderFilter`; a fill's change comes with its
 * fill report); an order it has just
 * planned counts as open at once (before execution reports it), so two targets in a row never
 * order the same quantity twice. An order it asks to cancel stays in its coverage until execution
 * reports it ended (it may fill until then); when such an order ends, the symbol's last target is
 * planned again at once, since the room it held is free (after a fill that beat the cancel, once
 * the fill's position has arrived: the fill report carries both).
 * Client order ids come from one deterministic factory, so a replay gives the same ids.
 *
 * Limits at the touch. The planner reads quotes only for instruments that have had a target at the
 * touch: at the first one it subscribes to `<marketPrefix>.<exchange>.<symbol>.book_ticker` (a
 * market-only run receives no quotes). A touch order is priced at the latest quote (best bid for a
 * buy, best ask for a sell); with no usable quote yet (none, or a side empty) the target waits and
 * is planned at the next quote. Timeout: an order placed for a limit target with `timeoutUs` gets
 * an engine-time timer; if the order is still open (and not already being cancelled) when it fires,
 * the planner cancels it and, when that target still governs, replaces it with its market twin
 * (cancel/replace: once the cancel is confirmed, what is left is ordered at market; a fill that
 * beats the cancel counts first). An order that ended earlier has its timer cancelled.
 * Everything here is per instrument (`instrumentKey(exchange, symbol)`): a target names its
 * exchange, and the same symbol on another exchange is another position with other orders.
 */
import type { Instrument } from '../../../src/model/instrument.js';
import { instrumentKey } from '../../../src/model/instrument-key.js';
import { isTerminalStatus } from '../../../src/model/order-transitions.js';
import type { BookTicker } from '../../../src/model/records.js';
import type { TargetPosition } from '../../../src/model/signal.js';
import { defineActor, type ActorContext, type ActorRef } from '../../../src/runtime/actor.js';
import { plannerOrderFilter, type CancelOrder, type FillReport, type OrderRequest, type OrderUpdate } from '../execution-messages.js';
import { ordersOpenAfterRestart, type RecoveredTrading } from '../../../src/model/trading-recovery.js';
import { OpenOrderBook } from './open-order-book.js';
import { createClientOrderIdFactory, planWithCancels, type ClientOrderIdFactory } from './order-planner.js';

/** Config of the planner actor. */
export interface PlannerConfig {
  /** By `instrumentKey(exchange, symbol)`. */
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Where orders and cancels go (the risk actor). */
  readonly risk: ActorRef<OrderRequest | CancelOrder>;
  /** First segment(s) of market-data topics, for the quotes of limits at the touch (default `md`). */
  readonly marketPrefix?: string;
  /**
   * What a restart restores: positions (from the fills), the orders still open (those pending a
   * cancel stay being cancelled) and the client order id sequences, so no id is used twice.
   */
  readonly recovered?: RecoveredTrading;
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
  /** Non-zero targets smaller than one size increment: rounded toward zero, they asked for flat. */
  readonly roundedToZero: number;
  /** Limit orders cancelled at their timeout (their rest then goes at market). */
  readonly timeouts: number;
}

/** Timer message: a limit order's timeout came. */
export interface LimitTimeout {
  readonly type: 'limit_timeout';
  readonly clientOrderId: string;
  /** Its instrument key. */
  readonly key: string;
}

export type PlannerMessage = TargetPosition | OrderUpdate | FillReport | BookTicker | LimitTimeout | PlannerStatsQuery;

interface PlannerState {
  readonly config: PlannerConfig;
  readonly nextId: ClientOrderIdFactory;
  /** Positions by instrument key, signed lots. */
  readonly positions: Map<string, number>;
  /**
   * Open orders per instrument key, in creation order (Map keeps insertion order), those this planner asked
   * to cancel included (status `PENDING_CANCEL`): they may fill until the cancel is confirmed.
   */
  readonly open: Map<string, OpenOrderBook>;
  /**
   * Orders this planner asked to cancel, until they end (or the cancel is refused and they work
   * again), with the engine time of the request (to tell a stale update from a refusal).
   */
  readonly cancelling: Map<string, { readonly key: string; readonly requestedAt: number }>;
  /** The last target per instrument key, planned again when an order pending cancel ends. */
  readonly lastTargets: Map<string, TargetPosition>;
  /** Instrument keys whose order pending cancel ended filled: planned again at that fill's report. */
  readonly replanAtFill: Set<string>;
  /** Latest quote per instrument key, kept only for instruments subscribed for touch pricing. */
  readonly quotes: Map<string, BookTicker>;
  /** Instrument keys whose quotes it subscribed to. */
  readonly quoted: Set<string>;
  /** Instrument keys whose touch target waits for a usable quote. */
  readonly awaitingQuote: Set<string>;
  /** Orders with a timeout timer armed, with the target (as in `lastTargets`) that placed them. */
  readonly timed: Map<string, TargetPosition>;
  targets: number;
  orders: number;
  cancels: number;
  ignored: number;
  roundedToZero: number;
  timeouts: number;
}

/** The planner actor definition. */
export const plannerActor = defineActor<PlannerConfig, PlannerState, PlannerMessage>({
  name: 'planner',
  init: (config) => restore({
    config,
    nextId: createClientOrderIdFactory(config.recovered?.orderSequences),
    positions: new Map(),
    open: new Map(),
    cancelling: new Map(),
    lastTargets: new Map(),
    replanAtFill: new Set(),
    quotes: new Map(),
    quoted: new Set(),
    awaitingQuote: new Set(),
    timed: new Map(),
    targets: 0,
    orders: 0,
    cancels: 0,
    ignored: 0,
    roundedToZero: 0,
    timeouts: 0,
  } as PlannerState),
  onStart: (state, ctx) => {
    ctx.subscribe('signal');
    ctx.subscribe('exec.fill');
    ctx.subscribe('exec.order', plannerOrderFilter);
    return state;
  },
  receive: (state, message, ctx) => {
    switch (message.type) {
      case 'target': {
        state.targets++;
        const key = instrumentKey(message.exchange, message.symbol);
        const instrument = state.config.instruments.get(key);
        if (instrument === undefined) {
          state.ignored++;
          ctx.log.warn({ exchange: message.exchange, symbol: message.symbol }, 'target for an instrument with no config or inference; ignored');
          return state;
        }
        state.lastTargets.set(key, message);
        state.awaitingQuote.delete(key);
        if (plan(state, message, instrument, ctx)) state.roundedToZero++;
        return state;
      }
      case 'order_update':
        onOrderUpdate(state, message, ctx);
        return state;
      case 'fill_report': {
        // The change the fill made first, as if it came on exec.order (where it is skipped).
        if (message.order !== undefined) onOrderUpdate(state, message.order, ctx);
        const key = instrumentKey(message.fill.exchange, message.fill.symbol);
        state.positions.set(key, message.position);
        if (state.replanAtFill.delete(key)) replan(state, key, ctx);
        return state;
      }
      case 'book_ticker': {
        const key = instrumentKey(message.exchange, message.symbol);
        state.quotes.set(key, message);
        if (usable(message) && state.awaitingQuote.delete(key)) replan(state, key, ctx);
        return state;
      }
      case 'limit_timeout':
        onTimeout(state, message, ctx);
        return state;
      case 'planner_stats':
        ctx.reply({
          targets: state.targets,
          orders: state.orders,
          cancels: state.cancels,
          ignored: state.ignored,
          roundedToZero: state.roundedToZero,
          timeouts: state.timeouts,
        } satisfies PlannerStats);
        return state;
    }
  },
});

/**
 * An order's change: it leaves the open orders when it ends (freeing a cancel's room: the last
 * target is planned again), and otherwise its filled lots and status are kept. Changes come on
 * exec.order, and those a fill made with the fill report.
 */
function onOrderUpdate(state: PlannerState, update: OrderUpdate, ctx: ActorContext<PlannerMessage>): void {
  const terms = update.order;
  const id = terms.clientOrderId;
  const key = instrumentKey(terms.exchange, terms.symbol);
  const open = openOf(state, key);
  const cancelling = state.cancelling.get(id);
  if (isTerminalStatus(update.status)) {
    open.remove(id);
    if (state.timed.delete(id)) ctx.clock.cancelTimer(timeoutTimer(id));
    if (cancelling !== undefined) {
      state.cancelling.delete(id);
      // The room it held is free: plan the last target again, once the position is current.
      if (update.status === 'FILLED') state.replanAtFill.add(key);
      else replan(state, key, ctx);
    }
  } else if (cancelling !== undefined) {
    // Working again only after the venue refused this cancel; an update published before the
    // cancel reached execution (no PENDING_CANCEL time since the request) is stale.
    const pendingSince = update.cancelRequestedTs;
    const refused = update.status !== 'PENDING_CANCEL' && pendingSince !== undefined && pendingSince >= cancelling.requestedAt;
    open.update(id, update.filledQuantity, refused ? update.status : 'PENDING_CANCEL');
    if (refused) state.cancelling.delete(id);
  } else {
    if (open.get(id) === undefined) open.add({ clientOrderId: id, side: terms.side, quantity: terms.quantity, filledQuantity: update.filledQuantity, status: update.status });
    else open.update(id, update.filledQuantity, update.status);
  }
}

/**
 * Plans `target` against the position and open orders, sends the cancels and orders to risk and
 * records them: a cancelled order stays open as `PENDING_CANCEL`, a new one is open at once.
 * Returns whether the target was non-zero and rounded to zero lots.
 */
function plan(state: PlannerState, target: TargetPosition, instrument: Instrument, ctx: ActorContext<PlannerMessage>): boolean {
  const key = instrumentKey(target.exchange, target.symbol);
  let touch: BookTicker | undefined;
  if (target.orderType === 'limit' && target.limitAt === 'touch') {
    touch = quoteFor(state, target, ctx);
    if (touch === undefined) {
      state.awaitingQuote.add(key); // planned at the next usable quote
      return false;
    }
  }
  const open = openOf(state, key);
  const planned = planWithCancels(target, state.positions.get(key) ?? 0, open, instrument, state.nextId, touch);
  for (const cancel of planned.cancels) {
    const o = open.get(cancel.clientOrderId);
    if (o !== undefined) {
      open.update(o.clientOrderId, o.filledQuantity, 'PENDING_CANCEL');
      state.cancelling.set(cancel.clientOrderId, { key, requestedAt: ctx.clock.now() });
    }
    state.cancels++;
    ctx.send(state.config.risk, { type: 'cancel', clientOrderId: cancel.clientOrderId });
  }
  for (const order of planned.orders) {
    open.add({ clientOrderId: order.clientOrderId, side: order.side, quantity: order.quantity, filledQuantity: 0, status: 'INITIALIZED' });
    state.orders++;
    ctx.send(state.config.risk, { type: 'order_request', order });
    const placedBy = state.lastTargets.get(key);
    if (order.type === 'limit' && target.timeoutUs !== undefined && placedBy !== undefined) {
      state.timed.set(order.clientOrderId, placedBy);
      ctx.clock.startTimer(timeoutTimer(order.clientOrderId), target.timeoutUs, { type: 'limit_timeout', clientOrderId: order.clientOrderId, key });
    }
  }
  return planned.roundedToZero;
}

/** The latest usable quote of the target's instrument, subscribing to its quotes on first use. */
function quoteFor(state: PlannerState, target: TargetPosition, ctx: ActorContext<PlannerMessage>): BookTicker | undefined {
  const key = instrumentKey(target.exchange, target.symbol);
  if (!state.quoted.has(key)) {
    state.quoted.add(key);
    ctx.subscribe(`${state.config.marketPrefix ?? 'md'}.${target.exchange}.${target.symbol}.book_ticker`);
  }
  const quote = state.quotes.get(key);
  return quote !== undefined && usable(quote) ? quote : undefined;
}

/** Both sides present: a positive, finite best bid and ask. */
function usable(quote: BookTicker): boolean {
  return quote.bidPrice > 0 && quote.askPrice > 0 && Number.isFinite(quote.bidPrice) && Number.isFinite(quote.askPrice);
}

/** Rebuilds the planner's view at a restart from `config.recovered` (nothing to do on a first start). */
function restore(state: PlannerState): PlannerState {
  const recovered = state.config.recovered;
  if (recovered === undefined) return state;
  for (const fill of recovered.fills) {
    const key = instrumentKey(fill.exchange, fill.symbol);
    const held = state.positions.get(key) ?? 0;
    state.positions.set(key, fill.side === 'buy' ? held + fill.quantity : held - fill.quantity);
  }
  for (const order of ordersOpenAfterRestart(recovered)) {
    const key = instrumentKey(order.exchange, order.symbol);
    openOf(state, key).add(order);
    if (order.status === 'PENDING_CANCEL') state.cancelling.set(order.clientOrderId, { key, requestedAt: order.timestamps.PENDING_CANCEL ?? order.updatedTs });
  }
  return state;
}

function timeoutTimer(clientOrderId: string): string {
  return `limit-timeout:${clientOrderId}`;
}

/**
 * A limit order's timeout: cancel it if still open and not already being cancelled; if the target
 * that placed it still governs, make the instrument's last target its market twin, so what the
 * cancel frees is ordered at market when the cancel is confirmed (see `order_update`).
 */
function onTimeout(state: PlannerState, timeout: LimitTimeout, ctx: ActorContext<PlannerMessage>): void {
  const id = timeout.clientOrderId;
  const placedBy = state.timed.get(id);
  state.timed.delete(id);
  const book = state.open.get(timeout.key);
  const o = book?.get(id);
  if (book === undefined || o === undefined || o.status === 'PENDING_CANCEL' || state.cancelling.has(id)) return;
  state.timeouts++;
  if (placedBy !== undefined && state.lastTargets.get(timeout.key) === placedBy) {
    state.lastTargets.set(timeout.key, { ...placedBy, orderType: 'market', limitPrice: undefined, limitAt: undefined, timeoutUs: undefined });
  }
  book.update(id, o.filledQuantity, 'PENDING_CANCEL');
  state.cancelling.set(id, { key: timeout.key, requestedAt: ctx.clock.now() });
  state.cancels++;
  ctx.send(state.config.risk, { type: 'cancel', clientOrderId: id });
}

/** Plans the instrument's last target again, now (nothing when it never had one). */
function replan(state: PlannerState, key: string, ctx: ActorContext<PlannerMessage>): void {
  const last = state.lastTargets.get(key);
  const instrument = state.config.instruments.get(key);
  if (last === undefined || instrument === undefined) return;
  plan(state, { ...last, ts: ctx.clock.now() }, instrument, ctx);
}

function openOf(state: PlannerState, key: string): OpenOrderBook {
  let open = state.open.get(key);
  if (open === undefined) {
    open = new OpenOrderBook();
    state.open.set(key, open);
  }
  return open;
}
