/**
 * `tickflow start` in process, with the process's signals and exit as test ports: the daemon on
 * the default config paper-trades the simulated market served over a real local WebSocket by an
 * in-process feed server; the printed dashboard URL answers, `/readyz` turns 200, a gateway client
 * gets the simulated symbol's trades; SIGINT stops the daemon, then the feed server, prints the
 * summary and exits 0. A taken port says so and suggests `--port 0`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { main } from '../../../src/app/cli.js';
import { runStart } from '../../../src/app/start-command.js';
import { waitUntil } from '../feed-server/feed-test-client.js';
import { get, testPorts } from './daemon-test-ports.js';

// The journal goes to a folder of this test's own, not the checkout's ./data.
const journalHome = mkdtempSync(join(tmpdir(), 'tickflow-start-'));
vi.stubEnv('TICKFLOW_PERSISTENCE__DIR', journalHome);
afterAll(() => rmSync(journalHome, { recursive: true, force: true }));

describe('tickflow start', () => {
  it('paper-trades the simulated market over a local socket, serves the dashboard, and stops on SIGINT with a summary', async () => {
    const t = testPorts();
    const running = runStart(['--port', '0', '--speed', '20'], t.ports);
    await waitUntil(() => t.out.some((l) => l.startsWith('dashboard: ')), 10_000, 'the dashboard line');
    const text = t.out.join('\n');
    expect(text).toMatch(/^tickflow start: paper trading ema-cross on the built-in simulated market \(SIMUSDT, seed 42, 200,000 records at speed 20\), served over ws:\/\/127\.0\.0\.1:\d+ by an in-process serve-feed/);
    expect(text).toContain(`journal: ${join(journalHome, 'journal')}: orders, fills and the trading state survive`);
    expect(text).toContain('tickflow backtest --simulated');
    const feedUrl = /served over (ws:\/\/[^ ]+)/.exec(text)![1]!;
    const base = /tickflow start: serving (http:\/\/[^ ]+)/.exec(text)![1]!;
    expect(base).not.toBe('http://127.0.0.1:8080');
    const dashboard = /^dashboard: (\S+)$/m.exec(text)![1]!;
    const token = new URL(dashboard).searchParams.get('token')!;
    expect(token.length).toBeGreaterThanOrEqual(16);

    expect((await get(dashboard)).status).toBe(200);
    await waitFor(async () => (await get(`${base}/readyz`)).status === 200, 'ready');

    const client = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${token}`);
    const frames: { topic?: string }[] = [];
    client.on('message', (data) => frames.push(JSON.parse(String(data)) as { topic?: string }));
    await new Promise((resolve) => client.once('open', resolve));
    client.send(JSON.stringify({ op: 'subscribe', topics: ['md.binance.SIMUSDT.trade'] }));
    await waitUntil(() => frames.filter((f) => f.topic === 'md.binance.SIMUSDT.trade').length >= 3, 10_000, 'three simulated trades');

    const closed = new Promise<number>((resolve) => client.once('close', (code) => resolve(code)));
    t.handlers.get('SIGINT')!();
    expect(await running).toBe(0);
    expect(await closed).toBe(1001);
    expect(t.exits).toEqual([]);
    expect(t.err).toEqual([]);
    expect(t.out.join('\n')).toMatch(/tickflow start: stopped \(SIGINT\)\nrecords: [\d,]+ offered.*\ngateway: .*\njournal: [\d,]+ entries in .*\nsimulated market: [\d,]+ frames sent over 1 connections/);
    expect(t.handlers.size).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    // The feed server is closed too: its REST port answers no more.
    await expect(fetch(`${feedUrl.replace('ws', 'http')}/api/v3/depth?symbol=SIMUSDT`)).rejects.toThrow();
  }, 30_000);

  it('says a taken port is taken and suggests --port 0, exiting 70', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const err: string[] = [];
      expect(await main(['start', '--port', String(port)], () => undefined, (l) => err.push(l))).toBe(70);
      expect(err.join('\n')).toMatch(new RegExp(`^tickflow start: port ${port} is not free .*127\\.0\\.0\\.1:${port}.*--port 0`));
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('points a former `start --out` at the simulated backtest, and refuses a bad port or speed', async () => {
    const err: string[] = [];
    const quiet = () => undefined;
    expect(await main(['start', '--out', 'x'], quiet, (l) => err.push(l))).toBe(64);
    expect(err.pop()).toContain('tickflow backtest --simulated --out <dir>');
    expect(await main(['start', '--port', '70000'], quiet, (l) => err.push(l))).toBe(64);
    expect(err.pop()).toContain('--port must be a port number');
    expect(await main(['start', '--speed', 'fast'], quiet, (l) => err.push(l))).toBe(64);
    expect(err.pop()).toContain('--speed must be a positive factor');
  });
});

/** Polls an async condition every 50 ms until it holds, failing after 10 s with `what`. */
async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
