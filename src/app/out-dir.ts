/**
 * The `--out` check a backtest makes before it reads any data: a run of an hour that cannot write
 * its report at the end is an hour lost, so the directory is created (with its parents) and a
 * probe file is written, flushed and removed in it, the same steps as the report's own writes
 * (`writeFileAtomic`). Anything in the way is `OUTPUT_UNWRITABLE` (exit 73, EX_CANTCREAT) with the
 * path and the system's reason. A disk that fills up later is still caught at the write, with
 * the same code.
 *
 * A run refused afterwards for another reason (an unknown strategy, a missing data file) leaves
 * nothing behind: the check returns an undo that removes the directories it created, while empty.
 */
import { rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/fs/atomic-write.js';
import { makeDir, reasonOf, unwritable } from '../io/fs/make-dir.js';
import { isTickflowError } from '../runtime/errors.js';

/** Name of the probe written and removed in the output directory. */
export const OUT_PROBE = '.tickflow-write-check';

/**
 * Creates `dir` if needed and proves a file can be written in it. Throws `OUTPUT_UNWRITABLE`
 * naming `dir` and why when it cannot. Returns the undo (see the module comment); it never throws.
 */
export function checkOutDir(dir: string): () => void {
  const created = makeDir(dir);
  const undo = (): void => {
    for (let i = created.length - 1; i >= 0; i--) {
      try {
        rmdirSync(created[i]!); // only while empty
      } catch {
        return; // something was written there after all: keep it, and its parents
      }
    }
  };
  const probe = join(dir, OUT_PROBE);
  try {
    writeFileAtomic(probe, 'tickflow\n');
    rmSync(probe, { force: true });
  } catch (error) {
    // Say it of the directory the user named, not of the probe's path.
    const reason = isTickflowError(error, 'OUTPUT_UNWRITABLE') ? String(error.context['reason']) : reasonOf(error);
    undo();
    throw unwritable(dir, reason, error);
  }
  return undo;
}
