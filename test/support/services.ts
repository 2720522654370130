/**
 * The machine's PostgreSQL and Redis for integration tests (`DATABASE_URL`, `REDIS_URL`, defaulting
 * to the loopback servers). A test file asks `await postgresUrl()` / `await redisUrl()` at its top
 * level and runs its suite with `describe.skipIf(url === undefined)`: where the server does not
 * answer, the tests skip with a message naming the address, except under `CI=true`, where an
 * unreachable server is an error (CI must run them). Each test takes its own schema
 * (`freshSchemaName`) or key prefix (`freshKeyPrefix`), so files may run in parallel.
 */
import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';

/** The PostgreSQL URL tests use. */
export const DATABASE_URL: string = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The Redis URL tests use. */
export const REDIS_URL: string = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const warned = new Set<string>();

/** `DATABASE_URL` when a TCP connection to it opens within 2 s, else undefined (outside CI). */
export function postgresUrl(): Promise<string | undefined> {
  return reachable('PostgreSQL', DATABASE_URL, 5432, 'DATABASE_URL');
}

/** `REDIS_URL` when a TCP connection to it opens within 2 s, else undefined (outside CI). */
export function redisUrl(): Promise<string | undefined> {
  return reachable('Redis', REDIS_URL, 6379, 'REDIS_URL');
}

/** A schema name no other test uses (`t_<hex>`). */
export function freshSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** A Redis key prefix no other test uses (`t:<hex>:`). */
export function freshKeyPrefix(): string {
  return `t:${randomBytes(6).toString('hex')}:`;
}

async function reachable(service: string, url: string, defaultPort: number, variable: string): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  const ok = await new Promise<boolean>((resolve) => {
    const socket = new Socket();
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port === '' ? defaultPort : Number(port), hostname.replace(/^\[|\]$/g, ''), () => done(true));
  });
  if (ok) return url;
  const message = `${service} at ${hostname}:${port || defaultPort} is not reachable (set ${variable}, or start it as DEVELOPERS.md says)`;
  if (process.env.CI === 'true') throw new Error(`${message}; under CI=true the tests that need it must run`);
  if (!warned.has(url)) {
    warned.add(url);
    console.warn(`skipping: ${message}`);
  }
  return undefined;
}
