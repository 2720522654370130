import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBacktest, type BacktestRequest } from '../../src/app/backtest.js';
import { createConfig } from '../../src/app/create-config.js';
import { formatSummary, REPORT_FILES, writeReport } from '../../src/app/report.js';

// About 40 minutes of the simulated market: enough records for an abort well inside the run.
const RECORDS = 30_000;
const config = createConfig({ simulated: { records: RECORDS }, bars: { spec: '10s' }, log: { level: 'silent' } });
const tmp = mkdtempSync(join(tmpdir(), 'tickflow-interrupt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A simulated backtest aborted from `onRecord` once it has been called `k` times (never when `k` is undefined). */
async function run(k: number | undefined): Promise<{ dir: string; summary: string }> {
  const controller = new AbortController();
  let seen = 0;
  const request: BacktestRequest = {
    input: { kind: 'simulated' },
    config,
    signal: controller.signal,
    onRecord: () => {
      if (++seen === k) controller.abort('test');
    },
  };
  const outcome = await runBacktest(request);
  const dir = join(tmp, `k-${k ?? 'all'}`);
  writeReport(dir, outcome);
  return { dir, summary: formatSummary(outcome) };
}

describe('a backtest stopped by its abort signal', () => {
  it('writes complete, parseable outputs for the K records replayed, marked partial', async () => {
    const k = 12_345;
    const { dir, summary } = await run(k);
    // Every output there, whole, and no temporary file left beside them.
    expect(readdirSync(dir).sort()).toEqual([...REPORT_FILES].sort());
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.partial).toBe(true);
    expect(report.replayedRecords).toBe(k);
    expect(report.records).toBe(k);
    // The counts by type are of the records delivered, not of what the source had read ahead.
    expect(Object.values(report.events as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(k);
    expect(JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')).records).toBe(k);
    // The actors drained what was delivered: fills in the CSV match the report, the equity curve ends at the last record's time.
    expect(readFileSync(join(dir, 'fills.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(report.fills + 1);
    expect(report.fills).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<\/html>\s*$/);
    expect(summary.split('\n')[0]).toBe(`partial: interrupted after ${k} records; every figure below covers those records only`);
  });

  it('gives the same outputs as a run of the first K records alone: a partial run is an ordinary, deterministic run', async () => {
    const k = 12_345;
    const { partial, replayedRecords, ...aborted } = JSON.parse(readFileSync(join((await run(k)).dir, 'report.json'), 'utf8'));
    expect([partial, replayedRecords]).toEqual([true, k]);
    // The simulated market's first K records are the same whatever its length.
    const alone = await runBacktest({ input: { kind: 'simulated' }, config: { ...config, simulated: { ...config.simulated, records: k } } });
    expect(alone.partial).toBeUndefined();
    const dir = join(tmp, 'alone');
    writeReport(dir, alone);
    // All but the sample sizes of the instrument inference, which reads the input's first 20,000 records, replayed or not.
    const withoutSamples = (report: Record<string, any>) => {
      for (const i of Object.values(report.instruments as Record<string, Record<string, unknown>>)) delete i.inferredFrom;
      return report;
    };
    expect(withoutSamples(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')))).toEqual(withoutSamples(aborted));
  });

  it('adds nothing to the report of a run that was not stopped (golden reports unchanged)', async () => {
    const { dir, summary } = await run(undefined);
    const text = readFileSync(join(dir, 'report.json'), 'utf8');
    const report = JSON.parse(text);
    expect(report.records).toBe(RECORDS);
    expect(text).not.toMatch(/"partial"|"replayedRecords"/);
    expect(summary).not.toMatch(/partial/);
  });

  it('replays nothing when aborted before it starts, and says so', async () => {
    const controller = new AbortController();
    controller.abort('early');
    const outcome = await runBacktest({ input: { kind: 'simulated' }, config, signal: controller.signal });
    expect(outcome.partial).toBe(true);
    expect(outcome.records).toBe(0);
  });
});
