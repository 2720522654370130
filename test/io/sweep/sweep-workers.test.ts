/**
 * `tickflow sweep` on real worker threads, through the CLI built for these tests
 * (`build-cli.global.ts`): a worker thread needs the compiled `sweep-worker.js`, which the unit
 * tests (TypeScript through vitest) do not have.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeWaveBars } from '../../support/sweep-bars.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-sweep-io-'));
const bars = join(tmp, 'bars.csv');
const common = ['sweep', '--data', `${bars}@BTCUSDT`, '--strategy', 'ema-cross', '--bar', '5m', '--set', 'longOnly=true'];

beforeAll(() => {
  writeWaveBars(bars);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Child {
  readonly exited: Promise<number | null>;
  readonly kill: (signal: NodeJS.Signals) => void;
  stdout(): string;
  stderr(): string;
}

function tickflow(args: readonly string[]): Child {
  const child = spawn(process.execPath, [inject('tickflowCli'), ...args], { env: { ...process.env, TICKFLOW_LOG__LEVEL: 'silent' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { exited, kill: (signal) => child.kill(signal), stdout: () => stdout, stderr: () => stderr };
}

async function waitUntil(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tickflow sweep on worker threads', () => {
  it('writes the same sweep.csv and sweep.html byte for byte with 1 and 2 workers (and in-process)', async () => {
    const grid = ['--grid', 'fast=5,8,13', '--grid', 'slow=21,34,55', '--split', '0.7', '--metric', 'total_return'];
    const outputs: string[][] = [];
    for (const workers of ['1', '2', '0']) {
      const out = join(tmp, `workers-${workers}`);
      const run = tickflow([...common, ...grid, '--workers', workers, '--out', out]);
      expect(await run.exited, run.stderr()).toBe(0);
      expect(run.stdout()).toMatch(workers === '0' ? /18 backtests on this thread/ : new RegExp(`18 backtests on ${workers} worker thread`));
      outputs.push([readFileSync(join(out, 'sweep.csv'), 'utf8'), readFileSync(join(out, 'sweep.html'), 'utf8')]);
    }
    expect(outputs[0]![0]!.trimEnd().split('\n')).toHaveLength(10);
    expect(outputs[1]).toEqual(outputs[0]);
    expect(outputs[2]).toEqual(outputs[0]);
  });

  it('stops its workers on Ctrl-C and exits 130, writing nothing', async () => {
    const out = join(tmp, 'interrupted');
    const run = tickflow([...common, '--range', 'fast=3..30', '--grid', 'slow=40,50,60', '--workers', '2', '--out', out]);
    // The output folder is made once the sweep is checked and about to run; the signal is listened to by then.
    await waitUntil(() => existsSync(out), 30_000, `the sweep to start (stderr: ${run.stderr()})`);
    run.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toMatch(/tickflow sweep: interrupted \(SIGINT\) after \d+ of 84 backtests; nothing written/);
    expect(existsSync(join(out, 'sweep.csv'))).toBe(false);
  });

  it('finds its worker entry in the build, inside what the package ships', () => {
    const build = resolve(dirname(inject('tickflowCli')), '../..');
    expect(existsSync(join(build, 'src/app/sweep/sweep-worker.js'))).toBe(true);
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('dist/src');
  });
});
