/**
 * The report's files under a disk that fills up part-way: whatever the point of failure, no file
 * under an output name is truncated, and a `report.json` is there only beside the complete set it
 * belongs to.
 */
import * as fs from 'node:fs';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBacktest, type BacktestOutcome } from '../../src/app/backtest.js';
import { parseConfig } from '../../src/app/config.js';
import { REPORT_FILES, writeFailure, writeReport } from '../../src/app/report.js';
import { isTickflowError } from '../../src/runtime/errors.js';
import { writeWaveJournal } from '../support/wave-journal.js';

// Every byte of output goes through `writeSync` (the atomic writer); `writeFileSync` is made to
// fail, so a report file written any other way fails this test.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, writeSync: vi.fn(real.writeSync), writeFileSync: vi.fn(real.writeFileSync) };
});
const real = await vi.importActual<typeof import('node:fs')>('node:fs');

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-report-atomic-'));
let outcome: BacktestOutcome;

beforeAll(async () => {
  const journal = writeWaveJournal(tmp);
  const config = parseConfig({ log: { level: 'silent' }, strategy: { name: 'ema-cross' }, bars: { spec: '10s' } }, 'test');
  outcome = await runBacktest({ input: { kind: 'files', data: [journal] }, config, sets: [] });
  // From here on a direct `writeFileSync` is a bug in the writers.
  vi.mocked(fs.writeFileSync).mockImplementation(() => {
    throw new Error('report files must be written through writeFileAtomic');
  });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.mocked(fs.writeSync).mockImplementation(real.writeSync as typeof fs.writeSync));

function diskFullAfter(budget: number): void {
  let left = budget;
  vi.mocked(fs.writeSync).mockImplementation(((fd: number, buffer: Uint8Array, offset: number, length: number) => {
    if (left <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const n = real.writeSync(fd, buffer, offset, Math.min(length, left));
    left -= n;
    return n;
  }) as typeof fs.writeSync);
}

function contents(dir: string): Map<string, string> {
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('writeReport on a disk that fills up', () => {
  it('never leaves a truncated file, and report.json only beside its complete set', () => {
    const complete = join(tmp, 'complete');
    writeReport(complete, outcome);
    const expected = contents(complete);
    expect([...expected.keys()].sort()).toEqual([...REPORT_FILES].sort());
    const total = [...expected.values()].reduce((n, text) => n + Buffer.byteLength(text), 0);

    // An earlier run's complete output is in the directory each time: old files may stay, new
    // ones must be whole, and report.json must never be the earlier one beside this run's files.
    const previous = new Map([...expected].map(([f, text]) => [f, `previous run\n${text}`]));
    const step = Math.max(1, Math.floor(total / 97));
    for (let budget = 0; budget < total; budget += step) {
      const dir = join(tmp, `full-at-${budget}`);
      mkdirSync(dir);
      for (const [f, text] of previous) real.writeFileSync(join(dir, f), text);
      diskFullAfter(budget);
      let caught: unknown;
      try {
        writeReport(dir, outcome);
      } catch (error) {
        caught = error;
      }
      vi.mocked(fs.writeSync).mockImplementation(real.writeSync as typeof fs.writeSync);
      expect(isTickflowError(caught, 'OUTPUT_UNWRITABLE'), `budget ${budget}`).toBe(true);
      const after = contents(dir);
      expect([...after.keys()].filter((f) => !REPORT_FILES.includes(f as never)), `budget ${budget}: stray files`).toEqual([]);
      for (const [f, text] of after) expect([expected.get(f), previous.get(f)], `budget ${budget}: ${f} truncated`).toContain(text);
      expect(after.has('report.json'), `budget ${budget}: report.json of another run beside this one's files`).toBe(false);
    }
  });

  it('writes failure.json the same way, with the earlier report gone', () => {
    const dir = join(tmp, 'failed');
    writeReport(dir, outcome);
    writeFailure(dir, { actor: 'pipeline/market/strategy', error: { code: null, message: 'boom' }, where: null, gaveUp: null, records: 3, engineTime: 7, restarts: [] });
    expect(readdirSync(dir)).toEqual(['failure.json']);
    expect(JSON.parse(readFileSync(join(dir, 'failure.json'), 'utf8'))).toMatchObject({ status: 'failed', actor: 'pipeline/market/strategy' });
  });
});
