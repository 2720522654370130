/**
 * The version of tickflow, read at run time from its `package.json`: the nearest one named
 * `tickflow` above this module. That is `../../package.json` from `src/app/` in a checkout and
 * `../../../package.json` from `dist/src/app/` in a build or an installed package, so the version is
 * never copied into the code or the build.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TickflowError } from '../runtime/errors.js';

/**
 * The `version` of the first `package.json` named `tickflow` in `from` or a folder above it
 * (default: this module's folder). A `package.json` of another name, or one that cannot be read,
 * is passed over; none at all is `IO_UNAVAILABLE` naming where the search started.
 */
export function packageVersion(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const version = tickflowVersionIn(join(dir, 'package.json'));
    if (version !== undefined) return version;
    if (dirname(dir) === dir) throw new TickflowError('IO_UNAVAILABLE', `cannot find tickflow's package.json in ${from} or above it`, { from });
  }
}

function tickflowVersionIn(file: string): string | undefined {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const { name, version } = (pkg ?? {}) as { name?: unknown; version?: unknown };
  return name === 'tickflow' && typeof version === 'string' ? version : undefined;
}
