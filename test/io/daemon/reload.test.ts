/**
 * SIGHUP on a running `tickflow run` (in process, on a local `serve-feed`): a rewritten file's risk
 * limits and strategy size take effect in the running actors, and what needs a restart is named;
 * an invalid file (a schema failure, or params the strategy refuses) changes nothing, the daemon
 * keeps serving, and the log and `err` name every bad path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResolvedRiskConfig } from '../../../actors/risk/risk-config.js';
import { STRATEGY_PARAMS } from '../../../actors/strategies/strategy-api.js';
import { runDaemonCommand } from '../../../src/app/run-command.js';
import { createFeedServer } from '../../../src/io/feed-server/feed-server.js';
import { dataPath } from '../../support/data.js';
import { readCapture, waitUntil, writeCapture } from '../feed-server/feed-test-client.js';
import { testPorts } from './daemon-test-ports.js';

const capture = dataPath('binance-spot/btcusdt_20240808.gz');
const dir = mkdtempSync(join(tmpdir(), 'tickflow-reload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function yaml(feedUrl: string, restUrl: string, risk: string, strategy: string, bars = '1s'): string {
  return `feeds:
  - { venue: binance, url: "${feedUrl}", rest: "${restUrl}", symbols: [BTCUSDT], channels: [trade, bookTicker, depth], connectTimeout: 2s }
bars: { spec: ${bars} }
strategy: ${strategy}
risk: ${risk}
instruments: [{ exchange: binance, symbol: BTCUSDT, priceIncrement: "0.01", sizeIncrement: "0.00001" }]
http: { host: 127.0.0.1, port: 0 }
log: { level: silent }
shutdown: { deadline: 5s }
persistence: { dir: ${JSON.stringify(join(dir, 'data'))}, fsync: never }
`;
}

describe.skipIf(capture === undefined)('tickflow run: SIGHUP reload', () => {
  it('applies new risk limits and strategy size, and keeps the running config when the file is invalid', async () => {
    const cut = writeCapture(dir, 'btcusdt_cut.gz', readCapture(capture!).slice(0, 8_000));
    const server = await createFeedServer({ data: [cut], port: 0, speed: 10 });
    const file = join(dir, 'run.yaml');
    const write = (risk: string, strategy: string, bars?: string) => writeFileSync(file, yaml(server.url, server.restUrl, risk, strategy, bars));
    try {
      write('{ maxOrderQuantity: "1" }', '{ name: ema-cross, params: { fast: 2, slow: 4, size: 0.01 } }');
      const t = testPorts();
      const running = runDaemonCommand(['--config', file], t.ports);
      await waitUntil(() => t.daemon() !== undefined && t.out.some((l) => l.startsWith('tickflow run: serving ')), 5_000, 'the daemon');
      const daemon = t.daemon()!;
      const riskConfig = () => daemon.trading.pipeline.risk.ask<ResolvedRiskConfig>({ type: 'risk_config' }, { timeout: 5_000_000 });
      const params = () => daemon.trading.pipeline.strategy.ask<Record<string, unknown>>(STRATEGY_PARAMS, { timeout: 5_000_000 });
      expect((await riskConfig()).maxOrderQuantity).toBe('1');

      // A smaller order limit, a smaller size, and a bar spec that only a restart changes.
      write('{ maxOrderQuantity: "0.005", orderRate: { maxOrders: 5, interval: 1s } }', '{ name: ema-cross, params: { fast: 2, slow: 4, size: 0.004 } }', '2s');
      t.handlers.get('SIGHUP')!();
      await waitUntil(() => t.out.some((l) => l.includes('config reloaded')), 5_000, 'the reload');
      expect(await riskConfig()).toMatchObject({ maxOrderQuantity: '0.005', orderRate: { maxOrders: 5, interval: 1_000_000 } });
      expect(await params()).toEqual({ fast: 2, slow: 4, size: 0.004, seed: 'sma', longOnly: false });
      expect(t.logs.find((l) => l.message === 'configuration reloaded')?.fields).toMatchObject({
        applied: ['risk.maxOrderQuantity', 'risk.orderRate', 'strategy.params.size'],
        needsRestart: ['bars.spec'],
      });
      expect(t.out.find((l) => l.includes('config reloaded'))).toContain('needs a restart (not applied): bars.spec');

      // A file the schema refuses: nothing changes, every bad path is named.
      write('{ maxOrderQuantity: 0, priceBand: { maxDeviation: "lots" } }', '{ name: ema-cross, params: { fast: 2, slow: 4, size: 0.002 } }');
      t.handlers.get('SIGHUP')!();
      await waitUntil(() => t.logs.some((l) => l.level === 'error'), 5_000, 'the refusal');
      const refusal = t.logs.find((l) => l.level === 'error')!;
      expect(refusal.message).toMatch(/refused; the running config is kept/);
      expect(refusal.fields['paths']).toEqual(['risk.maxOrderQuantity', 'risk.priceBand.maxDeviation']);
      expect(t.err.join('\n')).toMatch(/config reload refused[\s\S]*risk\.maxOrderQuantity[\s\S]*risk\.priceBand\.maxDeviation/);

      // Params the strategy's schema refuses (the file's schema takes any params): refused the same way.
      write('{ maxOrderQuantity: "0.001" }', '{ name: ema-cross, params: { fast: 2, slow: 4, size: -1 } }');
      t.handlers.get('SIGHUP')!();
      await waitUntil(() => t.logs.filter((l) => l.level === 'error').length === 2, 5_000, 'the second refusal');
      expect(t.logs.filter((l) => l.level === 'error')[1]!.fields['paths']).toEqual(['strategy.params.size']);

      // Still running, on the last good config.
      expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
      expect((await riskConfig()).maxOrderQuantity).toBe('0.005');
      expect((await params())['size']).toBe(0.004);

      t.handlers.get('SIGTERM')!();
      expect(await running).toBe(0);
    } finally {
      await server.close();
    }
  }, 30_000);
});
