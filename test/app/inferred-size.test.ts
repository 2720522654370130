/**
 * Defect 4 of the "trading truth" issue: a quote file without sizes (TrueFX) inferred a size
 * increment of 1 from its zero amounts, so `size=0.5` gave signals and no orders. Zero sizes are not
 * size samples; with none, the size increment is `DEFAULT_SIZE_INCREMENT` and the report says so.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/app/cli.js';
import { DEFAULT_SIZE_INCREMENT } from '../../src/model/instrument.js';
import { dataPath } from '../support/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-size-'));

beforeAll(() => {
  vi.stubEnv('TICKFLOW_LOG__LEVEL', 'silent');
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(tmp, { recursive: true, force: true });
});

const truefx = dataPath('nautilus/truefx-usdjpy-ticks.csv');

describe.skipIf(!truefx)('tickflow backtest on quotes without sizes (TrueFX USD/JPY)', () => {
  // FX is traded on margin: a cash account would refuse mean-reversion's short entries.
  function fxConfig(): string {
    const file = join(tmp, 'fx.yaml');
    writeFileSync(file, 'execution:\n  venue:\n    accounts:\n      csv: { type: margin }\n');
    return file;
  }

  it('infers the default size increment, trades size=0.5, and says the increment is a default', async () => {
    const dir = join(tmp, 'fx');
    const out: string[] = [];
    const code = await main(
      ['backtest', '--data', `${truefx!}@USDJPY`, '--strategy', 'mean-reversion', '--bar', '1m:mid', '--set', 'size=0.5', '--config', fxConfig(), '--out', dir],
      (l) => out.push(l),
      () => {},
    );
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, any>;
    expect(report['instruments']['csv:USDJPY']).toMatchObject({
      priceIncrement: '0.001',
      sizeIncrement: DEFAULT_SIZE_INCREMENT,
      sizeIncrementIsDefault: true,
      source: 'inferred',
      inferredFrom: { prices: 2000, sizes: 0, overCap: 0 },
    });
    expect(report['signals']).toBeGreaterThan(0);
    const orders = Object.values(report['orders'] as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(orders).toBeGreaterThan(0);
    expect(report['fills']).toBeGreaterThan(0);
    const quantities = readFileSync(join(dir, 'fills.csv'), 'utf8').trimEnd().split('\n').slice(1).map((r) => Number(r.split(',')[5]));
    for (const q of quantities) expect(q).toBe(0.5);

    expect(out.join('\n')).toMatch(
      new RegExp(`^instruments +csv:USDJPY inferred: price step 0\\.001, size step ${DEFAULT_SIZE_INCREMENT.replace('.', '\\.')} \\(default: no sizes in the data\\)`, 'm'),
    );
  });
});
