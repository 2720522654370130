/**
 * A strategy that throws, as its user meets it: the exit and the summary name the actor, the
 * error and the line of the user's code that threw; restarts the run survived are in the summary
 * of a run that succeeded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStrategy, type StrategyDefinition } from '../../actors/strategies/define-strategy.js';
import { strategies } from '../../actors/strategies/strategies.js';
import { runCli, useCliScratch } from '../support/cli-scratch.js';
import { writeWaveJournal } from '../support/wave-journal.js';

const registry = strategies as unknown as Record<string, StrategyDefinition>;
const THIS_FILE = 'test/app/strategy-failure.test.ts';

/** The line of this file holding `marker` (a comment at the end of the line that throws). */
function lineOf(marker: string): number {
  const lines = readFileSync(THIS_FILE, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(marker) && !l.includes('lineOf('));
  expect(index, marker).toBeGreaterThanOrEqual(0);
  return index + 1;
}

/** Throws on every third bar of each life: on 1 s bars, past the market supervisor's 10 restarts a minute. */
const alwaysThrows = defineStrategy({
  name: 'test-always-throws',
  params: z.object({}),
  init: () => ({ bars: 0 }),
  onBar(s) {
    if (++s.bars === 3) throw new RangeError('no bar for you'); // @throws-here
  },
});

/** Trips over every twelfth bar of each life; restarted each time, the run finishes. */
const flaky = defineStrategy({
  name: 'test-flaky-where',
  params: z.object({}),
  init: () => ({ bars: 0 }),
  onBar(s, bar, api) {
    if (++s.bars === 12) throw new Error('twelfth bar'); // @flaky-here
    api.target(bar.symbol, bar.close > 100 ? 1 : 0);
  },
});

/** Asks the API for a target that is not a number: the API throws, the user's call is the place. */
const badTarget = defineStrategy({
  name: 'test-bad-target',
  params: z.object({}),
  init: () => null,
  onBar(_s, bar, api) {
    api.target(bar.symbol, Number.NaN); // @bad-target-here
  },
});

const tmp = useCliScratch('strategy-failure');
let journal = '';

beforeAll(() => {
  registry['test-always-throws'] = alwaysThrows as unknown as StrategyDefinition;
  registry['test-flaky-where'] = flaky as unknown as StrategyDefinition;
  registry['test-bad-target'] = badTarget as unknown as StrategyDefinition;
  journal = writeWaveJournal(tmp);
});
afterAll(() => {
  delete registry['test-always-throws'];
  delete registry['test-flaky-where'];
  delete registry['test-bad-target'];
});

async function backtest(strategy: string, bar = '10s') {
  const out = join(tmp, strategy);
  return { ...(await runCli(['backtest', '--data', journal, '--strategy', strategy, '--bar', bar, '--out', out])), dir: out };
}

describe('a strategy that throws', () => {
  it('fails the run naming the actor, the error and the user line that threw, in the exit message, the summary and failure.json', async () => {
    const run = await backtest('test-always-throws', '1s');
    const where = `${THIS_FILE}:${lineOf('@throws-here')}`;
    expect(run.code).toBe(70);
    expect(run.err).toContain('actor pipeline/market/strategy failed: no bar for you');
    expect(run.err).toContain(`(at ${where})`);
    expect(run.out).toMatch(/^failed actor +pipeline\/market\/strategy$/m);
    expect(run.out).toMatch(/^error +no bar for you$/m);
    expect(run.out).toContain(`thrown at     ${where}`);
    expect(run.out).toMatch(/^gave up +supervisor pipeline\/market after \d+ restarts within \d+ s$/m);
    expect(run.out).toMatch(new RegExp(`^restarts +pipeline/market/strategy \\d+ \\(last: no bar for you at ${where.replace(/\./g, '\\.')}\\)$`, 'm'));
    const failure = JSON.parse(readFileSync(join(run.dir, 'failure.json'), 'utf8')) as Record<string, unknown>;
    expect(failure).toMatchObject({ actor: 'pipeline/market/strategy', error: { message: 'no bar for you' }, where });
  });

  it('shows a bad call to the strategy API at the user call, not inside the API', async () => {
    const run = await backtest('test-bad-target', '1s');
    expect(run.code).toBe(70);
    expect(run.err).toMatch(/target quantity must be finite/);
    expect(run.err).toContain(`(at ${THIS_FILE}:${lineOf('@bad-target-here')})`);
  });

  it('finishes despite restarts, and the summary says how many and why', async () => {
    const run = await backtest('test-flaky-where');
    expect(run.code).toBe(0);
    // Sixty 10 s bars; it trips on every twelfth of each life: bars 12, 24, 36, 48 and 60.
    expect(run.out).toMatch(new RegExp(`^restarts +pipeline/market/strategy 5 \\(last: twelfth bar at ${THIS_FILE.replace(/\./g, '\\.')}:${lineOf('@flaky-here')}\\)$`, 'm'));
    const report = JSON.parse(readFileSync(join(run.dir, 'report.json'), 'utf8')) as { restarts: Record<string, number> };
    expect(report.restarts['pipeline/market/strategy']).toBe(5);
  });

  it('says nothing of restarts when there were none', async () => {
    const run = await backtest('ema-cross');
    expect(run.code).toBe(0);
    expect(run.out).not.toMatch(/^restarts/m);
  });
});
