/**
 * Why a request to a market-data source failed, as one of a closed set of classes, so the breaker,
 * the retry backoff and the metrics all branch on the same small value and never on message text.
 *
 * | class          | from                                                                  | retryable |
 * |----------------|-----------------------------------------------------------------------|-----------|
 * | `timeout`      | ETIMEDOUT, ESOCKETTIMEDOUT, undici timeouts, `TimeoutError`, HTTP 408  | yes       |
 * | `refused`      | ECONNREFUSED, ENOTFOUND, EAI_AGAIN, EHOST/ENETUNREACH, …; WS close 1015 | yes       |
 * | `reset`        | ECONNRESET, EPIPE, ECONNABORTED, undici socket; WS close 1000/1001/1005/1006 | yes |
 * | `rate-limited` | HTTP 429 (with its `Retry-After`)                                      | yes       |
 * | `banned`       | HTTP 418, Binance's IP ban (with its `Retry-After`)                     | yes, after the wait |
 * | `server`       | HTTP 5xx; WS close 1011-1014                                           | yes       |
 * | `permanent`    | any other HTTP status outside 2xx; WS close 1003, 1008, 1010, 4000-4999 | no        |
 * | `malformed`    | unparsable payload: `SyntaxError`, tickflow `DATA_*` errors, `WS_ERR_*`, WS close 1002/1007/1009, an impossible status | yes |
 * | `unknown`      | anything else                                                          | yes       |
 *
 * `retryable` answers "may the same request succeed if repeated later?". It is what a caller
 * making a one-off request (a REST snapshot) uses; a fallback chain reacts to a non-retryable
 * failure through its breaker policy (`openAtOnce`). `unknown` is retryable because a breaker
 * still stops a source that keeps failing in a way we cannot name.
 */
import { isTickflowError } from '../../src/runtime/errors.js';
import { parseRetryAfter, type WallClock } from './retry-after.js';

/** The closed set of failure classes (see the module table). */
export type FailureClass = 'timeout' | 'refused' | 'reset' | 'rate-limited' | 'banned' | 'server' | 'permanent' | 'malformed' | 'unknown';

/** Every failure class, in a fixed order (for metrics and config validation). */
export const FAILURE_CLASSES: readonly FailureClass[] = ['timeout', 'refused', 'reset', 'rate-limited', 'banned', 'server', 'permanent', 'malformed', 'unknown'];

/** A classified failure. Every field is always present, so all failures share one shape. */
export interface ClassifiedFailure {
  readonly class: FailureClass;
  readonly retryable: boolean;
  /** The server's `Retry-After` as a wait in µs from when the response was read; undefined when not given or unreadable. */
  readonly retryAfterUs: number | undefined;
  /** What it was classified from, for logs: a Node error code, `HTTP 429`, `WS 1006`, an error name. */
  readonly detail: string;
}

const RETRYABLE: Readonly<Record<FailureClass, boolean>> = {
  timeout: true,
  refused: true,
  reset: true,
  'rate-limited': true,
  banned: true,
  server: true,
  permanent: false,
  malformed: true,
  unknown: true,
};

const BY_CODE: Readonly<Record<string, FailureClass>> = {
  ETIMEDOUT: 'timeout',
  ESOCKETTIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  ECONNREFUSED: 'refused',
  ENOTFOUND: 'refused',
  EAI_AGAIN: 'refused',
  EHOSTUNREACH: 'refused',
  ENETUNREACH: 'refused',
  EHOSTDOWN: 'refused',
  ENETDOWN: 'refused',
  EADDRNOTAVAIL: 'refused',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  UND_ERR_SOCKET: 'reset',
  UND_ERR_CLOSED: 'reset',
  ERR_STREAM_PREMATURE_CLOSE: 'reset',
};

/** `ws` reports a refused upgrade as this message, with the status but not the headers. */
const WS_UNEXPECTED_RESPONSE = /^Unexpected server response: (\d{3})$/;
const MAX_CAUSE_DEPTH = 4;

/** A classified failure; `retryable` follows the class. */
export function failure(cls: FailureClass, detail: string, retryAfterUs?: number): ClassifiedFailure {
  return { class: cls, retryable: RETRYABLE[cls], retryAfterUs, detail };
}

/**
 * Classifies an HTTP status. Returns null for 2xx (not a failure). 429 is `rate-limited`, 418
 * `banned`, 408 `timeout`, 5xx `server` (each carrying `Retry-After` when given and readable, see
 * `parseRetryAfter`), any other status from 100 to 599 `permanent` (this client follows no
 * redirects, so a 3xx repeats), and a status outside 100-599 or not an integer `malformed`.
 * Never throws.
 */
export function classifyStatus(status: number, retryAfter: string | readonly string[] | null | undefined, wallClock: WallClock): ClassifiedFailure | null {
  if (!Number.isInteger(status) || status < 100 || status > 599) return failure('malformed', `HTTP ${status}`);
  if (status >= 200 && status < 300) return null;
  const detail = `HTTP ${status}`;
  if (status === 429) return failure('rate-limited', detail, parseRetryAfter(retryAfter, wallClock));
  if (status === 418) return failure('banned', detail, parseRetryAfter(retryAfter, wallClock));
  if (status === 408) return failure('timeout', detail, parseRetryAfter(retryAfter, wallClock));
  if (status >= 500) return failure('server', detail, parseRetryAfter(retryAfter, wallClock));
  return failure('permanent', detail);
}

/**
 * Classifies a WebSocket close code (RFC 6455 §7.4 and the IANA registry): a normal or abnormal
 * close is `reset` (reconnect), 1011-1014 `server`, 1015 (TLS handshake) `refused`, protocol and
 * payload errors `malformed`, policy and unsupported-data closes and application codes 4000-4999
 * `permanent`; anything else `unknown`. Never throws.
 */
export function classifyClose(code: number): ClassifiedFailure {
  const detail = `WS ${code}`;
  switch (code) {
    case 1000:
    case 1001:
    case 1005:
    case 1006:
      return failure('reset', detail);
    case 1002:
    case 1007:
    case 1009:
      return failure('malformed', detail);
    case 1003:
    case 1008:
    case 1010:
      return failure('permanent', detail);
    case 1011:
    case 1012:
    case 1013:
    case 1014:
      return failure('server', detail);
    case 1015:
      return failure('refused', detail);
    default:
      return failure(code >= 4000 && code <= 4999 ? 'permanent' : 'unknown', detail);
  }
}

/**
 * Classifies anything thrown or rejected by a request: Node and undici error codes (table above),
 * `TimeoutError` (from `AbortSignal.timeout`), `SyntaxError` (a body that did not parse), tickflow
 * `DATA_*` errors and `ws` protocol errors (`WS_ERR_*`) as `malformed`, `ws`'s "Unexpected server
 * response: NNN" and objects carrying a numeric `status` or `statusCode` (with optional `headers`
 * holding `retry-after`) through `classifyStatus`; a 2xx there, which is not a failure, is
 * `unknown`. Follows `cause` (fetch wraps the socket error) and an `AggregateError`'s first error
 * (Node's happy-eyeballs connect), at most four levels deep. Anything else is `unknown`. Never throws.
 */
export function classifyError(error: unknown, wallClock: WallClock): ClassifiedFailure {
  return classifyAt(error, wallClock, 0) ?? failure('unknown', describe(error));
}

function classifyAt(error: unknown, wallClock: WallClock, depth: number): ClassifiedFailure | undefined {
  if (typeof error !== 'object' || error === null || depth > MAX_CAUSE_DEPTH) return undefined;
  const e = error as { code?: unknown; name?: unknown; message?: unknown; status?: unknown; statusCode?: unknown; headers?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') {
    const cls = BY_CODE[e.code];
    if (cls !== undefined) return failure(cls, e.code);
    if (e.code.startsWith('WS_ERR_')) return failure('malformed', e.code);
  }
  if (isTickflowError(error) && error.code.startsWith('DATA_')) return failure('malformed', error.code);
  if (e.name === 'TimeoutError') return failure('timeout', 'TimeoutError');
  if (error instanceof SyntaxError) return failure('malformed', 'SyntaxError');
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) return classifyStatus(status, retryAfterOf(e.headers), wallClock) ?? undefined;
  if (typeof e.message === 'string') {
    const m = WS_UNEXPECTED_RESPONSE.exec(e.message);
    if (m !== null) return classifyStatus(Number(m[1]), undefined, wallClock) ?? undefined;
  }
  const inner = classifyAt(e.cause, wallClock, depth + 1);
  if (inner !== undefined) return inner;
  if (Array.isArray(e.errors)) return classifyAt(e.errors[0], wallClock, depth + 1);
  return undefined;
}

/** `retry-after` from a plain header record or a fetch `Headers`. */
function retryAfterOf(headers: unknown): string | readonly string[] | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const h = headers as { get?: unknown; [key: string]: unknown };
  if (typeof h.get === 'function') {
    const v: unknown = (h.get as (name: string) => unknown).call(headers, 'retry-after');
    return typeof v === 'string' ? v : undefined;
  }
  const v = h['retry-after'] ?? h['Retry-After'];
  return typeof v === 'string' || Array.isArray(v) ? (v as string | readonly string[]) : undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.name;
  return error === null ? 'null' : typeof error;
}
