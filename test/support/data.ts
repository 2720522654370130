/**
 * Locates the shared real recordings (`TICKFLOW_DATA_DIR`, default `../shared/data`) for tests.
 * A missing file makes the tests that need it skip with a message saying what is missing and how to
 * provide it, except under `CI=true`, where a missing recording is an error: CI must run them.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The recordings folder as configured. */
export const dataDir: string = resolve(process.env.TICKFLOW_DATA_DIR ?? '../shared/data');

const warned = new Set<string>();

/**
 * Absolute path of a recording relative to the data folder, or `undefined` when it is absent
 * (outside CI). Use with `describe.skipIf(!path)`.
 */
export function dataPath(relative: string): string | undefined {
  const path = resolve(dataDir, relative);
  if (existsSync(path)) return path;
  const message = `recording ${relative} not found under ${dataDir} (set TICKFLOW_DATA_DIR to the shared data folder)`;
  if (process.env.CI === 'true') throw new Error(`${message}; under CI=true the tests that need it must run`);
  if (!warned.has(path)) {
    warned.add(path);
    console.warn(`skipping: ${message}`);
  }
  return undefined;
}
