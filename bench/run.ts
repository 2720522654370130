/**
 * `npm run bench`: runs every `*.bench.js` beside this file, each in its own Node process so one
 * benchmark's JIT state and heap do not colour the next. Extra arguments (`--quick`, or names to
 * filter by) pass through.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file.replace(/\.js$/, '')}`);
  const res = spawnSync(process.execPath, ['--expose-gc', join(here, file), ...args], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
console.log(`\nresults merged into bench/results/latest.json`);
process.exit(failed === 0 ? 0 : 1);
