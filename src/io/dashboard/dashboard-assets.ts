/**
 * The dashboard's static files: a fixed list, read once when the dashboard is created and served
 * from memory. Nothing is looked up by the request's path on disk, so no path a client sends
 * (`/assets/../package.json`, `%2e%2e`, a symlink) can reach another file: a path that is not a
 * key of the list is simply not the dashboard's.
 *
 * The page lives as plain files in `src/io/dashboard/page/` (no build step). The folder is found
 * relative to this module: next to it when running from `src` (vitest), and back in `src` when
 * running the compiled module from `dist/src/io/dashboard/` (`tsc` copies no assets), so both
 * `npm test` and `npm run build && node dist/...` serve the same files without a copy step.
 * lightweight-charts comes from `node_modules` (its standalone build, which defines the global
 * `LightweightCharts`), never from a CDN.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TickflowError } from '../../runtime/errors.js';

/** One file served: its bytes, content type and strong validator. */
export interface DashboardAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** A quoted hash of the body, for `ETag` / `If-None-Match`. */
  readonly etag: string;
}

/** Where the page's files are looked for, in order: from `src`, then from `dist/src`. */
const PAGE_DIRS: readonly URL[] = [new URL('./page/', import.meta.url), new URL('../../../../src/io/dashboard/page/', import.meta.url)];

/** The standalone build of lightweight-charts inside its package. */
const CHART_LIBRARY = 'dist/lightweight-charts.standalone.production.js';

const HTML = 'text/html; charset=utf-8';
const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';
const SVG = 'image/svg+xml';

/** URL path → file in the page folder (or the chart library), with its content type. */
const PAGE_FILES: readonly (readonly [path: string, file: string, contentType: string])[] = [
  ['/', 'index.html', HTML],
  ['/index.html', 'index.html', HTML],
  ['/assets/app.js', 'app.js', JS],
  ['/assets/dom.js', 'dom.js', JS],
  ['/assets/gateway-client.js', 'gateway-client.js', JS],
  ['/assets/panels.js', 'panels.js', JS],
  ['/assets/price-chart.js', 'price-chart.js', JS],
  ['/assets/style.css', 'style.css', CSS],
  ['/assets/favicon.svg', 'favicon.svg', SVG],
];

/** The URL path of the chart library. */
export const CHART_LIBRARY_PATH = '/assets/lightweight-charts.js';

/**
 * Reads every asset. `pageDir` overrides the page folder (tests). Throws `IO_UNAVAILABLE` naming
 * what is missing (the page folder, or lightweight-charts not installed): the daemon then fails at
 * start with that message rather than serve a broken page.
 */
export function loadDashboardAssets(pageDir?: string): ReadonlyMap<string, DashboardAsset> {
  const dir = pageDir ?? findPageDir();
  const assets = new Map<string, DashboardAsset>();
  for (const [path, file, contentType] of PAGE_FILES) assets.set(path, asset(join(dir, file), contentType));
  assets.set(CHART_LIBRARY_PATH, asset(chartLibraryFile(), JS));
  return assets;
}

function findPageDir(): string {
  for (const url of PAGE_DIRS) {
    const dir = fileURLToPath(url);
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  const tried = PAGE_DIRS.map((u) => fileURLToPath(u)).join(', ');
  throw new TickflowError('IO_UNAVAILABLE', `dashboard page not found (looked for index.html in ${tried})`, { tried });
}

function chartLibraryFile(): string {
  let packageJson: string;
  try {
    // The package's `exports` lists only its ESM entry and package.json, so resolve the latter.
    packageJson = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  } catch (error) {
    throw new TickflowError('IO_UNAVAILABLE', 'lightweight-charts is not installed (run npm install): the dashboard needs it', {}, { cause: error });
  }
  return join(dirname(packageJson), CHART_LIBRARY);
}

function asset(file: string, contentType: string): DashboardAsset {
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch (error) {
    throw new TickflowError('IO_UNAVAILABLE', `dashboard asset ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { file }, { cause: error });
  }
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { body, contentType, etag };
}
