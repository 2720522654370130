import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/app/cli.js';
import { checkOutDir } from '../../src/app/out-dir.js';
import { waveJournalLines } from '../support/wave-journal.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-out-'));
let journal = '';
beforeAll(() => {
  vi.stubEnv('TICKFLOW_LOG__LEVEL', 'silent');
  journal = join(tmp, 'wave.ndjson');
  writeFileSync(journal, waveJournalLines().join('\n') + '\n');
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(tmp, { recursive: true, force: true });
});

async function backtest(data: string, out: string) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await main(['backtest', '--data', data, '--strategy', 'ema-cross', '--bar', '10s', '--out', out], (l) => lines.push(l), (l) => errors.push(l));
  return { code, out: lines.join('\n'), err: errors.join('\n') };
}

describe('the --out check', () => {
  it('exits 73 naming the path and the reason when a file stands where the directory should be', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, 'not a directory\n');
    const run = await backtest(journal, join(file, 'report'));
    expect(run.code).toBe(73);
    expect(run.err).toContain(join(file, 'report'));
    expect(run.err).toMatch(/is not a directory/);
    expect(run.out).toBe('');
  });

  it('is made before any data is read: a missing input still gets 73, not 66', async () => {
    const file = join(tmp, 'another-file');
    writeFileSync(file, '');
    const run = await backtest(join(tmp, 'no-such-recording.ndjson'), join(file, 'out'));
    expect(run.code).toBe(73);
  });

  // Node's recursive mkdir never returns for such a path; the check must fail, not hang.
  it.skipIf(!existsSync('/proc/self'))('fails at once under a directory that refuses children (/proc)', async () => {
    const run = await backtest(journal, '/proc/tickflow-out');
    expect(run.code).toBe(73);
    expect(run.err).toMatch(/\/proc\/tickflow-out.*ENOENT/);
  });

  it('leaves no directory behind when the run is then refused for its data', async () => {
    const out = join(tmp, 'new', 'out');
    const run = await backtest(join(tmp, 'missing.ndjson'), out);
    expect(run.code).toBe(66);
    expect(existsSync(join(tmp, 'new'))).toBe(false);
  });

  it('creates missing parents and leaves nothing of its probe behind', () => {
    const dir = join(tmp, 'deep', 'er', 'out');
    checkOutDir(dir);
    expect(readdirSync(dir)).toEqual([]);
  });
});
