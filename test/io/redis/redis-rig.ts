/**
 * What the Redis sink tests share: an admin client on the real server, fresh key prefixes whose
 * keys are deleted after each test, sinks with the tests' short timeouts, and a cleanup list run
 * after each test, last registered first (a sink made through a proxy closes before the proxy).
 * Call `redisRig(url)` inside a `describe`: it registers the hooks.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createRedisSink, type RedisSink, type RedisSinkOptions } from '../../../src/io/redis/redis-sink.js';
import { freshKeyPrefix } from '../../support/services.js';
import { NOW_US } from './wal-fixtures.js';

/** Connect and command timeout of the tests' sinks (ms): an outage is noticed within it. */
export const TEST_TIMEOUT_MS = 300;

/** The shared parts of a Redis sink test file. */
export interface RedisRig {
  /** A plain client to look at (and clean) the server. */
  readonly admin: Redis;
  /** A fresh key prefix; its keys are deleted after the test. */
  prefix(): string;
  /** A sink on `prefix` (default: a fresh one) to the test server, closed after the test. */
  sink(options?: Partial<RedisSinkOptions>): RedisSink;
  /** Runs `cleanup` after the test (before those registered earlier). */
  defer(cleanup: () => unknown): void;
}

/** Registers the hooks and returns the rig for the `describe` it is called in. */
export function redisRig(url: string): RedisRig {
  let admin: Redis | undefined;
  const prefixes: string[] = [];
  const cleanups: (() => unknown)[] = [];
  beforeAll(() => {
    admin = new Redis(url, { lazyConnect: true });
  });
  afterAll(async () => {
    await admin!.quit();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    for (const prefix of prefixes.splice(0)) {
      const keys = await admin!.keys(`${prefix}*`);
      if (keys.length > 0) await admin!.del(...keys);
    }
  });
  const rig: RedisRig = {
    get admin() {
      return admin!;
    },
    prefix() {
      const p = freshKeyPrefix();
      prefixes.push(p);
      return p;
    },
    sink(options = {}) {
      const s = createRedisSink({ url, prefix: options.prefix ?? rig.prefix(), connectTimeoutMs: TEST_TIMEOUT_MS, commandTimeoutMs: TEST_TIMEOUT_MS, now: () => NOW_US, ...options });
      rig.defer(() => s.close());
      return s;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
  return rig;
}
