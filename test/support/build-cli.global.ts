/**
 * Global setup of the `sockets` project: builds the CLI once (`tsc -p tsconfig.build.json` into
 * `node_modules/.cache/tickflow-test-cli`, inside the checkout so `node_modules` resolves) for the
 * tests that spawn `tickflow` as a child process (kill -9 and restart). They read its path with
 * `inject('tickflowCli')`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    tickflowCli: string;
  }
}

export default function setup(project: TestProject): void {
  const root = resolve(import.meta.dirname, '../..');
  const out = join(root, 'node_modules/.cache/tickflow-test-cli');
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { cwd: root, stdio: 'pipe' });
  } catch (error) {
    // Type errors still emit JavaScript; only a build that wrote nothing is fatal (the tests say so).
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    console.warn(`building the CLI for the process tests reported:\n${output.slice(0, 2000)}`);
  }
  // The dashboard's page is served from files beside the code (`dashboard-assets.ts`), which tsc does not copy.
  cpSync(join(root, 'src/io/dashboard/page'), join(out, 'src/io/dashboard/page'), { recursive: true });
  // Likewise the inflate worker's script (plain CommonJS, found beside the compiled `worker-inflate.js`).
  cpSync(join(root, 'streams/inflate-worker.cjs'), join(out, 'streams/inflate-worker.cjs'));
  project.provide('tickflowCli', join(out, 'src/app/cli.js'));
}
