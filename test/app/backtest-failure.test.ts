import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy, type StrategyDefinition } from '../../actors/strategies/define-strategy.js';
import { strategies } from '../../actors/strategies/strategies.js';
import { runCli, useCliScratch } from '../support/cli-scratch.js';
import { writeWaveJournal } from '../support/wave-journal.js';

// Test strategies go where a user's would: one entry in the registry (removed after the tests).
const registry = strategies as unknown as Record<string, StrategyDefinition>;

/** After `after` bars, asks for a limit order at a price that rounds to zero on the grid: the planner cannot plan it. */
const unplannable = defineStrategy({
  name: 'test-unplannable',
  params: z.object({ after: z.number().int().positive().default(5) }),
  init: () => ({ bars: 0 }),
  onBar(s, bar, api) {
    s.bars++;
    if (s.bars >= api.params.after) api.target(bar.symbol, 1, { orderType: 'limit', limitPrice: 1e-9 });
  },
});

/** Long on a rising close, short on a falling one; trips over its 12th bar (counted since its last start). */
const flaky = defineStrategy({
  name: 'test-flaky',
  params: z.object({}),
  init: () => ({ bars: 0, last: 0 }),
  onBar(s, bar, api) {
    if (++s.bars === 12) throw new Error('twelfth bar');
    if (s.last !== 0) api.target(bar.symbol, bar.close > s.last ? 1 : -1);
    s.last = bar.close;
  },
});

const tmp = useCliScratch('failure');
let journal = '';

beforeAll(() => {
  registry['test-unplannable'] = unplannable as unknown as StrategyDefinition;
  registry['test-flaky'] = flaky as unknown as StrategyDefinition;
  // One trade a second for ten minutes on a slow wave: sixty 10 s bars.
  journal = writeWaveJournal(tmp, 'sim.ndjson');
});
afterAll(() => {
  delete registry['test-unplannable'];
  delete registry['test-flaky'];
});

async function backtest(strategy: string, out: string, ...sets: string[]) {
  return runCli(['backtest', '--data', journal, '--strategy', strategy, '--bar', '10s', '--out', out, ...sets.flatMap((s) => ['--set', s])]);
}

describe('a backtest whose trading actor fails', () => {
  it('exits 70 naming the actor and its error, and writes failure.json in place of the report', async () => {
    const out = join(tmp, 'failed');
    // An earlier, successful run left its report here: it must not pass for this run's.
    expect((await backtest('test-flaky', out)).code).toBe(0);
    expect(existsSync(join(out, 'report.json'))).toBe(true);

    const run = await backtest('test-unplannable', out);
    expect(run.code).toBe(70);
    expect(run.err).toMatch(/^tickflow: backtest failed: actor pipeline\/trading\/planner failed: .*rounds to zero/);
    expect(run.out).toContain('failure.json');
    for (const file of ['report.json', 'fills.csv', 'orders.csv', 'equity.csv', 'stats.json']) expect(existsSync(join(out, file))).toBe(false);
    const failure = JSON.parse(readFileSync(join(out, 'failure.json'), 'utf8')) as Record<string, any>;
    expect(failure).toMatchObject({ status: 'failed', actor: 'pipeline/trading/planner', error: { code: 'ORDER_INVALID' }, gaveUp: null });
    expect(failure['error'].message).toContain('rounds to zero');
    // The fifth 10 s bar closes at 50 s: the run stopped there, not at the end of the input.
    expect(failure['records']).toBeGreaterThan(0);
    expect(failure['records']).toBeLessThan(600);

    // A later successful run in the same directory clears the failure.
    expect((await backtest('test-flaky', out)).code).toBe(0);
    expect(existsSync(join(out, 'failure.json'))).toBe(false);
    expect(existsSync(join(out, 'report.json'))).toBe(true);
  });

  it('fails the same way when the failure comes with the last bar, closed by the final flush', async () => {
    const out = join(tmp, 'failed-at-flush');
    const run = await backtest('test-unplannable', out, 'after=60');
    expect(run.code).toBe(70);
    expect(run.err).toMatch(/^tickflow: backtest failed: actor pipeline\/trading\/planner failed: /);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
    const failure = JSON.parse(readFileSync(join(out, 'failure.json'), 'utf8')) as Record<string, any>;
    expect(failure).toMatchObject({ actor: 'pipeline/trading/planner', records: 600 });
  });
});

describe('a backtest whose strategy throws now and then', () => {
  it('restarts the strategy each time, counts it, and finishes the run (exit 0)', async () => {
    const out = join(tmp, 'flaky');
    const run = await backtest('test-flaky', out);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Record<string, any>;
    expect(report['records']).toBe(600);
    // Sixty bars; it trips on every twelfth since its last start: bars 12, 24, 36, 48 and 60
    // (the last one closed by the final flush).
    expect(report['restarts']['pipeline/market/strategy']).toBe(5);
    expect(report['failed']['pipeline/market/strategy']).toBe(5);
    for (const [path, n] of Object.entries(report['restarts'] as Record<string, number>)) {
      if (path !== 'pipeline/market/strategy') expect([path, n]).toEqual([path, 0]);
    }
    // It kept trading across the restarts: orders before the first and after the last.
    expect(report['signals']).toBeGreaterThan(4);
    const orders = readFileSync(join(out, 'orders.csv'), 'utf8').trimEnd().split('\n').slice(1);
    // createdTs is ISO 8601 (UTC); milliseconds are enough here.
    const createdMs = orders.map((line) => Date.parse(line.split(',')[0]!));
    expect(Math.min(...createdMs)).toBeLessThan(1_722_000_000_000 + 120_000);
    expect(Math.max(...createdMs)).toBeGreaterThan(1_722_000_000_000 + 480_000);
  });
});
