/**
 * Frames the gateway sends, as UTF-8 buffers. A topic message is encoded once, whatever the number
 * of clients: `ws` writes a Buffer to each socket without copying it, where a string would be
 * re-encoded per client.
 *
 * Numbers in `data`. Lots and ticks (orders' `quantity`, `limitPrice` and `filledQuantity`, fills'
 * `quantity` and `price`, a fill report's `position`) are JSON numbers: the engine holds them as
 * integers below 2^53, which every JSON reader (JavaScript's included) reads exactly. Money that
 * can grow without bound is a `bigint` in the engine and a decimal string on the wire (orders'
 * `fillNotional` and `avgFillPrice`, fills' `fee`), so a reader parsing JSON numbers to doubles
 * never rounds it. Earlier versions sent lots and ticks as decimal strings too; a reader that
 * takes either (`String(x)` gives the same digits) reads both.
 *
 * - `{"topic":"md.binance.BTCUSDT.trade","data":{...}}` a live message;
 * - `{"op":"snapshot","topic":"...","data":{...}}` the latest message of a topic, on subscribe;
 * - `{"op":"subscribed"|"unsubscribed","id":..,"topics":[...]}`, `{"op":"pong","id":..}`;
 * - `{"op":"result","id":..,"command":"approve","ok":true,"detail":"..."}` a command's outcome;
 * - `{"op":"error","id":..,"code":"UNKNOWN_OP","error":"..."}` (the id when the request had one).
 */
import type { GatewayErrorCode, RequestId } from './client-message.js';
import type { CommandOp } from './gateway-commands.js';

const SNAPSHOT_HEAD = Buffer.from('{"op":"snapshot",');

/**
 * `{"topic":..,"data":..}` for `message`, or undefined when it cannot be serialized (a cycle, a
 * bigint without `bigints`, a throwing `toJSON`). `bigints` encodes bigints (money) as decimal
 * strings through a replacer, which is called for every key: so callers try without it first and
 * remember per topic when it is needed (`TopicEntry`), and market data never pays for it. Numbers
 * (lots and ticks among them) are written as JSON numbers either way.
 */
export function encodeTopicFrame(topic: string, message: unknown, bigints: boolean): Buffer | undefined {
  let data: string | undefined;
  try {
    data = bigints ? JSON.stringify(message, bigintAsString) : JSON.stringify(message);
  } catch {
    return undefined;
  }
  return Buffer.from(`{"topic":${JSON.stringify(topic)},"data":${data ?? 'null'}}`, 'utf8');
}

/** The snapshot frame of a topic frame: the same topic and data behind `"op":"snapshot"`. */
export function snapshotFrame(topicFrame: Buffer): Buffer {
  return Buffer.concat([SNAPSHOT_HEAD, topicFrame.subarray(1)]);
}

/** `{"op":"error",...}`. */
export function errorFrame(code: GatewayErrorCode, error: string, id: RequestId | undefined): Buffer {
  return encode(id === undefined ? { op: 'error', code, error } : { op: 'error', id, code, error });
}

/** The acknowledgement of a subscribe or unsubscribe, sent after its snapshots. */
export function ackFrame(op: 'subscribed' | 'unsubscribed', id: RequestId | undefined, topics: readonly string[], snapshots: number): Buffer {
  return encode(op === 'subscribed' ? { op, id, topics, snapshots } : { op, id, topics });
}

/** The reply to an application-level `ping` (browsers cannot send WebSocket pings). */
export function pongFrame(id: RequestId | undefined): Buffer {
  return encode({ op: 'pong', id });
}

/** A command's outcome. */
export function resultFrame(id: RequestId | undefined, command: CommandOp, ok: boolean, detail: string): Buffer {
  return encode({ op: 'result', id, command, ok, detail });
}

function encode(frame: object): Buffer {
  return Buffer.from(JSON.stringify(frame), 'utf8');
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
