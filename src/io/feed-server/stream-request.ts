/**
 * Requests a client sends on a Binance stream connection (`SUBSCRIBE`, `UNSUBSCRIBE`,
 * `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`), parsed and checked the way Binance
 * documents, with its error replies `{"error":{"code":N,"msg":".."},"id":..}`:
 * code 0 unknown property, 1 a property value that is not a boolean, 2 an invalid request (missing
 * or unknown method, bad id, bad or too many parameters), 3 text that is not JSON. Pure: the
 * connection applies what a request asks.
 */
import { isStreamName } from './feed-event.js';

/** A request id as Binance accepts it: a 64-bit integer, an alphanumeric string up to 36, or null. */
export type RequestId = number | string | null;

/** A well-formed request. */
export type StreamRequest =
  | { readonly method: 'SUBSCRIBE' | 'UNSUBSCRIBE'; readonly streams: readonly string[]; readonly id: RequestId }
  | { readonly method: 'LIST_SUBSCRIPTIONS'; readonly id: RequestId }
  | { readonly method: 'SET_PROPERTY'; readonly combined: boolean; readonly id: RequestId }
  | { readonly method: 'GET_PROPERTY'; readonly id: RequestId };

/** Binance's error codes for stream requests. */
export type RequestErrorCode = 0 | 1 | 2 | 3;

/** A refused request: the reply to send. */
export interface RequestError {
  readonly error: { readonly code: RequestErrorCode; readonly msg: string };
  readonly id: RequestId;
}

const METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE', 'LIST_SUBSCRIPTIONS', 'SET_PROPERTY', 'GET_PROPERTY'];
const STRING_ID = /^[A-Za-z0-9-]{1,36}$/;

/** Parses one request text; returns the request or the error reply. */
export function parseStreamRequest(text: string): StreamRequest | RequestError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail(3, `Invalid JSON: expected value at ${where(text, error)}`, null);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(2, 'Invalid request: expected a JSON object', null);
  const request = value as Record<string, unknown>;
  const rawId = request['id'];
  const id: RequestId = validId(rawId) ? (rawId as RequestId) : null;
  if (!('method' in request)) return fail(2, 'Invalid request: missing field `method`', id);
  const method = request['method'];
  if (typeof method !== 'string' || !METHODS.includes(method)) {
    return fail(2, `Invalid request: unknown variant \`${String(method)}\`, expected one of ${METHODS.map((m) => `\`${m}\``).join(', ')}`, id);
  }
  if (!('id' in request) || !validId(rawId)) return fail(2, 'Invalid request: request ID must be an unsigned integer', null);
  const params = request['params'];
  switch (method) {
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      if (params === undefined) return fail(2, 'Invalid request: missing field `params`', id);
      if (!Array.isArray(params)) return fail(2, 'Invalid request: params must be a list of stream names', id);
      for (const name of params) {
        if (typeof name !== 'string') return fail(2, 'Invalid request: stream names must be strings', id);
        if (!isStreamName(name)) return fail(2, `Invalid request: invalid stream name ${JSON.stringify(name)} (expected <symbol>@<channel>, symbol in lower case)`, id);
      }
      return { method, streams: params as string[], id };
    }
    case 'LIST_SUBSCRIPTIONS':
      if (params !== undefined && !(Array.isArray(params) && params.length === 0)) return fail(2, 'Invalid request: too many parameters', id);
      return { method, id };
    default: {
      // SET_PROPERTY ["combined", bool] and GET_PROPERTY ["combined"].
      const list = Array.isArray(params) ? params : [];
      if (list.length > (method === 'SET_PROPERTY' ? 2 : 1)) return fail(2, 'Invalid request: too many parameters', id);
      if (typeof list[0] !== 'string') return fail(2, 'Invalid request: property name must be a string', id);
      if (list[0] !== 'combined') return fail(0, 'Unknown property', id);
      if (method === 'GET_PROPERTY') return { method: 'GET_PROPERTY', id };
      if (typeof list[1] !== 'boolean') return fail(1, 'Invalid value type: expected Boolean', id);
      return { method: 'SET_PROPERTY', combined: list[1], id };
    }
  }
}

/** True when the value is an error reply rather than a request. */
export function isRequestError(value: StreamRequest | RequestError): value is RequestError {
  return 'error' in value;
}

function validId(id: unknown): boolean {
  if (id === null) return true;
  if (typeof id === 'number') return Number.isSafeInteger(id);
  return typeof id === 'string' && STRING_ID.test(id);
}

function fail(code: RequestErrorCode, msg: string, id: RequestId): RequestError {
  return { error: { code, msg }, id };
}

/** `line L column C` of a JSON.parse error, from the position V8 reports (column 1 when it gives none). */
function where(text: string, error: unknown): string {
  const match = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  const at = match === null ? text.length : Math.min(Number(match[1]), text.length);
  let line = 1;
  let column = 1;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      column = 1;
    } else column++;
  }
  return `line ${line} column ${column}`;
}
