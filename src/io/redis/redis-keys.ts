/**
 * The Redis key and channel layout of the projection (`redis-sink.ts`), in one place so readers in
 * other processes (dashboards, the gateway of another daemon, scripts) and the writer agree on it.
 * Every name starts with the prefix (default `tickflow:`), so one server can hold several daemons
 * or test runs apart, and a prefix can be wiped with one `SCAN MATCH <prefix>*`.
 *
 * Keys (latest state; all hashes unless said otherwise):
 * - `cursor` (string): `seq` of the last journal entry applied, moved in the same transaction as
 *   the state below;
 * - `last:<exchange>:<symbol>`: the last trade (price, amount, side, tradeId, ts, tsRecv, seq);
 * - `bar:<exchange>:<symbol>:<interval>`: the last bar of that interval;
 * - `position:<exchange>:<symbol>`: the position after the last fill, exact decimals;
 * - `balance`: cash after the last fill, exact decimal;
 * - `orders:open`: clientOrderId → order JSON, for orders not in a terminal status;
 * - `trading_state`: the last trading-state change;
 * - `health`: actor path → health JSON; `health:ts` (string, expiring): when it was written.
 *
 * Channels (pub/sub, best effort): `signal.<exchange>.<symbol>` (the bus topic of a target, see
 * `signalTopic`), `exec.order.<exchange>.<symbol>`, `exec.fill.<exchange>.<symbol>`.
 *
 * Exchange names never hold a colon (`instrument-key.ts`), so `last:binance:BTCUSDT` splits
 * unambiguously; a bar interval may (`1m:mid`), which is why it comes last.
 */
import { signalTopic } from '../../model/signal.js';

/** The default key prefix. */
export const DEFAULT_REDIS_PREFIX = 'tickflow:';

/** Names of the projection's keys and channels under one prefix. */
export interface RedisKeys {
  readonly prefix: string;
  readonly cursor: string;
  readonly balance: string;
  readonly ordersOpen: string;
  readonly tradingState: string;
  readonly health: string;
  readonly healthTs: string;
  last(exchange: string, symbol: string): string;
  bar(exchange: string, symbol: string, interval: string): string;
  position(exchange: string, symbol: string): string;
  signalChannel(exchange: string, symbol: string): string;
  orderChannel(exchange: string, symbol: string): string;
  fillChannel(exchange: string, symbol: string): string;
}

/** The layout under `prefix` (see the module comment). */
export function redisKeys(prefix: string = DEFAULT_REDIS_PREFIX): RedisKeys {
  return {
    prefix,
    cursor: `${prefix}cursor`,
    balance: `${prefix}balance`,
    ordersOpen: `${prefix}orders:open`,
    tradingState: `${prefix}trading_state`,
    health: `${prefix}health`,
    healthTs: `${prefix}health:ts`,
    last: (exchange, symbol) => `${prefix}last:${exchange}:${symbol}`,
    bar: (exchange, symbol, interval) => `${prefix}bar:${exchange}:${symbol}:${interval}`,
    position: (exchange, symbol) => `${prefix}position:${exchange}:${symbol}`,
    signalChannel: (exchange, symbol) => `${prefix}${signalTopic(exchange, symbol)}`,
    orderChannel: (exchange, symbol) => `${prefix}exec.order.${exchange}.${symbol}`,
    fillChannel: (exchange, symbol) => `${prefix}exec.fill.${exchange}.${symbol}`,
  };
}
