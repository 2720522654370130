import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { writeFileAtomic } from '../../../src/io/fs/atomic-write.js';
import { isTickflowError } from '../../../src/runtime/errors.js';

// `writeSync` made replaceable, so a test can fill the disk part-way through a write.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return { ...real, writeSync: vi.fn(real.writeSync) };
});
const realWriteSync = (await vi.importActual<typeof import('node:fs')>('node:fs')).writeSync;

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-atomic-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.mocked(fs.writeSync).mockImplementation(realWriteSync as typeof fs.writeSync));

/** Lets `budget` bytes reach the disk, then fails every write with ENOSPC, as a full disk does. */
function diskFullAfter(budget: number): void {
  let left = budget;
  vi.mocked(fs.writeSync).mockImplementation(((fd: number, buffer: Uint8Array, offset: number, length: number) => {
    if (left <= 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const n = realWriteSync(fd, buffer, offset, Math.min(length, left));
    left -= n;
    return n;
  }) as typeof fs.writeSync);
}

describe('writeFileAtomic', () => {
  it('writes the whole text and leaves no temporary file', () => {
    const path = join(tmp, 'whole.csv');
    writeFileAtomic(path, 'a,b\n1,2\n');
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the previous complete file when the disk fills part-way, and says why', () => {
    const path = join(tmp, 'report.json');
    writeFileSync(path, 'the previous complete report\n');
    diskFullAfter(5);
    let caught: unknown;
    try {
      writeFileAtomic(path, 'x'.repeat(10_000));
    } catch (error) {
      caught = error;
    }
    expect(isTickflowError(caught, 'OUTPUT_UNWRITABLE')).toBe(true);
    expect((caught as Error).message).toContain(path);
    expect((caught as Error).message).toContain('ENOSPC');
    expect(readFileSync(path, 'utf8')).toBe('the previous complete report\n');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves no file at all under the name when there was none and the write fails', () => {
    const path = join(tmp, 'fills.csv');
    diskFullAfter(0);
    expect(() => writeFileAtomic(path, 'ts,price\n')).toThrow(/no space left/);
    expect(readdirSync(tmp)).not.toContain('fills.csv');
  });
});
