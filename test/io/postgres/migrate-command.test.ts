/**
 * `tickflow migrate` through the CLI's `main`, as `test/app/cli.test.ts` runs the other commands.
 * It lives here rather than under `test/app/` because it needs the PostgreSQL server, and the
 * tests that open sockets run in the `sockets` project.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/app/cli.js';
import { LATEST_VERSION, MIGRATIONS } from '../../../src/io/postgres/migrations.js';
import { postgresUrl } from '../../support/services.js';
import { testSchema, type TestSchema } from './pg-schemas.js';

const url = await postgresUrl();

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.skipIf(url === undefined)('tickflow migrate', () => {
  let db: TestSchema;
  beforeEach(async () => {
    db = await testSchema(url!);
  });
  afterEach(async () => {
    await db.drop();
  });

  it('applies the migrations, prints them, and prints nothing to apply the second time', async () => {
    const first = await cli(['migrate', '--url', url!, '--schema', db.schema]);
    expect(first.code).toBe(0);
    for (const m of MIGRATIONS) expect(first.out).toContain(`applied ${m.version} ${m.name}`);
    expect(first.out).toMatch(/daily partitions created: 27/);
    expect(await db.count('tickflow_migrations')).toBe(MIGRATIONS.length);
    const second = await cli(['migrate', '--url', url!, '--schema', db.schema]);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`up to date at version ${LATEST_VERSION}; nothing applied`);
  });

  it('exits 70 naming the unreachable server without its password', async () => {
    const run = await cli(['migrate', '--url', 'postgres://postgres:hunter2@127.0.0.1:1/test', '--schema', db.schema]);
    expect(run.code).toBe(70);
    expect(run.err).toContain('postgres://postgres@127.0.0.1:1/test');
    expect(run.err).not.toContain('hunter2');
  });

  it('exits 78 for a schema name that is not a plain identifier', async () => {
    const run = await cli(['migrate', '--url', url!, '--schema', 'bad;name']);
    expect(run.code).toBe(78);
    expect(run.err).toContain('bad;name');
  });

  it('exits 64 for an unknown flag', async () => {
    const run = await cli(['migrate', '--schemas', 'x']);
    expect(run.code).toBe(64);
    expect(run.err).toContain('--schema');
  });
});
