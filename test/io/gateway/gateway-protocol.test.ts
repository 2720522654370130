import { describe, expect, it } from 'vitest';
import { GatewayTestClient, VIEWER, startGateway, type Frame } from './gateway-rig.js';

const trade = (exchange: string, symbol: string, price: number) => ({ type: 'trade', exchange, symbol, price, amount: 1 });

/** Sends a ping and waits for its pong: everything the gateway sent before has then arrived. */
async function barrier(client: GatewayTestClient): Promise<void> {
  await client.request({ op: 'ping' });
}

describe('gateway protocol', () => {
  it('delivers topics matched by whole-segment prefixes and * segments, as the bus does', async () => {
    const rig = await startGateway();
    const prefix = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    const star = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    expect(await prefix.request({ op: 'subscribe', topics: ['md.binance.BTCUSDT', 'exec'] })).toMatchObject({ op: 'subscribed', topics: ['md.binance.BTCUSDT', 'exec'], snapshots: 0 });
    expect(await star.request({ op: 'subscribe', topics: ['md.*.*.trade'] })).toMatchObject({ op: 'subscribed' });

    rig.gateway.publish('md.binance.BTCUSDT.trade', trade('binance', 'BTCUSDT', 1));
    rig.gateway.publish('md.binance.BTCUSDT2.trade', trade('binance', 'BTCUSDT2', 2));
    rig.gateway.publish('md.binance.BTCUSDT.book_ticker', { type: 'book_ticker' });
    rig.gateway.publish('md.okx.ETHUSDT.trade', trade('okx', 'ETHUSDT', 3));
    rig.gateway.publish('md.binance.trade', { type: 'odd' });
    rig.gateway.publish('exec.order.binance.BTCUSDT', { type: 'order_update', quantity: 5, fillNotional: 500n });
    await barrier(prefix);
    await barrier(star);

    const topics = (c: GatewayTestClient) => c.frames.filter((f) => f['op'] === undefined).map((f) => f['topic']);
    expect(topics(prefix)).toEqual(['md.binance.BTCUSDT.trade', 'md.binance.BTCUSDT.book_ticker', 'exec.order.binance.BTCUSDT']);
    expect(topics(star)).toEqual(['md.binance.BTCUSDT.trade', 'md.binance.BTCUSDT2.trade', 'md.okx.ETHUSDT.trade']);
    expect(prefix.live('md.binance.BTCUSDT.trade')[0]).toEqual({ topic: 'md.binance.BTCUSDT.trade', data: trade('binance', 'BTCUSDT', 1) });
    // Orders carry lots and ticks as numbers, sent as JSON numbers, and money as bigints, sent as decimal strings.
    expect(prefix.live('exec.order.binance.BTCUSDT')[0]).toEqual({ topic: 'exec.order.binance.BTCUSDT', data: { type: 'order_update', quantity: 5, fillNotional: '500' } });
  });

  it('stops delivering a pattern after unsubscribe and keeps the others', async () => {
    const rig = await startGateway();
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await client.request({ op: 'subscribe', topics: ['md', 'exec'] });
    expect(await client.request({ op: 'unsubscribe', topics: ['md', 'never.subscribed'] })).toMatchObject({ op: 'unsubscribed', topics: ['md', 'never.subscribed'] });
    rig.gateway.publish('md.binance.BTCUSDT.trade', trade('binance', 'BTCUSDT', 1));
    rig.gateway.publish('exec.fill.binance.BTCUSDT', { type: 'fill_report' });
    await barrier(client);
    expect(client.live('md.binance.BTCUSDT.trade')).toEqual([]);
    expect(client.live('exec.fill.binance.BTCUSDT')).toHaveLength(1);
    expect(rig.gateway.stats().perClient[0]!.subscriptions).toBe(1);
  });

  it('sends the latest message of each matching topic on subscribe, before the acknowledgement', async () => {
    const rig = await startGateway();
    rig.gateway.publish('md.binance.BTCUSDT.trade', trade('binance', 'BTCUSDT', 1));
    rig.gateway.publish('md.binance.BTCUSDT.trade', trade('binance', 'BTCUSDT', 2));
    rig.gateway.publish('md.binance.ETHUSDT.trade', trade('binance', 'ETHUSDT', 3));
    rig.gateway.publish('exec.order.binance.BTCUSDT', { type: 'order_update', quantity: 7, fillNotional: 700n });
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    const ack = await client.request({ op: 'subscribe', topics: ['md.*.BTCUSDT', 'exec', 'md.binance.BTCUSDT.trade'] });
    expect(ack).toMatchObject({ op: 'subscribed', snapshots: 2 });
    expect(client.frames.slice(0, 2)).toEqual([
      { op: 'snapshot', topic: 'md.binance.BTCUSDT.trade', data: trade('binance', 'BTCUSDT', 2) },
      { op: 'snapshot', topic: 'exec.order.binance.BTCUSDT', data: { type: 'order_update', quantity: 7, fillNotional: '700' } },
    ]);
    // Live messages follow the snapshot.
    rig.gateway.publish('md.binance.BTCUSDT.trade', trade('binance', 'BTCUSDT', 4));
    expect(await client.waitForFrame((f) => f['op'] === undefined)).toEqual({ topic: 'md.binance.BTCUSDT.trade', data: trade('binance', 'BTCUSDT', 4) });
  });

  it('answers malformed JSON, unknown ops and invalid fields with error frames and stays open', async () => {
    const rig = await startGateway();
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    client.send('{"op":"subscribe",');
    expect(await client.waitForFrame((f) => f['op'] === 'error')).toMatchObject({ code: 'MALFORMED_JSON' });
    const cases: [Frame, string, string][] = [
      [{ op: 'dance' }, 'UNKNOWN_OP', 'unknown op "dance"'],
      [{ op: 'subscribe', topics: 'md' }, 'INVALID_MESSAGE', 'subscribe.topics:'],
      [{ op: 'subscribe', topics: [] }, 'INVALID_MESSAGE', 'subscribe.topics:'],
      [{ op: 'subscribe', topics: ['md.bin*'] }, 'INVALID_MESSAGE', "'*' must stand alone"],
      [{ op: 'subscribe', topics: ['md'], extra: 1 }, 'INVALID_MESSAGE', 'extra'],
      [{ op: 'setTradingState', state: 'PAUSED' }, 'INVALID_MESSAGE', 'setTradingState.state:'],
      [{ op: 42 }, 'INVALID_MESSAGE', 'op: expected a string'],
    ];
    for (const [message, code, text] of cases) {
      const reply = await client.request(message);
      expect(reply).toMatchObject({ op: 'error', code });
      expect(reply['error']).toContain(text);
    }
    client.send('[1,2]');
    client.send('null');
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await client.until(() => client.frames.filter((f) => f['op'] === 'error').length === cases.length + 4, 2000, 'three more errors');
    expect(client.frames.at(-1)).toMatchObject({ op: 'error', code: 'BINARY_FRAME' });
    expect(await client.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    const stats = rig.gateway.stats();
    expect(stats).toMatchObject({ messagesIn: 12, valid: 1, unknownOps: 1, malformed: 10 });
    expect(stats.perClient[0]).toMatchObject({ messagesIn: 12, valid: 1, unknownOps: 1, malformed: 10 });
  });

  it('caps the patterns a client holds', async () => {
    const rig = await startGateway({ maxSubscriptionsPerClient: 2 });
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await client.request({ op: 'subscribe', topics: ['md', 'exec'] });
    expect(await client.request({ op: 'subscribe', topics: ['md', 'exec'] })).toMatchObject({ op: 'subscribed' });
    expect(await client.request({ op: 'subscribe', topics: ['risk'] })).toMatchObject({ op: 'error', code: 'TOO_MANY_SUBSCRIPTIONS' });
  });

  it('keeps at most maxTopics latest values, evicting the oldest topic', async () => {
    const rig = await startGateway({ maxTopics: 3 });
    for (let i = 0; i < 5; i++) rig.gateway.publish(`md.x.S${i}.trade`, { i });
    rig.gateway.publish('md.x.S2.trade', { i: 22 });
    expect(rig.gateway.stats()).toMatchObject({ topics: 3, topicsEvicted: 2, published: 6 });
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await client.request({ op: 'subscribe', topics: ['md'] });
    expect(client.frames.filter((f) => f['op'] === 'snapshot').map((f) => f['data'])).toEqual([{ i: 22 }, { i: 3 }, { i: 4 }]);
  });

  it('counts a message that cannot be serialized and serves the rest', async () => {
    const rig = await startGateway();
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await client.request({ op: 'subscribe', topics: ['signal'] });
    const cyclic: Record<string, unknown> = { type: 'target' };
    cyclic['self'] = cyclic;
    expect(() => rig.gateway.publish('signal.binance.BTCUSDT', cyclic)).not.toThrow();
    rig.gateway.publish('signal.binance.ETHUSDT', { type: 'target', qty: 1 });
    await barrier(client);
    expect(client.frames.filter((f) => f['op'] === undefined).map((f) => f['topic'])).toEqual(['signal.binance.ETHUSDT']);
    expect(rig.gateway.stats()).toMatchObject({ unserializable: 1, publishErrors: 0 });
  });
});
