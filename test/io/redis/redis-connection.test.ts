import { describe, expect, it } from 'vitest';
import { connectRedis, redactSecret, redactUrl } from '../../../src/io/redis/redis-connection.js';
import { createRedisSink } from '../../../src/io/redis/redis-sink.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { redisUrl } from '../../support/services.js';

const url = await redisUrl();

describe('redactUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(redactUrl('redis://app:s3cr%3At@db.internal:6380/2')).toBe('redis://app:***@db.internal:6380/2');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('not a url')).toBe('<unparseable redis url>');
  });
});

describe('redactSecret', () => {
  it('masks the password wherever it appears, raw or percent-decoded', () => {
    expect(redactSecret('auth s3cr:t failed (s3cr%3At)', 'redis://app:s3cr%3At@h:1')).toBe('auth *** failed (***)');
    expect(redactSecret('nothing to hide', 'redis://h:1')).toBe('nothing to hide');
  });
});

describe.skipIf(url === undefined)('connectRedis', () => {
  it('connects and answers', async () => {
    const redis = await connectRedis({ url: url!, connectTimeoutMs: 300, commandTimeoutMs: 300, connectionName: 'tickflow-test', logger: silentLogger });
    try {
      expect(await redis.ping()).toBe('PONG');
      expect(await redis.client('GETNAME')).toBe('tickflow-test');
    } finally {
      redis.disconnect();
    }
  });

  it('rejects a refused login without the password in the message', async () => {
    const wrong = new URL(url!);
    wrong.username = 'no-such-user';
    wrong.password = 'hunter2-secret';
    const sink = createRedisSink({ url: wrong.toString(), connectTimeoutMs: 300, commandTimeoutMs: 300 });
    const error = await sink.open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTickflowError(error, 'IO_UNAVAILABLE')).toBe(true);
    const text = `${(error as Error).message} ${JSON.stringify((error as { context: unknown }).context)}`;
    expect(text).not.toContain('hunter2-secret');
    expect(text).toContain('no-such-user:***@');
    expect(text).toContain('WRONGPASS');
    await sink.close();
  });
});
