import { describe, expect, it } from 'vitest';
import type { Logger } from '../../../src/runtime/logger.js';
import { GatewayTestClient, OPERATOR, VIEWER, startGateway } from './gateway-rig.js';

/** A clock that moves 10 µs per read, so `at < doneAt` shows the order of the two reads. */
function steppingClock(start: number): { now(): number } {
  let t = start;
  return { now: () => (t += 10) };
}

describe('gateway commands', () => {
  it('refuses commands from a viewer token, audits the refusal and calls nothing', async () => {
    const rig = await startGateway();
    const viewer = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    const reply = await viewer.request({ op: 'killSwitch', reason: 'panic' });
    expect(reply).toMatchObject({ op: 'error', code: 'FORBIDDEN' });
    expect(rig.commands.calls).toEqual([]);
    expect(rig.audit).toHaveLength(1);
    expect(rig.audit[0]).toMatchObject({ role: 'viewer', op: 'killSwitch', args: { reason: 'panic' }, outcome: 'refused', client: 1 });
    expect(rig.gateway.stats().commands).toEqual({ ok: 0, failed: 0, refused: 1, error: 0 });
    expect(await viewer.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
  });

  it('runs each operator command through the port, replies with its result and audits it', async () => {
    const rig = await startGateway({ clock: steppingClock(1_700_000_000_000_000) });
    const operator = await GatewayTestClient.connect(rig.urlWith(OPERATOR));
    expect(await operator.request({ op: 'approve', clientOrderId: 'o-1' })).toMatchObject({ op: 'result', command: 'approve', ok: true, detail: 'approve done' });
    expect(await operator.request({ op: 'reject', clientOrderId: 'o-2', reason: 'too big' })).toMatchObject({ op: 'result', command: 'reject', ok: true });
    expect(await operator.request({ op: 'setTradingState', state: 'REDUCING' })).toMatchObject({ op: 'result', command: 'setTradingState', ok: true });
    expect(await operator.request({ op: 'killSwitch' })).toMatchObject({ op: 'result', command: 'killSwitch', ok: true });
    expect(rig.commands.calls).toEqual([
      { op: 'approve', args: ['o-1'] },
      { op: 'reject', args: ['o-2', 'too big'] },
      { op: 'setTradingState', args: ['REDUCING', 'set by the operator'] },
      { op: 'killSwitch', args: ['kill switch tripped by the operator'] },
    ]);
    expect(rig.audit.map((a) => [a.op, a.role, a.outcome, a.args])).toEqual([
      ['approve', 'operator', 'ok', { clientOrderId: 'o-1' }],
      ['reject', 'operator', 'ok', { clientOrderId: 'o-2', reason: 'too big' }],
      ['setTradingState', 'operator', 'ok', { state: 'REDUCING' }],
      ['killSwitch', 'operator', 'ok', {}],
    ]);
    for (const entry of rig.audit) {
      expect(entry.doneAt).toBeGreaterThan(entry.at);
      expect(entry.remote).toMatch(/^127\.0\.0\.1:\d+$/);
    }
    expect(JSON.stringify(rig.audit)).not.toContain(OPERATOR);
  });

  it('relays a refusal by the engine as ok: false and a failing port as an error, and stays open', async () => {
    const rig = await startGateway();
    const operator = await GatewayTestClient.connect(rig.urlWith(OPERATOR));
    rig.commands.answer = () => Promise.resolve({ ok: false, detail: 'no order o-9 waiting for approval' });
    expect(await operator.request({ op: 'approve', clientOrderId: 'o-9' })).toMatchObject({ op: 'result', ok: false, detail: 'no order o-9 waiting for approval' });
    rig.commands.answer = () => Promise.reject(new Error('ask timed out'));
    expect(await operator.request({ op: 'setTradingState', state: 'HALTED' })).toMatchObject({ op: 'result', ok: false, detail: 'command failed: ask timed out' });
    rig.commands.answer = () => {
      throw new Error('not wired');
    };
    expect(await operator.request({ op: 'killSwitch' })).toMatchObject({ op: 'result', ok: false, detail: 'command failed: not wired' });
    expect(rig.audit.map((a) => a.outcome)).toEqual(['failed', 'error', 'error']);
    expect(rig.gateway.stats().commands).toEqual({ ok: 0, failed: 1, refused: 0, error: 2 });
    expect(await operator.request({ op: 'ping' })).toMatchObject({ op: 'pong' });
  });

  it('refuses a command past maxCommandsInFlight as busy', async () => {
    const rig = await startGateway({ maxCommandsInFlight: 2 });
    const operator = await GatewayTestClient.connect(rig.urlWith(OPERATOR));
    const waiting: ((ok: boolean) => void)[] = [];
    rig.commands.answer = () => new Promise((resolve) => waiting.push((ok) => resolve({ ok, detail: 'late' })));
    operator.send({ op: 'approve', clientOrderId: 'a', id: 'a' });
    operator.send({ op: 'approve', clientOrderId: 'b', id: 'b' });
    expect(await operator.request({ op: 'approve', clientOrderId: 'c' })).toMatchObject({ op: 'error', code: 'BUSY' });
    for (const release of waiting.splice(0)) release(true);
    await operator.waitForFrame((f) => f['id'] === 'b' && f['op'] === 'result');
    // Room again: the next one goes through.
    rig.commands.answer = () => Promise.resolve({ ok: true, detail: 'now' });
    expect(await operator.request({ op: 'approve', clientOrderId: 'd' })).toMatchObject({ op: 'result', ok: true });
    expect(rig.audit.map((a) => `${a.args['clientOrderId']}:${a.outcome}`)).toEqual(['c:refused', 'a:ok', 'b:ok', 'd:ok']);
  });

  it('audits through the logger when no audit sink is given, and survives a failing sink', async () => {
    const lines: { fields: object; message: string | undefined }[] = [];
    const logger: Logger = { debug: () => undefined, info: (fields, message) => lines.push({ fields, message }), warn: () => undefined, error: (fields, message) => lines.push({ fields, message }) };
    const rig = await startGateway({ audit: undefined, logger });
    const operator = await GatewayTestClient.connect(rig.urlWith(OPERATOR));
    await operator.request({ op: 'killSwitch', reason: 'test' });
    expect(lines.find((l) => l.message === 'gateway command killSwitch: ok')?.fields).toMatchObject({ audit: { op: 'killSwitch', outcome: 'ok', role: 'operator' } });

    const failing = await startGateway({ audit: () => { throw new Error('disk full'); }, logger });
    const second = await GatewayTestClient.connect(failing.urlWith(OPERATOR));
    expect(await second.request({ op: 'approve', clientOrderId: 'x' })).toMatchObject({ op: 'result', ok: true });
    expect(lines.some((l) => l.message === 'gateway audit sink failed')).toBe(true);
  });
});
