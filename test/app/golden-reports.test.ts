/**
 * Golden reports: `report.json` of a few runs on the shared recordings (and of the simulated market
 * with the default config, the backtest `npm start` ran before it became the daemon),
 * committed under `test/golden/<name>/report.json`, so later work (the hot-path issue above all)
 * can prove it changed no result. A run must reproduce its file byte for byte, except input paths,
 * which are written relative to the data folder. A deliberate change of results regenerates them:
 * `TICKFLOW_UPDATE_GOLDEN=1 npx vitest run test/app/golden-reports.test.ts`, and the diff goes in
 * the commit with the reason.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/app/cli.js';
import { dataDir, dataPath } from '../support/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const goldenDir = resolve('test/golden');
const update = process.env.TICKFLOW_UPDATE_GOLDEN === '1';
// Not a config key: the config loader reads every other TICKFLOW_* variable as an override.
delete process.env.TICKFLOW_UPDATE_GOLDEN;

interface GoldenRun {
  readonly name: string;
  /** Recordings, relative to the data folder (`file@SYMBOL` allowed). */
  readonly data: readonly string[];
  readonly args: readonly string[];
  /** YAML config, if any. */
  readonly config?: string;
}

const RUNS: readonly GoldenRun[] = [
  // Spot on its cash account, long-only: quotes, L2 depth walking, queue positions.
  { name: 'btc-spot-cash-long-only', data: ['binance-spot/btcusdt_20240808.gz', 'binance-spot/btcusdt_20240809.gz'], args: ['--strategy', 'ema-cross', '--bar', '1s', '--set', 'longOnly=true'] },
  // The same, ema-cross as it comes: its shorts refused NO_SHORT_SALE.
  { name: 'btc-spot-cash-shorts-refused', data: ['binance-spot/btcusdt_20240808.gz', 'binance-spot/btcusdt_20240809.gz'], args: ['--strategy', 'ema-cross', '--bar', '1s'] },
  // Size 5 on a 5x margin account: big flips sweep the book.
  {
    name: 'btc-spot-margin-size-5',
    data: ['binance-spot/btcusdt_20240808.gz', 'binance-spot/btcusdt_20240809.gz'],
    args: ['--strategy', 'ema-cross', '--bar', '1s', '--set', 'size=5'],
    config: 'execution:\n  venue:\n    accounts:\n      binance: { type: margin, leverage: 5 }\n',
  },
  // USD-M futures (margin by default), pu-chained depth.
  { name: 'btc-usdm', data: ['binance-usdm/btcusdt_20240808.gz'], args: ['--strategy', 'ema-cross', '--bar', '1s', '--set', 'size=0.5'] },
  // Bar fills: next open, volume cap, slippage; a perpetual on margin.
  {
    name: 'btc-perp-bars',
    data: ['nautilus/btc-perp-20211231-20220201_1m.csv@BTCPERP'],
    args: ['--strategy', 'ema-cross', '--set', 'fast=12', '--set', 'slow=48'],
    config: 'execution:\n  venue:\n    accounts:\n      csv: { type: margin }\n',
  },
  // Quotes without sizes (TrueFX), bars from mid quotes.
  {
    name: 'usdjpy-quotes',
    data: ['nautilus/truefx-usdjpy-ticks.csv@USDJPY'],
    args: ['--strategy', 'mean-reversion', '--bar', '1m:mid', '--set', 'size=0.5'],
    config: 'execution:\n  venue:\n    accounts:\n      csv: { type: margin }\n',
  },
];

/** The report as compared: input paths relative to the data folder. */
function normalized(reportText: string): string {
  const report = JSON.parse(reportText) as { inputs: { name: string }[] };
  for (const input of report.inputs) {
    if (input.name.startsWith('simulated:')) continue;
    input.name = relative(dataDir, resolve(input.name)).split('\\').join('/');
  }
  return JSON.stringify(report, null, 2) + '\n';
}

async function check(name: string, args: readonly string[]): Promise<void> {
  const out = join(tmp, name);
  const lines: string[] = [];
  const code = await main([...args, '--out', out], (l) => lines.push(l), (l) => lines.push(l));
  expect(code, lines.join('\n')).toBe(0);
  const actual = normalized(readFileSync(join(out, 'report.json'), 'utf8'));
  const file = join(goldenDir, name, 'report.json');
  if (update || !existsSync(file)) {
    if (!update && process.env.CI === 'true') throw new Error(`golden report ${file} is missing; generate it with TICKFLOW_UPDATE_GOLDEN=1`);
    mkdirSync(join(goldenDir, name), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual, `${name}: report.json differs from ${file}`).toBe(readFileSync(file, 'utf8'));
}

describe('golden reports', () => {
  it('reproduces the default simulated run (tickflow backtest --simulated)', async () => {
    await check('simulated-start', ['backtest', '--simulated', '--config', resolve('config/default.yaml')]);
  });

  for (const run of RUNS) {
    const paths = run.data.map((d) => {
      const [file, symbol] = d.split('@');
      const path = dataPath(file!);
      return path === undefined ? undefined : symbol === undefined ? path : `${path}@${symbol}`;
    });
    const missing = paths.some((p) => p === undefined);
    it.skipIf(missing)(`reproduces ${run.name}`, async () => {
      const config = run.config === undefined ? [] : [join(tmp, `${run.name}.yaml`)];
      if (run.config !== undefined) writeFileSync(config[0]!, `log: { level: silent }\n${run.config}`);
      const args = ['backtest', ...paths.flatMap((p) => ['--data', p!]), ...run.args, ...(config.length > 0 ? ['--config', config[0]!] : [])];
      await check(run.name, args);
    });
  }
});
