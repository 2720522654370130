/**
 * `tickflow run` in process, with the process's signals and exit as test ports: a daemon on a
 * local `serve-feed` serves `/healthz`, `/readyz` (ready once the feed is connected and the book
 * valid), `/metrics` (Prometheus text with the default and engine metrics), and the gateway at
 * `/ws` (a viewer subscribes to trades; an operator halts trading and the metrics show it);
 * SIGTERM stops it in order and it exits 0; SIGHUP does not kill it. Bad configs exit 78 listing
 * every bad path.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { main } from '../../../src/app/cli.js';
import { runDaemonCommand } from '../../../src/app/run-command.js';
import { createFeedServer } from '../../../src/io/feed-server/feed-server.js';
import { dataPath } from '../../support/data.js';
import { readCapture, waitUntil, writeCapture } from '../feed-server/feed-test-client.js';
import { get, testPorts } from './daemon-test-ports.js';

const capture = dataPath('binance-spot/btcusdt_20240808.gz');
const dir = mkdtempSync(join(tmpdir(), 'tickflow-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The example config's tokens.
const VIEWER = 'viewer-token-change-me';
const OPERATOR = 'operator-token-change-me';

function config(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe.skipIf(capture === undefined)('tickflow run', () => {
  it('serves health, readiness, metrics and the gateway on one port, and stops on SIGTERM with exit 0', async () => {
    const cut = writeCapture(dir, 'btcusdt_cut.gz', readCapture(capture!).slice(0, 8_000));
    const server = await createFeedServer({ data: [cut], port: 0, speed: 10, paused: true });
    try {
      // The README's example config, as shipped, pointed at this test's server and a free port.
      const example = readFileSync(new URL('../../../config/daemon.example.yaml', import.meta.url), 'utf8');
      const file = config(
        'run.yaml',
        example
          .replaceAll('ws://127.0.0.1:9443', server.url)
          .replaceAll('http://127.0.0.1:9443', server.restUrl)
          .replace('port: 8080', 'port: 0')
          .replace('deadline: 10s', 'deadline: 5s')
          .replace('dir: ./data', `dir: ${JSON.stringify(join(dir, 'data'))}`),
      );
      const t = testPorts();
      const running = runDaemonCommand(['--config', file], t.ports);
      await waitUntil(() => t.out.some((l) => l.startsWith('tickflow run: serving ')), 5_000, 'the serving line');
      const base = /serving (http:\/\/[^ ]+)/.exec(t.out[0]!)![1]!;
      expect(await get(`${base}/healthz`)).toMatchObject({ status: 200 });
      expect((await get(`${base}/readyz`)).status).toBe(503); // the replay has not started: no book yet
      server.resume();
      await waitFor(async () => (await get(`${base}/readyz`)).status === 200, 'ready');

      // A viewer subscribes to trades and gets them with their topic.
      const viewer = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${VIEWER}`);
      const frames: { topic?: string; op?: string }[] = [];
      viewer.on('message', (data) => frames.push(JSON.parse(String(data)) as { topic?: string }));
      await new Promise((resolve) => viewer.once('open', resolve));
      viewer.send(JSON.stringify({ op: 'subscribe', topics: ['md.binance.BTCUSDT.trade'] }));
      await waitUntil(() => frames.filter((f) => f.topic === 'md.binance.BTCUSDT.trade').length >= 5, 5_000, 'five trades');
      // Commands need the operator token.
      viewer.send(JSON.stringify({ op: 'killSwitch', id: 1 }));
      await waitUntil(() => frames.some((f) => f.op === 'error'), 5_000, 'the refusal');

      const operator = new WebSocket(`${base.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${OPERATOR}` } });
      const results: { op?: string; ok?: boolean; detail?: string }[] = [];
      operator.on('message', (data) => results.push(JSON.parse(String(data)) as { op?: string }));
      await new Promise((resolve) => operator.once('open', resolve));
      operator.send(JSON.stringify({ op: 'setTradingState', id: 7, state: 'HALTED', reason: 'test' }));
      await waitUntil(() => results.some((r) => r.op === 'result'), 5_000, 'the command result');
      expect(results.find((r) => r.op === 'result')).toMatchObject({ ok: true, detail: 'trading state HALTED' });
      await waitFor(async () => /tickflow_trading_state\{state="HALTED"\} 1/.test((await get(`${base}/metrics`)).text), 'the halted state in the metrics');
      const metrics = (await get(`${base}/metrics`)).text;
      expect(metrics).toMatch(/tickflow_nodejs_eventloop_lag_seconds \d/);
      expect(metrics).toMatch(/tickflow_feed_messages_total\{feed="binance-spot"\} [1-9]/);
      expect(metrics).toMatch(/tickflow_actor_processed_total\{actor="pipeline\/market\/bars"\} [1-9]/);

      // SIGHUP is not a stop; SIGTERM is.
      t.handlers.get('SIGHUP')!();
      expect((await get(`${base}/healthz`)).status).toBe(200);
      const closed = new Promise<number>((resolve) => viewer.once('close', (code) => resolve(code)));
      t.handlers.get('SIGTERM')!();
      expect(await running).toBe(0);
      expect(await closed).toBe(1001);
      expect(t.exits).toEqual([]);
      expect(t.err).toEqual([]);
      expect(t.out.join('\n')).toMatch(/stopped \(SIGTERM\)\nrecords: [\d,]+ offered/);
      expect(t.handlers.size).toBe(0);
      await expect(fetch(`${base}/healthz`)).rejects.toThrow();
      operator.terminate();
    } finally {
      await server.close();
    }
  }, 30_000);
});

describe('tickflow run: configuration', () => {
  it('exits 78 listing every bad path of the file', async () => {
    const file = config('bad.yaml', 'feeds:\n  - { url: "http://nope", symbols: [] }\nhttp: { port: 70000 }\ngateway: { maxClients: 0 }\n');
    const err: string[] = [];
    expect(await main(['run', '--config', file], () => undefined, (l) => err.push(l))).toBe(78);
    const text = err.join('\n');
    for (const path of ['feeds.0.url', 'feeds.0.symbols', 'http.port', 'gateway.maxClients']) expect(text).toContain(path);
  });

  it('refuses to serve beyond loopback without tokens, and to run without a feed', async () => {
    const err: string[] = [];
    const file = config('open.yaml', 'feeds:\n  - { url: "ws://127.0.0.1:1", symbols: [BTCUSDT] }\nhttp: { host: 0.0.0.0, port: 0 }\n');
    expect(await main(['run', '--config', file], () => undefined, (l) => err.push(l))).toBe(78);
    expect(err.join('\n')).toContain('gateway.tokens: binding http.host 0.0.0.0 beyond loopback needs a viewer or operator token');
    const none = config('none.yaml', 'http: { port: 0 }\n');
    expect(await main(['run', '--config', none], () => undefined, (l) => err.push(l))).toBe(78);
    expect(err.join('\n')).toContain('feeds: at least one feed is needed');
    expect(await main(['run'], () => undefined, (l) => err.push(l))).toBe(64);
  });
});

describe('tickflow run: a journal it cannot trust or cannot own', () => {
  const feedless = (home: string) => config(`journal-${home}.yaml`, `feeds:\n  - { url: "ws://127.0.0.1:1", symbols: [BTCUSDT], connectTimeout: 1s }\ninstruments: [{ exchange: binance, symbol: BTCUSDT, priceIncrement: "0.01", sizeIncrement: "0.00001" }]\nhttp: { port: 0 }\nlog: { level: silent }\npersistence: { dir: ${JSON.stringify(join(dir, home))} }\n`);

  it('refuses to start on a journal damaged before its tail, naming the file and line (exit 65)', async () => {
    const journal = join(dir, 'damaged', 'journal');
    mkdirSync(journal, { recursive: true });
    const entry = (seq: number) => JSON.stringify({ seq, kind: 'audit', ts: seq, command: 'x', by: 'test', ok: true, detail: '' });
    writeFileSync(join(journal, '00000000000000000001.wal'), `${entry(1)}\n{"seq":2,"kind\n${entry(3)}\n`);
    const err: string[] = [];
    expect(await main(['run', '--config', feedless('damaged')], () => undefined, (l) => err.push(l))).toBe(65);
    expect(err.join('\n')).toContain(`journal ${join(journal, '00000000000000000001.wal')} line 2: not JSON`);
  });

  it('refuses a journal another live process writes, naming the process (exit 70)', async () => {
    const journal = join(dir, 'locked', 'journal');
    mkdirSync(journal, { recursive: true });
    writeFileSync(join(journal, 'LOCK'), `${process.ppid}\n`);
    const err: string[] = [];
    expect(await main(['run', '--config', feedless('locked')], () => undefined, (l) => err.push(l))).toBe(70);
    expect(err.join('\n')).toContain(`is in use by process ${process.ppid}`);
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
