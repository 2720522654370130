import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkOutDir } from '../../src/app/out-dir.js';
import { runCli, useCliScratch } from '../support/cli-scratch.js';
import { writeWaveJournal } from '../support/wave-journal.js';

const tmp = useCliScratch('out');
let journal = '';
beforeAll(() => {
  journal = writeWaveJournal(tmp);
});

async function backtest(data: string, out: string) {
  return runCli(['backtest', '--data', data, '--strategy', 'ema-cross', '--bar', '10s', '--out', out]);
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
