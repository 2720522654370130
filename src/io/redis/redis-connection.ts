/**
 * One ioredis connection set up for a writer that must never wait on a dead server: no offline
 * queue (a command on a broken connection fails at once instead of queueing), no retries and no
 * reconnection of its own (`retryStrategy` returns null: the projection writer owns reconnects,
 * with its backoff, through `open()`), a connect timeout, a per-command timeout and TCP keep-alive.
 * `connectRedis` also bounds the whole handshake (TCP, AUTH, ready check) by one deadline, so a
 * server that accepts and then says nothing cannot hold `open()` either.
 *
 * Passwords never reach a message: `redactUrl` masks the URL's, `redactSecret` the password's
 * text wherever a driver error might echo it.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../../runtime/logger.js';

/** Options of `connectRedis`. */
export interface RedisConnectionOptions {
  readonly url: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Shown in `CLIENT LIST`, so an operator can tell the daemon's connections apart. */
  readonly connectionName: string;
  readonly logger: Logger;
}

// Idle time before the first TCP keep-alive probe: an idle connection to a vanished host is
// noticed in seconds, not after the kernel's default two hours.
const KEEP_ALIVE_MS = 5000;

/** Connects and resolves once the connection is ready; rejects (and cleans up) on failure or deadline. */
export async function connectRedis(options: RedisConnectionOptions): Promise<Redis> {
  const redis = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    autoResubscribe: false,
    connectTimeout: options.connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs,
    keepAlive: KEEP_ALIVE_MS,
    noDelay: true,
    connectionName: options.connectionName,
  });
  const safeUrl = redactUrl(options.url);
  // Without a listener ioredis prints every error to stderr; the caller learns of failures from
  // rejected commands, so these go to debug. The last one is kept: a refused login reaches
  // `connect()` only as "Connection is closed", the reason (WRONGPASS, NOPERM) only as an event.
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
    options.logger.debug({ url: safeUrl, err: redactSecret(error.message, options.url) }, 'redis connection error');
  });
  const deadlineMs = options.connectTimeoutMs + options.commandTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ready connection within ${deadlineMs} ms`)), deadlineMs);
      }),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    throw lastError ?? error;
  } finally {
    clearTimeout(timer);
  }
}

/** `url` with its password, if any, replaced by `***` (for messages and logs). */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<unparseable redis url>';
  }
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}

/** `text` with the password of `url` (raw and percent-decoded) replaced by `***`. */
export function redactSecret(text: string, url: string): string {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return text;
  }
  if (password === '') return text;
  let out = text.split(password).join('***');
  const decoded = safeDecode(password);
  if (decoded !== password && decoded !== '') out = out.split(decoded).join('***');
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
