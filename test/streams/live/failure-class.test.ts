import { describe, expect, it } from 'vitest';
import { TickflowError } from '../../../src/runtime/errors.js';
import { classifyClose, classifyError, classifyStatus, type FailureClass } from '../../../streams/live/failure-class.js';

const WALL_US = Date.UTC(2024, 0, 1) * 1000;
const wall = () => WALL_US;

function nodeError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code, errno: -1, syscall: 'connect' });
}

describe('classifyStatus', () => {
  it.each<[number, FailureClass | null, boolean | null]>([
    [200, null, null],
    [204, null, null],
    [301, 'permanent', false],
    [400, 'permanent', false],
    [401, 'permanent', false],
    [403, 'permanent', false],
    [404, 'permanent', false],
    [408, 'timeout', true],
    [418, 'banned', true],
    [429, 'rate-limited', true],
    [500, 'server', true],
    [502, 'server', true],
    [503, 'server', true],
    [99, 'malformed', true],
    [600, 'malformed', true],
    [429.5, 'malformed', true],
  ])('classifies HTTP %d as %s (retryable: %s)', (status, cls, retryable) => {
    const f = classifyStatus(status, undefined, wall);
    expect(f?.class ?? null).toBe(cls);
    expect(f?.retryable ?? null).toBe(retryable);
  });

  it('carries Retry-After on 429, 418 and 5xx, in both forms', () => {
    expect(classifyStatus(429, '10', wall)?.retryAfterUs).toBe(10_000_000);
    expect(classifyStatus(418, 'Mon, 01 Jan 2024 00:05:00 GMT', wall)?.retryAfterUs).toBe(300_000_000);
    expect(classifyStatus(503, ['2'], wall)?.retryAfterUs).toBe(2_000_000);
    expect(classifyStatus(429, undefined, wall)?.retryAfterUs).toBeUndefined();
    expect(classifyStatus(429, 'soon', wall)?.retryAfterUs).toBeUndefined();
  });

  it('ignores Retry-After on a permanent 4xx', () => {
    expect(classifyStatus(400, '10', wall)?.retryAfterUs).toBeUndefined();
  });
});

describe('classifyError', () => {
  it.each<[string, FailureClass]>([
    ['ETIMEDOUT', 'timeout'],
    ['ESOCKETTIMEDOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['ECONNREFUSED', 'refused'],
    ['ENOTFOUND', 'refused'],
    ['EAI_AGAIN', 'refused'],
    ['EHOSTUNREACH', 'refused'],
    ['ENETUNREACH', 'refused'],
    ['ECONNRESET', 'reset'],
    ['EPIPE', 'reset'],
    ['ECONNABORTED', 'reset'],
    ['UND_ERR_SOCKET', 'reset'],
    ['WS_ERR_INVALID_UTF8', 'malformed'],
    ['WS_ERR_INVALID_OPCODE', 'malformed'],
    ['EWHATEVER', 'unknown'],
  ])('classifies Node error code %s as %s', (code, cls) => {
    const f = classifyError(nodeError(code), wall);
    expect(f.class).toBe(cls);
    expect(f.retryable).toBe(true);
    expect(f.retryAfterUs).toBeUndefined();
  });

  it('classifies a body that does not parse as malformed', () => {
    let thrown: unknown;
    try {
      JSON.parse('{"bidPrice":');
    } catch (error) {
      thrown = error;
    }
    expect(classifyError(thrown, wall)).toMatchObject({ class: 'malformed', detail: 'SyntaxError' });
    expect(classifyError(new TickflowError('DATA_MALFORMED_LINE', 'bad frame'), wall).class).toBe('malformed');
    expect(classifyError(new TickflowError('IO_UNAVAILABLE', 'down'), wall).class).toBe('unknown');
  });

  it('classifies an AbortSignal timeout as a timeout', () => {
    expect(classifyError(new DOMException('The operation was aborted due to timeout', 'TimeoutError'), wall).class).toBe('timeout');
  });

  it('follows cause and AggregateError to the socket error', () => {
    const fetchFailed = new TypeError('fetch failed', { cause: nodeError('ECONNREFUSED') });
    expect(classifyError(fetchFailed, wall)).toMatchObject({ class: 'refused', detail: 'ECONNREFUSED' });
    const happyEyeballs = new AggregateError([nodeError('ECONNRESET'), nodeError('ECONNREFUSED')], 'all failed');
    expect(classifyError(happyEyeballs, wall).class).toBe('reset');
  });

  it('stops following causes after four levels', () => {
    let deep: unknown = nodeError('ECONNREFUSED');
    for (let i = 0; i < 10; i++) deep = new Error('wrapped', { cause: deep });
    expect(classifyError(deep, wall).class).toBe('unknown');
  });

  it('reads status and Retry-After from HTTP error objects and fetch Headers', () => {
    expect(classifyError({ status: 429, headers: new Headers({ 'Retry-After': '7' }) }, wall)).toMatchObject({ class: 'rate-limited', retryAfterUs: 7_000_000 });
    expect(classifyError({ statusCode: 418, headers: { 'retry-after': '120' } }, wall)).toMatchObject({ class: 'banned', retryAfterUs: 120_000_000 });
    expect(classifyError({ status: 404 }, wall)).toMatchObject({ class: 'permanent', retryable: false });
    expect(classifyError({ status: 200 }, wall).class).toBe('unknown');
  });

  it("reads ws's refused-upgrade message", () => {
    expect(classifyError(new Error('Unexpected server response: 429'), wall).class).toBe('rate-limited');
    expect(classifyError(new Error('Unexpected server response: 403'), wall).class).toBe('permanent');
  });

  it('classifies anything else as unknown and retryable, without throwing', () => {
    for (const odd of [undefined, null, 42, 'boom', new Error('boom'), {}, Object.create(null)]) {
      expect(classifyError(odd, wall)).toMatchObject({ class: 'unknown', retryable: true });
    }
  });
});

describe('classifyClose', () => {
  it.each<[number, FailureClass]>([
    [1000, 'reset'],
    [1001, 'reset'],
    [1006, 'reset'],
    [1002, 'malformed'],
    [1007, 'malformed'],
    [1008, 'permanent'],
    [1011, 'server'],
    [1013, 'server'],
    [1015, 'refused'],
    [4001, 'permanent'],
    [3000, 'unknown'],
  ])('classifies close code %d as %s', (code, cls) => {
    expect(classifyClose(code).class).toBe(cls);
  });
});
