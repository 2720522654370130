import { describe, expect, it } from 'vitest';
import { createGateway } from '../../../src/io/gateway/gateway.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { FakeCommands, GatewayTestClient, OPERATOR, VIEWER, eventually, startGateway } from './gateway-rig.js';

describe('gateway admission', () => {
  it('admits a viewer token given as ?token= and an operator token given as a Bearer header', async () => {
    const rig = await startGateway();
    const viewer = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    const operator = await GatewayTestClient.connect(rig.url, { headers: { Authorization: `Bearer ${OPERATOR}` } });
    expect(await viewer.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    expect(await operator.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    const stats = rig.gateway.stats();
    expect(stats.clients).toBe(2);
    expect(stats.perClient.map((c) => c.role).sort()).toEqual(['operator', 'viewer']);
    expect(stats.refused).toEqual({ auth: 0, origin: 0, capacity: 0, closing: 0 });
  });

  it('closes with 1008 when the token is missing or wrong, in the query or the header', async () => {
    const rig = await startGateway();
    const attempts = [
      await GatewayTestClient.connect(rig.url),
      await GatewayTestClient.connect(rig.urlWith('wrong')),
      await GatewayTestClient.connect(rig.urlWith(`${VIEWER}x`)),
      await GatewayTestClient.connect(rig.url, { headers: { Authorization: `Bearer ${VIEWER.slice(0, -1)}` } }),
      await GatewayTestClient.connect(rig.url, { headers: { Authorization: `Basic ${OPERATOR}` } }),
    ];
    for (const client of attempts) {
      expect(await client.closedWithin()).toEqual({ code: 1008, reason: 'missing or invalid token' });
      expect(client.frames).toEqual([]);
    }
    expect(rig.gateway.stats()).toMatchObject({ clients: 0, connectionsTotal: 0, refused: { auth: 5 } });
  });

  it('refuses a foreign Origin with 1008 and admits its own page and programs without Origin', async () => {
    const rig = await startGateway();
    const evil = await GatewayTestClient.connect(rig.urlWith(OPERATOR), { origin: 'https://evil.example' });
    expect(await evil.closedWithin()).toEqual({ code: 1008, reason: 'origin not allowed' });
    const nullOrigin = await GatewayTestClient.connect(rig.urlWith(OPERATOR), { origin: 'null' });
    expect((await nullOrigin.closedWithin()).code).toBe(1008);
    // A foreign origin is refused as such even without a token: it learns nothing about tokens.
    const evilNoToken = await GatewayTestClient.connect(rig.url, { origin: 'http://127.0.0.1:1' });
    expect(await evilNoToken.closedWithin()).toEqual({ code: 1008, reason: 'origin not allowed' });

    const own = await GatewayTestClient.connect(rig.urlWith(VIEWER), { origin: rig.origin });
    const ownByName = await GatewayTestClient.connect(rig.urlWith(VIEWER), { origin: `http://localhost:${rig.port}` });
    const program = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    for (const client of [own, ownByName, program]) expect(await client.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    expect(rig.gateway.stats()).toMatchObject({ clients: 3, refused: { origin: 3, auth: 0 } });
  });

  it('closes with 1009 a client that sends a frame over maxPayload, and serves one at the limit', async () => {
    const rig = await startGateway({ maxPayload: 1024 });
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    const atLimit = JSON.stringify({ op: 'ping', id: 'x'.repeat(64) }).padEnd(1024, ' ');
    expect(Buffer.byteLength(atLimit)).toBe(1024);
    client.send(atLimit);
    await client.waitForFrame((f) => f['op'] === 'pong');
    client.send(`{"op":"ping","id":"${'y'.repeat(2000)}"}`);
    expect((await client.closedWithin()).code).toBe(1009);
    await eventually(() => rig.gateway.stats().clients === 0, 2000, 'the client to be gone');
    expect(rig.gateway.stats()).toMatchObject({ oversize: 1, messagesIn: 1, valid: 1 });
  });

  it('refuses clients past maxClients with 1013 and admits again once one leaves', async () => {
    const rig = await startGateway({ maxClients: 2 });
    const first = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await GatewayTestClient.connect(rig.urlWith(VIEWER));
    const third = await GatewayTestClient.connect(rig.urlWith(OPERATOR));
    expect(await third.closedWithin()).toEqual({ code: 1013, reason: 'too many clients, try again later' });
    first.ws.close();
    await eventually(() => rig.gateway.stats().clients === 1, 2000, 'the first client to be gone');
    const fourth = await GatewayTestClient.connect(rig.urlWith(OPERATOR));
    expect(await fourth.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    expect(rig.gateway.stats()).toMatchObject({ clients: 2, connectionsTotal: 3, refused: { capacity: 1 } });
  });

  it('never shows a token in its stats', async () => {
    const rig = await startGateway();
    await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await GatewayTestClient.connect(rig.url, { headers: { Authorization: `Bearer ${OPERATOR}` } });
    const text = JSON.stringify(rig.gateway.stats());
    expect(text).not.toContain(VIEWER);
    expect(text).not.toContain(OPERATOR);
  });

  it('closes its clients with 1001 on close and answers later upgrades with 503', async () => {
    const rig = await startGateway();
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await rig.gateway.close();
    expect(await client.closedWithin()).toEqual({ code: 1001, reason: 'gateway shutting down' });
    await expect(GatewayTestClient.connect(rig.urlWith(VIEWER))).rejects.toThrow('HTTP 503');
    expect(rig.gateway.stats().refused.closing).toBe(1);
  });

  it('refuses to be created without any token', () => {
    let thrown: unknown;
    try {
      createGateway({ tokens: { viewer: '', operator: undefined }, commands: new FakeCommands() });
    } catch (error) {
      thrown = error;
    }
    expect(isTickflowError(thrown, 'CONFIG_INVALID')).toBe(true);
    expect(() => createGateway({ tokens: { viewer: VIEWER }, commands: new FakeCommands(), allowedOrigins: ['not an origin'] })).toThrow('gateway.allowedOrigins');
  });
});
