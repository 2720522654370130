/**
 * 100,000 fuzzed messages over one operator socket, from a seeded generator: garbage text, random
 * JSON, known ops with mutated fields, unknown ops (prototype names included), valid requests and
 * commands, binary frames. The gateway must stay up, answer every message with exactly one final
 * frame, and count every one: `messagesIn = valid + malformed + unknownOps`.
 */
import { describe, expect, it } from 'vitest';
import { GatewayTestClient, OPERATOR, startGateway } from './gateway-rig.js';

const MESSAGES = 100_000;
const WINDOW = 1000;

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPS = ['subscribe', 'unsubscribe', 'ping', 'approve', 'reject', 'setTradingState', 'killSwitch', 'SUBSCRIBE', 'dance', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const PATTERNS = ['md', 'md.binance', 'md.*.BTCUSDT', 'md.*.*.trade', 'exec', 'risk.state', '*', '', 'signal.binance.BTCUSDT', 'md.bin*', '**', 'md..trade'];
const STATES = ['ACTIVE', 'REDUCING', 'HALTED', 'PAUSED', 'active', 1];
const CHARS = '{}[]":,.\\ abcxyz0123456789-+eE\u0000\u00e9\u20ac\ud83d\ude00\ud800tfnul';

function fuzzer(seed: number) {
  const random = generator(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const text = (max: number) => Array.from({ length: int(max) }, () => pick(CHARS.split(''))).join('');
  const value = (depth: number): unknown => {
    switch (int(depth > 3 ? 6 : 9)) {
      case 0: return null;
      case 1: return random() < 0.5;
      case 2: return pick([0, -1, 1e308, -0, 3.5, 2 ** 53, 42]);
      case 3: return text(20);
      case 4: return pick(OPS);
      case 5: return pick(PATTERNS);
      case 6: return Array.from({ length: int(4) }, () => value(depth + 1));
      case 7: return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['op', 'id', 'topics', 'state', 'reason', 'clientOrderId', 'x', '__proto__']), value(depth + 1)]));
      default: return pick(PATTERNS);
    }
  };
  const valid = (): Record<string, unknown> => {
    switch (int(7)) {
      case 0: return { op: 'subscribe', topics: Array.from({ length: 1 + int(3) }, () => pick(PATTERNS.slice(0, 9))) };
      case 1: return { op: 'unsubscribe', topics: [pick(PATTERNS.slice(0, 9))] };
      case 2: return { op: 'ping' };
      case 3: return { op: 'approve', clientOrderId: `o-${int(100)}` };
      case 4: return { op: 'reject', clientOrderId: `o-${int(100)}`, reason: text(10) };
      case 5: return { op: 'setTradingState', state: pick(STATES.slice(0, 3)), reason: 'fuzz' };
      default: return { op: 'killSwitch' };
    }
  };
  /** One message: text to send, or a Buffer to send as a binary frame. */
  return (): string | Buffer => {
    const id = random() < 0.7 ? int(1e6) : random() < 0.5 ? text(8) : value(3);
    switch (int(10)) {
      case 0: return text(120); // garbage
      case 1: return JSON.stringify(value(0)) ?? 'undefined'; // random JSON
      case 2: return JSON.stringify({ ...valid(), id }).slice(0, 1 + int(40)); // truncated
      case 3: { // a valid message with one field mutated or added
        const message: Record<string, unknown> = { ...valid(), id };
        message[pick(['op', 'topics', 'state', 'clientOrderId', 'reason', 'id', 'extra'])] = value(1);
        return JSON.stringify(message);
      }
      case 4: return JSON.stringify({ op: pick(OPS), id, topics: value(1) });
      case 5: return Buffer.from(Array.from({ length: int(64) }, () => int(256)));
      case 6: return `{"op":"subscribe","topics":${'['.repeat(500)}${']'.repeat(500)}}`;
      default: return JSON.stringify({ ...valid(), id: int(1e6) });
    }
  };
}

describe('gateway fuzz', () => {
  it('answers and counts 100,000 fuzzed messages without crashing', async () => {
    const rig = await startGateway();
    for (let i = 0; i < 4; i++) rig.gateway.publish(`md.binance.S${i}.trade`, { type: 'trade', price: i });
    rig.gateway.publish('exec.order.binance.S0', { type: 'order_update', quantity: 1, fillNotional: 1n });
    const client = await GatewayTestClient.connect(rig.urlWith(OPERATOR));
    const next = fuzzer(20_240_601);
    let sent = 0;
    const start = performance.now();
    while (sent < MESSAGES) {
      while (sent < MESSAGES && sent - client.finals < WINDOW) {
        const message = next();
        if (typeof message === 'string') client.ws.send(message);
        else client.ws.send(message, { binary: true });
        sent++;
      }
      await client.until(() => client.finals >= sent - WINDOW / 2 || client.closed !== null, 10_000, 'replies to catch up');
      expect(client.closed).toBeNull();
    }
    await client.until(() => client.finals === MESSAGES, 10_000, 'every reply');
    const elapsedMs = performance.now() - start;

    const stats = rig.gateway.stats();
    expect(stats.messagesIn).toBe(MESSAGES);
    expect(stats.valid + stats.malformed + stats.unknownOps).toBe(MESSAGES);
    expect(stats.valid).toBeGreaterThan(0);
    expect(stats.malformed).toBeGreaterThan(0);
    expect(stats.unknownOps).toBeGreaterThan(0);
    expect(stats.perClient[0]).toMatchObject({ messagesIn: MESSAGES });
    expect(stats.commands.ok + stats.commands.refused).toBe(rig.audit.length);
    expect(rig.audit.length).toBe(rig.commands.calls.length + stats.commands.refused);
    expect(stats.oversize + stats.protocolErrors + stats.disconnectedSlow).toBe(0);
    // Still serving.
    expect(await client.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    console.log(`fuzz figures ${JSON.stringify({ messages: MESSAGES, elapsedMs: Math.round(elapsedMs), valid: stats.valid, malformed: stats.malformed, unknownOps: stats.unknownOps, commands: stats.commands, framesOut: stats.framesOut })}`);
  });
});
