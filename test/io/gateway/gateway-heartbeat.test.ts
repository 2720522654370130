import { describe, expect, it } from 'vitest';
import { GatewayTestClient, VIEWER, eventually, startGateway } from './gateway-rig.js';

describe('gateway heartbeat', () => {
  it('terminates a client that stops answering pings and keeps one that answers', async () => {
    const rig = await startGateway({ pingIntervalMs: 40 });
    const silent = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    const lively = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await silent.request({ op: 'ping' });
    silent.ws.pause(); // reads nothing, so answers no ping
    await eventually(() => rig.gateway.stats().heartbeatTimeouts === 1, 3000, 'the silent client to be terminated');
    expect(rig.gateway.stats().clients).toBe(1);
    await lively.until(() => lively.pings >= 3, 3000, 'three pings');
    expect(lively.closed).toBeNull();
    expect(await lively.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
    expect(rig.gateway.stats().heartbeatTimeouts).toBe(1);
  });

  it('counts a text frame that is not UTF-8 as a protocol error (closed 1007 by ws)', async () => {
    const rig = await startGateway();
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    client.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await client.closedWithin()).code).toBe(1007);
    await eventually(() => rig.gateway.stats().clients === 0, 2000, 'the client to be gone');
    expect(rig.gateway.stats()).toMatchObject({ protocolErrors: 1, messagesIn: 0 });
  });
});
