/**
 * What the metrics exporter reads about trading: plain data the composition root assembles from
 * the execution actor's stats (`ordersByStatus`, the portfolio) and the risk actor's (`denials`,
 * `state`). Those come by `ask`, which is asynchronous while a scrape reads synchronously, so the
 * daemon keeps the last answer (refreshed on a timer, or from the actors' published state) and the
 * port returns it: a scrape never waits on the trading actors, and never disturbs them.
 *
 * Money is exact inside the engine (integers at the quote precision); here it is a float in quote
 * currency units, rounded once at the conversion (`Number(formatUnits(...))`), because a metric is
 * for eyes and alerts, never for accounting. Keys are the engine's own names (`OrderStatus`,
 * `RiskReason`, `TradingState`, instrument keys `exchange:SYMBOL`) so a dashboard and `report.json`
 * read the same.
 */
import type { OrderStatus } from '../../model/order-transitions.js';

/** The trading side at one moment. */
export interface TradingMetricsView {
  /**
   * Orders in each status now. Give every status, zeros included, so a series stays at 0 rather
   * than vanishing when its last order moves on.
   */
  readonly ordersByState: Readonly<Partial<Record<OrderStatus, number>>>;
  /** Orders denied by the risk guard since start, by reason code (`RiskReason`). */
  readonly denialsByReason: Readonly<Record<string, number>>;
  /** The risk guard's trading state now (`ACTIVE`, `REDUCING`, `HALTED`). */
  readonly tradingState: string;
  /** Every trading state, so the others are exported as 0 (`TRADING_STATES`). */
  readonly tradingStates: readonly string[];
  /** Net position per instrument key, signed, in base units (0 once flat, or left out). */
  readonly positions: Readonly<Record<string, number>>;
  /** The quote currency the three amounts below are in (`USDT`). */
  readonly currency: string;
  readonly realizedPnl: number;
  readonly unrealizedPnl: number;
  readonly equity: number;
}
