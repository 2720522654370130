/**
 * The bus forwarder: one actor that hears what consumers may subscribe to (`md`, `signal`, `exec`,
 * `risk`) and hands each message, with its topic, to a port outside the system (the gateway).
 *
 * The bus delivers a message without its topic, so the topic is derived from the message by the
 * same functions its publishers use (`topicOf`, `signalTopic`, `orderTopic`, ...); a message of a
 * kind not listed is counted in `unrouted` and not forwarded.
 *
 * Its mailbox is `dropOldest`: consumers must never slow the engine (DESIGN.md, backpressure), so
 * when the port falls behind the oldest messages go first, counted on this actor like any other
 * drop. The port is called synchronously and must not throw; a throw fails this actor alone, which
 * is restarted by its supervisor.
 */
import { deniedTopic, fillTopic, orderTopic, type OrderUpdate } from '../../actors/execution/execution-messages.js';
import { orderOfChange, type Order } from '../model/order.js';
import { topicOf } from '../model/records.js';
import { signalTopic } from '../model/signal.js';
import { defineActor } from '../runtime/actor.js';

/** The topic prefixes forwarded. */
export const FORWARDED_PREFIXES: readonly string[] = ['md', 'signal', 'exec', 'risk'];

/** Where forwarded messages go. */
export interface ForwardPort {
  publish(topic: string, message: unknown): void;
  /** Told each message whose topic is unknown (also counted in `unrouted`). */
  unrouted?(message: unknown): void;
}

/** Config of the forwarder. */
export interface BusForwarderConfig {
  readonly port: ForwardPort;
}

interface ForwarderState {
  readonly port: ForwardPort;
  unrouted: number;
}

/** Replies `{ unrouted }`. */
export interface ForwarderStatsQuery {
  readonly type: 'forwarder_stats';
}

type Tagged = { readonly type: string } & Record<string, unknown>;

/** The topic a message was published on, or `undefined` for a kind this function does not know. */
export function topicOfMessage(message: Tagged): string | undefined {
  switch (message.type) {
    case 'trade':
    case 'book_ticker':
    case 'book_change':
    case 'depth_snapshot':
    case 'trade_bar':
      return topicOf(message as never);
    case 'book_snapshot':
      return `md.${message['exchange'] as string}.${message['symbol'] as string}.book`;
    case 'target':
      return signalTopic(message['exchange'] as string, message['symbol'] as string);
    case 'order_update': {
      const order = message['order'] as { exchange: string; symbol: string };
      return orderTopic(order.exchange, order.symbol);
    }
    case 'fill_report': {
      const fill = message['fill'] as { exchange: string; symbol: string };
      return fillTopic(fill.exchange, fill.symbol);
    }
    case 'order_denied': {
      const order = message['order'] as { exchange: string; symbol: string };
      return deniedTopic(order.exchange, order.symbol);
    }
    case 'risk_state':
      return 'risk.state';
    default:
      return undefined;
  }
}

/**
 * An order update as consumers get it: `{ type, version, order }` with the whole order after the
 * change (`orderOfChange`: its status times are those the change knows). On the bus a change
 * shares the order's terms and says only where the order stands; a consumer that joins late or
 * loses frames to `dropOldest` must still see whole orders.
 */
export function wireOrderUpdate(update: OrderUpdate): { readonly type: 'order_update'; readonly version: number; readonly order: Order } {
  return { type: 'order_update', version: update.version, order: orderOfChange(update) };
}

/**
 * A message as consumers get it: an order update as `wireOrderUpdate` makes it, a fill report
 * without the order change it carries for the engine's own actors (consumers get that change as
 * its `order_update`, just before), anything else as published.
 */
function wireMessage(message: Tagged): unknown {
  if (message.type === 'order_update') return wireOrderUpdate(message as unknown as OrderUpdate);
  if (message.type === 'fill_report') return { type: 'fill_report', fill: message['fill'], position: message['position'] };
  return message;
}

/** The forwarder actor. */
export const busForwarder = defineActor<BusForwarderConfig, ForwarderState, Tagged | ForwarderStatsQuery>({
  name: 'forwarder',
  init: (config) => ({ port: config.port, unrouted: 0 }),
  onStart: (state, ctx) => {
    for (const prefix of FORWARDED_PREFIXES) ctx.subscribe(prefix);
    return state;
  },
  receive: (state, message, ctx) => {
    if (message.type === 'forwarder_stats') {
      ctx.reply({ unrouted: state.unrouted });
      return state;
    }
    const topic = topicOfMessage(message as Tagged);
    if (topic === undefined) {
      state.unrouted++;
      state.port.unrouted?.(message);
    } else {
      state.port.publish(topic, wireMessage(message as Tagged));
    }
    return state;
  },
});
