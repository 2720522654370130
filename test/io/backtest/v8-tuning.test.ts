/**
 * The command line turns V8's allocation-site pretenuring off (`src/app/v8-tuning.ts`), seen from
 * outside: the built CLI (`build-cli.global.ts`) runs a short simulated backtest under V8's own
 * pretenuring trace, and no allocation site is switched to the old generation. Beside it, the same
 * trace on a plain script that keeps every object it makes shows that this Node does report such
 * switches, so their absence in the CLI's run means something.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';

const TRACE = ['--trace-pretenuring', '--trace-pretenuring-statistics'];
/** A site switched to allocating in the old generation, as V8's trace says it. */
const TENURED = /=> tenure\b/g;

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-v8-tuning-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function traced(args: readonly string[]): string {
  const run = spawnSync(process.execPath, [...TRACE, ...args], { encoding: 'utf8', env: { ...process.env, TICKFLOW_LOG__LEVEL: 'silent' }, timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout + run.stderr;
}

describe('V8 tuning of the command line', () => {
  it('leaves every allocation site in the young generation during a backtest', () => {
    const config = join(tmp, 'sim.yaml');
    writeFileSync(config, 'simulated: { records: 30000 }\nlog: { level: silent }\n');
    const output = traced([inject('tickflowCli'), 'backtest', '--simulated', '--config', config, '--quiet', '--out', join(tmp, 'out')]);
    expect(output.match(TENURED) ?? []).toEqual([]);
  });

  it('is needed: without it this Node switches sites whose objects all survive a scavenge', () => {
    const keeper = 'const keep = []; function make(i) { return { i, a: i + 1 }; } for (let i = 0; i < 2_000_000; i++) keep.push(make(i)); console.log(keep.length);';
    expect((traced(['-e', keeper]).match(TENURED) ?? []).length).toBeGreaterThan(0);
  });
});
