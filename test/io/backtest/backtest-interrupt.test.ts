/**
 * `tickflow backtest` as a person at a terminal meets it, through the CLI built for these tests
 * (`build-cli.global.ts`): the progress line on stderr, `--quiet`, and Ctrl-C (SIGINT) stopping a
 * long replay with complete outputs marked partial and exit 130.
 *
 * A child's stderr here is a pipe, not a terminal; `FAKE_TTY` preloads a line that makes
 * `process.stderr.isTTY` true, so the CLI draws its progress as it would on a terminal and the
 * test can wait for the first line of it before sending SIGINT.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { REPORT_FILES } from '../../../src/app/report.js';

const FAKE_TTY = `data:text/javascript,Object.defineProperty(process.stderr,'isTTY',{value:true})`;
const tmp = mkdtempSync(join(tmpdir(), 'tickflow-backtest-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A simulated market of `records` records (5 million: about half a minute here, far longer than any test waits). */
function config(records: number): string {
  const path = join(tmp, `sim-${records}.yaml`);
  writeFileSync(path, `simulated: { records: ${records} }\nlog: { level: silent }\n`);
  return path;
}

interface Child {
  readonly exited: Promise<number | null>;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
}

function backtest(args: readonly string[], fakeTty: boolean): Child {
  const child = spawn(process.execPath, [...(fakeTty ? ['--import', FAKE_TTY] : []), inject('tickflowCli'), 'backtest', ...args], { env: { ...process.env, TICKFLOW_LOG__LEVEL: 'silent' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  // Never left running: a run that ignores SIGINT is killed after the test has failed.
  const guard = setTimeout(() => child.kill('SIGKILL'), 45_000);
  const exited = new Promise<number | null>((done) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      done(code);
    }),
  );
  return { exited, pid: child.pid!, stdout: () => stdout, stderr: () => stderr };
}

async function waitUntil(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every output of a finished run is there, whole and parseable, and no temporary file is left. */
function expectCompleteOutputs(dir: string): Record<string, any> {
  expect(readdirSync(dir).sort()).toEqual([...REPORT_FILES].sort());
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
  const stats = JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8'));
  expect(stats.records).toBe(report.records);
  for (const csv of ['fills.csv', 'orders.csv', 'equity.csv']) expect(readFileSync(join(dir, csv), 'utf8')).toMatch(/\n$/);
  expect(readFileSync(join(dir, 'fills.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(report.fills + 1);
  expect(readFileSync(join(dir, 'report.html'), 'utf8')).toMatch(/<\/html>\s*$/);
  return report;
}

describe('tickflow backtest at a terminal', () => {
  it('shows progress, and on Ctrl-C stops the replay, writes complete outputs marked partial and exits 130', async () => {
    const out = join(tmp, 'interrupted');
    const total = 5_000_000;
    const run = backtest(['--simulated', '--config', config(total), '--out', out], true);
    await waitUntil(() => /records\/s/.test(run.stderr()), 30_000, 'the first progress line');
    // The progress line: records, their rate, the share read (of the simulated market's total) and the time left, rewritten in place.
    expect(run.stderr()).toMatch(/^\r[\d,]+ records {2}[\d,]+ records\/s {2}\d+\.\d% read {2}\d+:\d\d left\x1b\[K/);
    process.kill(run.pid, 'SIGINT');
    expect(await run.exited, run.stderr()).toBe(130);
    const report = expectCompleteOutputs(out);
    expect(report.partial).toBe(true);
    expect(report.replayedRecords).toBe(report.records);
    expect(report.records).toBeGreaterThan(0);
    expect(report.records).toBeLessThan(total);
    expect(run.stdout().split('\n')[0]).toBe(`partial: interrupted after ${report.records} records; every figure below covers those records only`);
    // The line is erased before anything else is said, and the exit is explained.
    expect(run.stderr()).toMatch(/\r\x1b\[Ktickflow backtest: interrupted \(SIGINT\): stopping the replay/);
    expect(run.stderr()).toMatch(new RegExp(`interrupted \\(SIGINT\\) after ${report.records} records; the outputs cover those records only`));
  });

  it('exits 130 at once on a second Ctrl-C, leaving no temporary file', async () => {
    const out = join(tmp, 'twice');
    const run = backtest(['--simulated', '--config', config(5_000_000), '--out', out], true);
    await waitUntil(() => /records\/s/.test(run.stderr()), 30_000, 'the first progress line');
    process.kill(run.pid, 'SIGINT');
    process.kill(run.pid, 'SIGINT');
    expect(await run.exited).toBe(130);
    // Whatever was written before the exit is whole: atomic writes, report.json last.
    const left = readdirSync(out);
    expect(left.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    if (left.includes('report.json')) expectCompleteOutputs(out);
  });

  it('shows no progress with --quiet, and writes an ordinary report', async () => {
    const out = join(tmp, 'quiet');
    const run = backtest(['--simulated', '--config', config(300_000), '--quiet', '--out', out], true);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stderr()).not.toMatch(/\r|records\/s/);
    const report = expectCompleteOutputs(out);
    expect(report.records).toBe(300_000);
    expect('partial' in report).toBe(false);
  });

  it('shows no progress when stderr is not a terminal', async () => {
    const out = join(tmp, 'pipe');
    const run = backtest(['--simulated', '--config', config(300_000), '--out', out], false);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stderr()).toBe('');
  });
});
