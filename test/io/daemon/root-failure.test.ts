/**
 * The daemon's last resort: a strategy that throws on every trade is restarted by the market
 * supervisor with backoff until its restart intensity (10 in 60 s) is spent; the supervisor then
 * escalates, the root gives up, and `tickflow run` exits 70 naming the actor and its error, so a
 * service manager restarts a clean process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy, type StrategyDefinition } from '../../../actors/strategies/define-strategy.js';
import { strategies } from '../../../actors/strategies/strategies.js';
import { runDaemonCommand, type RunPorts } from '../../../src/app/run-command.js';
import { createFeedServer } from '../../../src/io/feed-server/feed-server.js';
import { dataPath } from '../../support/data.js';
import { readCapture, waitUntil, writeCapture } from '../feed-server/feed-test-client.js';

const capture = dataPath('binance-spot/btcusdt_20240808.gz');
const dir = mkdtempSync(join(tmpdir(), 'tickflow-root-'));
const registry = strategies as unknown as Record<string, StrategyDefinition>;
registry['always-throws'] = defineStrategy({
  name: 'always-throws',
  description: 'test only: throws on every trade',
  params: z.object({}),
  init: () => null,
  onTrade: () => {
    throw new Error('broken strategy');
  },
});
afterAll(() => {
  delete registry['always-throws'];
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(capture === undefined)('tickflow run when the root supervisor gives up', () => {
  it('exits 70 naming the strategy actor and its error', async () => {
    const cut = writeCapture(dir, 'btcusdt_cut.gz', readCapture(capture!).slice(0, 20_000));
    const server = await createFeedServer({ data: [cut], port: 0, speed: 20 });
    try {
      const file = join(dir, 'run.yaml');
      writeFileSync(
        file,
        `feeds:
  - { url: "${server.url}", rest: "${server.restUrl}", symbols: [BTCUSDT], channels: [trade, bookTicker] }
strategy: { name: always-throws }
instruments: [{ exchange: binance, symbol: BTCUSDT, priceIncrement: "0.01", sizeIncrement: "0.00001" }]
http: { port: 0 }
log: { level: silent }
persistence: { dir: ${JSON.stringify(join(dir, 'data'))}, fsync: never }
`,
      );
      const out: string[] = [];
      const err: string[] = [];
      const exits: number[] = [];
      const handlers = new Map<string, () => void>();
      const ports: RunPorts = {
        out: (l) => void out.push(l),
        err: (l) => void err.push(l),
        exit: (code) => void exits.push(code),
        onSignal: (signal, handler) => (handlers.set(signal, handler), () => void handlers.delete(signal)),
      };
      const code = await runDaemonCommand(['--config', file], ports);
      expect(code).toBe(70);
      expect(err.join('\n')).toMatch(/the engine failed: .*pipeline\/market\/strategy.*broken strategy/s);
      expect(exits).toEqual([]);
      expect(handlers.size).toBe(0);
      await waitUntil(() => server.stats.connections === 0, 5_000, 'the feed connection to close');
    } finally {
      await server.close();
    }
  }, 30_000);
});
