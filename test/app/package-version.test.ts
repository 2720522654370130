import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/app/package-version.js';
import { isTickflowError } from '../../src/runtime/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-version-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('packageVersion', () => {
  it('reads the version of this checkout’s package.json', () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(packageVersion()).toBe(version);
  });

  it('finds package.json three levels up, as from dist/src/app, passing over another package’s', () => {
    const root = join(tmp, 'installed');
    const app = join(root, 'dist', 'src', 'app');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'tickflow', version: '9.8.7' }));
    writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ name: 'something-else', version: '1.0.0' }));
    writeFileSync(join(root, 'dist', 'src', 'package.json'), '{ not json');
    expect(packageVersion(app)).toBe('9.8.7');
  });

  it('says where it looked when there is none', () => {
    const lonely = join(tmp, 'lonely', 'dist', 'src', 'app');
    mkdirSync(lonely, { recursive: true });
    let error: unknown;
    try {
      // Above tmp there is no tickflow package.json (the system's temporary folder).
      packageVersion(lonely);
    } catch (e) {
      error = e;
    }
    expect(isTickflowError(error, 'IO_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain(lonely);
  });
});
