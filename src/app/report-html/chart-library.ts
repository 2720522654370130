/**
 * The chart library the HTML report inlines: lightweight-charts' standalone production build
 * (it defines the global `LightweightCharts`), read from `node_modules` where the package is
 * installed, never fetched from a CDN, so a report opens offline.
 *
 * It is found with `createRequire(import.meta.url)`, so it resolves the same way from `src`
 * (tests), from `dist` and from an installed `tickflow` package (its dependency). The text is read
 * once per process (a sweep writes many reports) and checked to hold nothing that would end the
 * inline `<script>` element early (`</script`, `<!--`); the shipped builds hold neither.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TickflowError } from '../../runtime/errors.js';

/** The standalone production build inside the package. */
export const CHART_LIBRARY_FILE = 'dist/lightweight-charts.standalone.production.js';

let cached: string | undefined;

/**
 * The library's source text. Throws `IO_UNAVAILABLE` when lightweight-charts is not installed or
 * its build cannot be read or inlined (the message says which and where).
 */
export function chartLibrarySource(): string {
  if (cached !== undefined) return cached;
  let packageJson: string;
  try {
    // The package's `exports` lists only its ESM entry and package.json, so resolve the latter.
    packageJson = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  } catch (error) {
    throw new TickflowError('IO_UNAVAILABLE', 'lightweight-charts is not installed (run npm install): report.html inlines it', {}, { cause: error });
  }
  const file = join(dirname(packageJson), CHART_LIBRARY_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TickflowError('IO_UNAVAILABLE', `the chart library ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file }, { cause: error });
  }
  if (/<\/script|<!--/i.test(text)) throw new TickflowError('IO_UNAVAILABLE', `the chart library ${file} holds "</script" or "<!--" and cannot be inlined in report.html`, { file });
  cached = text;
  return text;
}
