/**
 * Creating an output directory with its missing parents, and saying why not when that fails.
 *
 * Not `mkdirSync(path, { recursive: true })`: on Node 20 that never returns for a path whose parent
 * exists but refuses children with `ENOENT` (any path under `/proc`, such as `--out /proc/x`), and a
 * command that hangs is worse than one that fails. This walks up to the nearest existing ancestor
 * and creates each level below it with a plain `mkdir`, so every failure is one system call's error.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TickflowError } from '../../runtime/errors.js';

/**
 * Creates `path` and any missing parents; returns at once when it is already a directory. Returns
 * the directories it created, outermost first (empty when none). Throws `OUTPUT_UNWRITABLE`
 * (context: `path` as given, `reason`: the system's message) when something in the way is not a
 * directory or a level cannot be created.
 */
export function makeDir(path: string): string[] {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const kind = kindOf(current);
    if (kind === 'directory') break;
    if (kind === 'other') throw unwritable(path, `${current} exists and is not a directory`);
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break; // a missing root: mkdir below says why
    current = parent;
  }
  const created: string[] = [];
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      mkdirSync(missing[i]!);
      created.push(missing[i]!);
    } catch (error) {
      // Another process may have made it meanwhile: that is what we wanted.
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && kindOf(missing[i]!) === 'directory') continue;
      throw unwritable(path, reasonOf(error), error);
    }
  }
  return created;
}

/** The `OUTPUT_UNWRITABLE` error for `path`, with the reason a person can act on. */
export function unwritable(path: string, reason: string, cause?: unknown): TickflowError {
  return new TickflowError('OUTPUT_UNWRITABLE', `cannot write to ${path}: ${reason}`, { path, reason }, cause === undefined ? undefined : { cause });
}

/** A system error's message (`ENOSPC: no space left on device, write`), else its text. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function kindOf(path: string): 'missing' | 'directory' | 'other' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a file stands where a parent directory should be; the walk up finds and names it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw unwritable(path, reasonOf(error), error);
  }
}
