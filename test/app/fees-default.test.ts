/**
 * Defect 6 of the "trading truth" issue: a `backtest` without `--config` traded with zero fees, so
 * the README's examples showed costless trading. The fee defaults now live in the config schema
 * (not in `config/default.yaml`, whose risk limits must not come along), and the summary prints the
 * fee model.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAKER_FEE, DEFAULT_TAKER_FEE, parsePaperVenueConfig } from '../../actors/execution/venues/paper/paper-venue-config.js';
import { loadConfig } from '../../src/app/config.js';
import { runCli, useCliScratch } from '../support/cli-scratch.js';
import { writeWaveJournal } from '../support/wave-journal.js';

const tmp = useCliScratch('fees');

describe('default fees', () => {
  it('are non-zero in the paper venue schema, taker at least maker', () => {
    const venue = parsePaperVenueConfig({});
    expect(venue.takerFee).toBe(DEFAULT_TAKER_FEE);
    expect(venue.makerFee).toBe(DEFAULT_MAKER_FEE);
    expect(Number(DEFAULT_TAKER_FEE)).toBeGreaterThan(0);
    expect(Number(DEFAULT_MAKER_FEE)).toBeGreaterThan(0);
    expect(Number(DEFAULT_TAKER_FEE)).toBeGreaterThanOrEqual(Number(DEFAULT_MAKER_FEE));
  });

  it('reach a config with no file, without default.yaml\'s risk limits', () => {
    const config = loadConfig(undefined, {});
    expect(config.execution.venue.takerFee).toBe(DEFAULT_TAKER_FEE);
    expect(config.execution.venue.makerFee).toBe(DEFAULT_MAKER_FEE);
    expect(config.risk.maxPosition).toBeUndefined();
    expect(config.risk.maxOrderQuantity).toBeUndefined();
  });

  it('reach a config file that sets no fees, and an explicit zero still means zero', () => {
    const none = join(tmp, 'no-fees.yaml');
    writeFileSync(none, 'execution:\n  venue:\n    latencyUs: 500\n');
    expect(loadConfig(none, {}).execution.venue).toMatchObject({ takerFee: DEFAULT_TAKER_FEE, makerFee: DEFAULT_MAKER_FEE });
    const zero = join(tmp, 'zero-fees.yaml');
    writeFileSync(zero, 'execution:\n  venue:\n    takerFee: "0"\n    makerFee: "0"\n');
    expect(loadConfig(zero, {}).execution.venue).toMatchObject({ takerFee: '0', makerFee: '0' });
  });
});

describe('tickflow backtest without --config', () => {
  it('charges fees on every fill and prints the fee model in the summary', async () => {
    const journal = writeWaveJournal(tmp);
    const dir = join(tmp, 'run');
    const { code, out } = await runCli(['backtest', '--data', journal, '--strategy', 'ema-cross', '--bar', '10s', '--out', dir]);
    expect(code).toBe(0);

    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, any>;
    expect(report['fills']).toBeGreaterThan(0);
    expect(Number(report['fees'])).toBeGreaterThan(0);

    const [header, ...rows] = readFileSync(join(dir, 'fills.csv'), 'utf8').trimEnd().split('\n');
    const feeColumn = header!.split(',').indexOf('fee');
    expect(rows).toHaveLength(report['fills']);
    for (const row of rows) expect(Number(row.split(',')[feeColumn])).toBeGreaterThan(0);

    expect(out).toMatch(new RegExp(`^fee model +taker ${DEFAULT_TAKER_FEE}, maker ${DEFAULT_MAKER_FEE} of notional \\(defaults\\b`, 'm'));
  });

  it('prints configured rates without calling them defaults', async () => {
    const journal = writeWaveJournal(tmp, 'wave2.ndjson');
    const config = join(tmp, 'fees.yaml');
    writeFileSync(config, 'execution:\n  venue:\n    takerFee: "0.001"\n    makerFee: "-0.0001"\n');
    const { code, out } = await runCli(['backtest', '--data', journal, '--strategy', 'ema-cross', '--bar', '10s', '--config', config, '--out', join(tmp, 'run2')]);
    expect(code).toBe(0);
    expect(out).toMatch(/^fee model +taker 0\.001, maker -0\.0001 of notional$/m);
  });
});
