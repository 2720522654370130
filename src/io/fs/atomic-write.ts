/**
 * Writing a file so that readers see all of it or none of it: the bytes go to a temporary name in
 * the same directory (`.<name>.<pid>.<n>.tmp`), are flushed to disk, and the file is then renamed
 * over `path`. A rename within one directory is atomic, so a full disk, a crash or a kill part-way
 * leaves `path` as it was (absent, or the previous complete file), never truncated beside complete
 * files. A failed write removes its temporary file; only a crash can leave one behind, under a
 * dot-name no output is ever read from.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { reasonOf, unwritable } from './make-dir.js';

// Distinguishes temporary names of one process; with the pid, unique on the machine.
let sequence = 0;

/**
 * Writes `data` (UTF-8 text or bytes) to `path` atomically (see the module comment). The directory
 * must exist. Throws `OUTPUT_UNWRITABLE` naming `path` and the system's reason (`ENOSPC: no space
 * left on device`, `EACCES: permission denied`) when any step fails.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${++sequence}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    // On disk before the rename, or a power cut could leave the new name on empty blocks.
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // Already failing: the write's error is the one to report.
      }
    }
    try {
      rmSync(temp, { force: true });
    } catch {
      // Left under its dot-name; the write's error is the one to report.
    }
    throw unwritable(path, reasonOf(error), error);
  }
}
