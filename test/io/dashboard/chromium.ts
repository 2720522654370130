/**
 * Debian's `chromium`, driven by playwright-core, for the dashboard's browser tests (DEVELOPERS.md).
 * No browser is ever downloaded: the tests use `/usr/bin/chromium` or skip, saying so, when it is
 * absent; under `CI=true` its absence is an error, since CI must run them (`.ci/run` installs it).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where Debian's package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, offline, throwaway browser: no sandbox (root in a container), no GPU, no background traffic. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The browser's path, or undefined (with a warning saying how to install it) when it is absent.
 * Throws under `CI=true` instead. Use with `describe.skipIf(!path)`.
 */
export function chromiumPath(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const message = `${CHROMIUM_PATH} not found: the dashboard's browser tests need Debian's chromium (apt-get install -y chromium; see DEVELOPERS.md)`;
  if (process.env.CI === 'true') throw new Error(`${message}; under CI=true they must run`);
  console.warn(`skipping: ${message}`);
  return undefined;
}

/** A headless browser on a fresh profile folder, removed by `close()`. */
export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches chromium headless with `CHROMIUM_ARGS` on a fresh `--user-data-dir` (Playwright's
 * persistent context is what passes that flag; `launch()` refuses it in `args`).
 */
export async function launchChromium(executablePath: string): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'tickflow-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS],
      viewport: { width: 1440, height: 1000 },
      timeout: 15_000,
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
