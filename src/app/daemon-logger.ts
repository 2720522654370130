/**
 * The daemon's logger: pino JSON lines (one object a line, for log shippers), or, when the output is
 * a terminal, the same records as short human lines (`12:00:01.234 WARN  message key=value`).
 *
 * Secrets never reach the output: pino removes the values at `REDACT_PATHS` (tokens, passwords,
 * authorization headers) and keeps URLs readable with their credentials and `token` parameter
 * removed. The paths cover the keys the daemon logs; a secret logged under another key is the
 * caller's bug, so the rule is stated here: log tokens never, URLs under `url`.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../runtime/logger.js';

/** Paths whose values are censored in every log record. */
export const REDACT_PATHS: readonly string[] = [
  'token', '*.token', 'tokens', '*.tokens', 'password', '*.password',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization', 'url', '*.url',
];

/** Where log lines go and how. */
export interface DaemonLoggerOptions {
  readonly level: string;
  /** Default `process.stdout`. */
  readonly stream?: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Human lines instead of JSON (default: when `stream` is a terminal). */
  readonly pretty?: boolean;
}

/** Creates the daemon's logger (see the module comment). */
export function createDaemonLogger(options: DaemonLoggerOptions): Logger {
  const stream = options.stream ?? process.stdout;
  const pretty = options.pretty ?? stream.isTTY === true;
  const destination = pretty ? humanLines(stream) : stream;
  return pino({ level: options.level, base: null, redact: { paths: [...REDACT_PATHS], censor: censor } }, destination) as unknown as Logger;
}

/** A URL stays readable without its credentials or token; anything else becomes `[redacted]`. */
export function censor(value: unknown): unknown {
  if (typeof value !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return '[redacted]';
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    url.searchParams.delete('token');
    return url.toString();
  } catch {
    return '[redacted]';
  }
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };

/** A stream that turns pino's JSON lines into `time LEVEL msg key=value ...` lines on `out`. */
function humanLines(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line === '') continue;
        out.write(`${human(line)}\n`);
      }
      done();
    },
  });
}

function human(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, ...rest } = record;
  const at = typeof time === 'number' ? new Date(time).toISOString().slice(11, 23) : '';
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [at, LEVELS[level as number] ?? String(level), typeof msg === 'string' ? msg : '', ...fields].filter((p) => p !== '').join(' ');
}
