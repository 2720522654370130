/**
 * The package as another project meets it: `npm pack`, install the tarball in a fresh project,
 * and run the README's library example there (a user's strategy in plain ESM JavaScript, passed to
 * `runBacktest` as a value, the report written with the exported writer).
 *
 * The tarball is packed from a staging folder holding the real `package.json` and README and,
 * for each entry of the package's `files`, either the compiled output the `sockets` project's
 * global setup already built (`dist/...` entries; the same `tsc -p tsconfig.build.json` that
 * `prepack` runs) or the repository's own file. So the test checks what `files`, `exports`, `bin`
 * and the dependencies say, without a second 15-second build.
 *
 * Dependencies come from the registry through npm's cache (`--prefer-offline`). Where that fails
 * (no network, empty cache) they are linked from this checkout's `node_modules` instead; tickflow
 * itself always comes from the tarball. `TICKFLOW_PACK_TEST_INSTALL=link` links them without trying
 * npm. Timeouts: `TICKFLOW_PACK_TEST_TIMEOUT_MS` (default 50 s) bounds the setup and each command.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const TIMEOUT = Number(process.env['TICKFLOW_PACK_TEST_TIMEOUT_MS'] ?? 50_000);
const root = resolve(import.meta.dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  files: string[];
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};
const tmp = mkdtempSync(join(tmpdir(), 'tickflow-pack-'));
const project = join(tmp, 'project');
let packed: readonly string[] = [];
let tarball = '';
let install: 'npm' | 'linked' = 'npm';

async function sh(command: string, args: readonly string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  return run(command, args, { cwd, timeout: TIMEOUT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
}

/** The ```js blocks of the README's library section, by the file named on their first line (`// strategy.js`). */
function readmeExample(readme: string): Map<string, string> {
  const start = readme.indexOf('### Using tickflow as a library');
  if (start < 0) throw new Error('README.md has no "Using tickflow as a library" section');
  const end = readme.indexOf('\n#', start + 4);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const files = new Map<string, string>();
  for (const [, code] of section.matchAll(/```js\n([\s\S]*?)```/g)) {
    const name = /^\/\/ ([\w.-]+\.js)\n/.exec(code!)?.[1];
    if (name !== undefined) files.set(name, code!);
  }
  return files;
}

beforeAll(async () => {
  // Stage the package: compiled output for `dist/...`, the repository's files for the rest.
  const build = resolve(inject('tickflowCli'), '../../..');
  const stage = join(tmp, 'stage');
  mkdirSync(stage);
  for (const file of ['package.json', 'README.md']) cpSync(join(root, file), join(stage, file));
  for (const entry of pkg.files.filter((f) => !f.startsWith('!'))) {
    const from = entry.startsWith('dist/') ? join(build, entry.slice('dist/'.length)) : join(root, entry);
    cpSync(from, join(stage, entry), { recursive: true });
  }
  const pack = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], stage);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(tmp, info!.filename);
  packed = info!.files.map((f) => f.path);

  // A fresh ESM project that installs the tarball.
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tickflow-user', private: true, type: 'module' }, null, 2));
  try {
    if (process.env['TICKFLOW_PACK_TEST_INSTALL'] === 'link') throw new Error('TICKFLOW_PACK_TEST_INSTALL=link');
    await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', tarball], project);
  } catch (error) {
    console.warn(`npm install did not run or failed; linking the dependencies from this checkout:\n${String((error as Error).message).slice(0, 1000)}`);
    install = 'linked';
    const target = join(project, 'node_modules/tickflow');
    mkdirSync(target, { recursive: true });
    await sh('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], project);
    for (const dep of Object.keys(pkg.dependencies)) {
      const link = join(project, 'node_modules', dep);
      mkdirSync(resolve(link, '..'), { recursive: true });
      symlinkSync(join(root, 'node_modules', dep), link, 'dir');
    }
    mkdirSync(join(project, 'node_modules/.bin'));
    for (const [name, file] of Object.entries(pkg.bin)) symlinkSync(join('../tickflow', file), join(project, 'node_modules/.bin', name));
  }
  for (const [name, code] of readmeExample(readFileSync(join(root, 'README.md'), 'utf8'))) writeFileSync(join(project, name), code);
}, TIMEOUT);

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('packs the compiled code with its declarations and runtime files, and nothing of test/ or bench/', () => {
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/app/cli.js', 'dist/actors/strategies/define-strategy.d.ts']));
    // Read beside the compiled modules at run time (dashboard-assets.ts, worker-inflate.ts).
    expect(packed).toEqual(expect.arrayContaining(['src/io/dashboard/page/index.html', 'src/io/dashboard/page/app.js', 'streams/inflate-worker.cjs']));
    expect(packed.filter((p) => /^(dist\/)?(test|bench)\//.test(p))).toEqual([]);
    expect(packed.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(packed.filter((p) => p.endsWith('.map'))).toEqual([]);
  });

  it('installs from the tarball, not from this checkout', () => {
    const installed = realpathSync(join(project, 'node_modules/tickflow'));
    expect(installed.startsWith(realpathSync(project))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe(pkg.version);
    expect(install === 'npm' || existsSync(join(project, 'node_modules/zod'))).toBe(true);
  });

  it('runs the README example: a plain-JS strategy passed to runBacktest, the report written with writeReport', async () => {
    expect(existsSync(join(project, 'strategy.js'))).toBe(true);
    expect(existsSync(join(project, 'backtest.js'))).toBe(true);
    const { stdout } = await sh(process.execPath, ['backtest.js'], project);
    expect(stdout).toMatch(/strategy\s+sma-flip \{"period":8,"size":1\} on 10s bars/);
    const report = JSON.parse(readFileSync(join(project, 'out/report.json'), 'utf8')) as Record<string, any>;
    expect(report['strategy']).toEqual({ name: 'sma-flip', params: { period: 8, size: 1 } });
    expect(report['signals']).toBeGreaterThan(0);
    expect(report['fills']).toBeGreaterThan(0);
    const fills = readFileSync(join(project, 'out/fills.csv'), 'utf8').trim().split('\n');
    expect(fills.length).toBe(report['fills'] + 1);
    expect(fills[1]).toContain(',SIMUSDT,');
  });

  it('installs the tickflow command', async () => {
    const { stdout } = await sh(process.execPath, [join(project, 'node_modules/.bin/tickflow'), 'strategies'], project);
    expect(stdout).toContain('ema-cross');
  });
});
