/**
 * The types a strategy and its runner share: the handler API (`StrategyApi`), target options, the
 * validated config, and the inspection request and reply.
 */
import type { FillReport, OrderUpdate } from '../execution/execution-messages.js';
import type { BookReader, BookSnapshot } from '../../src/model/order-book.js';
import type { Order } from '../../src/model/order.js';
import type { MarketRecord } from '../../src/model/records.js';

/** How the planner should trade toward a target, the first form: market by default. */
export interface OrderTypeOptions {
  readonly orderType?: 'market' | 'limit';
  /** Required (finite, > 0) for `limit`; must be absent for `market`. */
  readonly limitPrice?: number;
}

/**
 * How the planner should trade toward a target, by execution:
 * - `{ execution: 'market' }` (the default);
 * - `{ execution: 'limit', price }`: a limit at `price` (finite, > 0), or at `'touch'`: the best
 *   bid for a buy, the best ask for a sell, as the planner sees them when it plans the order (it
 *   waits for a first quote when it has none). `timeoutUs` (a positive integer of engine µs): an
 *   order still open that long after it was placed is cancelled and what is left is traded at
 *   market (cancel/replace); without it the limit rests until the target changes.
 */
export type ExecutionOptions =
  | { readonly execution: 'market' }
  | { readonly execution: 'limit'; readonly price: 'touch' | number; readonly timeoutUs?: number };

/** Either form; both say the same thing to the planner. */
export type TargetOptions = OrderTypeOptions | ExecutionOptions;

/**
 * What a strategy's handlers may do. One object per strategy instance, reused for every record.
 *
 * Instruments are named by symbol (`BTCUSDT`: that symbol on the exchange of the record being
 * handled) or by instrument key (`binance-futures:BTCUSDT`: that symbol on that exchange), so a
 * strategy can trade one venue from another's data; the same symbol on two exchanges is two
 * instruments, with two targets and two positions.
 *
 * `target(symbol, quantity, options?)` sets the target position of `symbol` (a symbol or an
 * instrument key, as above). A `TargetPosition` is published, and counted as one signal, only when the
 * target changes: when `quantity` or the execution (order type, limit price or touch, timeout)
 * differs from the last one published for that instrument. Every instrument starts at target 0
 * (market), so setting 0 before anything else was published is no change and no signal. Returns
 * whether a signal was emitted. A non-finite quantity, a limit order without a positive limit
 * price, or a timeout that is not a positive integer throws `ORDER_INVALID` (a bug in the strategy:
 * the actor fails and its supervisor decides).
 *
 * `position` and `openOrders` come from what execution publishes (`exec.fill.*`, `exec.order.*`),
 * which every strategy actor receives (one message per fill or order change, none per market
 * record); they are as of the last such message the actor handled, and survive its restarts.
 */
export interface StrategyApi<P> {
  /**
   * The validated parameters, defaults filled in. A `strategy_reconfigure` replaces them between two
   * messages: the next handler call reads the new values (read them here, not once in `init`).
   */
  readonly params: P;
  /** Engine time, integer microseconds (the record's receive time during a replay). */
  now(): number;
  target(symbol: string, quantity: number, options?: TargetOptions): boolean;
  /** The last target published for `symbol` (on the current exchange, or an instrument key; 0 before any). */
  currentTarget(symbol: string): number;
  /**
   * The L2 book of `symbol` (on the current exchange, or an instrument key), as of the book actor's latest conflated
   * snapshot (at most `books.publishEveryUs` old, `books.depth` levels a side; see `BookView`), or
   * undefined when there is no valid book: none published yet, or the last one said invalid (a
   * sequence gap, until the next depth snapshot). Read-only; valid until the handler returns.
   */
  book(symbol: string): BookReader | undefined;
  /**
   * The instrument's position (all strategies' fills on it, as the portfolio counts it), signed,
   * in lots of its size increment (an integer `number`, the unit of `Fill.quantity` and
   * `Order.quantity`); 0 before any fill.
   */
  position(symbol: string): number;
  /** This strategy's open (non-terminal) orders on the instrument, oldest first, as execution last reported them. */
  openOrders(symbol: string): readonly Order[];
}

/** The validated config. */
export interface StrategyConfig<P = Record<string, unknown>> {
  readonly params: P;
  readonly symbols: readonly string[] | undefined;
  readonly exchange: string | undefined;
  readonly topicPrefix: string;
  readonly interval: string | undefined;
}

/** The inspection message: a strategy replies (`ctx.reply`) with its `StrategyStats`. */
export interface StrategyStatsRequest {
  readonly type: 'strategy_stats';
}

/** The inspection message, ready to `ask`. */
export const STRATEGY_STATS: StrategyStatsRequest = Object.freeze({ type: 'strategy_stats' });

/** A strategy's counters and current targets (instruments sorted by exchange, then symbol). */
export interface StrategyStats {
  /** Name of the strategy actor (the last segment of its path), as in `TargetPosition.strategy`. */
  readonly strategy: string;
  /** `TargetPosition`s published (one per change of target). */
  readonly signals: number;
  /** Bars and trades handed to the handlers (one that threw included). */
  readonly bars: number;
  readonly trades: number;
  readonly targets: readonly { readonly exchange: string; readonly symbol: string; readonly target: number }[];
  /** How far each instrument got through the warm-up the strategy states (`StrategySpec.warmUp`); undefined when it states none. */
  readonly warmUp: StrategyWarmUp | undefined;
}

/**
 * Warm-up progress. An instrument's `inputs` is the most it was handed in one life of its state:
 * since `init` built it, and across restarts the best of them (a restart rebuilds the state, so
 * its count starts over). `warm` once that reached `needed`; an instrument never warm never got
 * an indicator value, so the strategy could not decide for it.
 */
export interface StrategyWarmUp {
  /** Inputs one instrument needs, for the params in force. */
  readonly needed: number;
  /** Instruments fed, sorted by exchange then symbol. */
  readonly instruments: readonly { readonly exchange: string; readonly symbol: string; readonly inputs: number; readonly warm: boolean }[];
}

/**
 * Replaces the strategy's params (a config reload): `params` as written (defaults apply), validated
 * by the strategy's schema. Replies `StrategyReconfigureResult`: `{ ok: true }` once the next
 * handler call sees them; `{ ok: false, detail }`, the old params kept, when the schema refuses them
 * or when one of the params `init` reads changed (see `StrategySpec.initParams`: those need a
 * restart). Indicator state, targets and counters are kept.
 */
export interface StrategyReconfigure {
  readonly type: 'strategy_reconfigure';
  readonly params: unknown;
}

/** The reply to `strategy_reconfigure`. */
export type StrategyReconfigureResult = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/** Asks for the params in force; the strategy replies them (validated, defaults filled in). */
export interface StrategyParamsRequest {
  readonly type: 'strategy_params';
}

/** The params request, ready to `ask`. */
export const STRATEGY_PARAMS: StrategyParamsRequest = Object.freeze({ type: 'strategy_params' });

/**
 * What a strategy actor receives: market records and book snapshots from the bus, execution's fills
 * and order updates, the inspection requests and the reconfigure message.
 */
export type StrategyMessage = MarketRecord | BookSnapshot | FillReport | OrderUpdate | StrategyStatsRequest | StrategyReconfigure | StrategyParamsRequest;

