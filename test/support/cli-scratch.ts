/**
 * What the CLI tests share: a scratch folder per test file, removed after it, with the engine's
 * logs silenced the way a user would (an env override), and the CLI's `main` run in process with
 * what it prints captured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, vi } from 'vitest';
import { main } from '../../src/app/cli.js';

/**
 * A scratch folder `tickflow-<name>-*` for this test file; registers the hooks that silence the
 * logs before its tests and remove the folder (and the env override) after them.
 */
export function useCliScratch(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `tickflow-${name}-`));
  beforeAll(() => {
    vi.stubEnv('TICKFLOW_LOG__LEVEL', 'silent');
  });
  afterAll(() => {
    vi.unstubAllEnvs();
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** What one CLI call gave: its exit code and its stdout and stderr lines, joined. */
export interface CliOutput {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in process on `args`. */
export async function runCli(args: readonly string[]): Promise<CliOutput> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}
