import { describe, expect, it } from 'vitest';
import type { SourceIssue } from '../../../streams/record-source.js';
import { classifyFeedIssue } from '../../../streams/live/feed-issue-failure.js';

const wall = (): number => 1_723_075_200_000_000;
const lost = (end: string, tail = 'reconnecting in 12 ms'): SourceIssue => ({ code: 'IO_UNAVAILABLE', file: 'binance-spot', line: 7, message: `binance-spot: connection 3 lost (${end}); ${tail}` });

describe('classifyFeedIssue', () => {
  it('reads each way the socket feed says a connection was lost', () => {
    const cases: [string, string, string][] = [
      ['error: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9443', 'refused', 'ECONNREFUSED'],
      ['error: ECONNRESET: read ECONNRESET', 'reset', 'ECONNRESET'],
      ['error: Unexpected server response: 429', 'rate-limited', 'HTTP 429'],
      ['error: Unexpected server response: 503', 'server', 'HTTP 503'],
      ['remote-close: closed 1006', 'reset', 'WS 1006'],
      ['remote-close: closed 1008 Policy Violation (too many requests)', 'permanent', 'WS 1008'],
      ['remote-close: closed 1013 try again later', 'server', 'WS 1013'],
      ['stale: no data for 2001 ms (stale timeout 2000 ms)', 'timeout', 'stale'],
      ['connect-timeout: no handshake within 2000 ms', 'timeout', 'connect-timeout'],
      ['protocol-error: WS_ERR_INVALID_UTF8: Invalid UTF-8 sequence', 'malformed', 'WS_ERR_INVALID_UTF8'],
    ];
    for (const [end, cls, detail] of cases) {
      expect(classifyFeedIssue(lost(end), wall), end).toMatchObject({ class: cls, detail });
    }
    const duringRollover: SourceIssue = { code: 'IO_UNAVAILABLE', file: 'binance-spot', line: 0, message: 'binance-spot: connection 4 lost during a rollover (remote-close: closed 1006); waiting for its replacement' };
    expect(classifyFeedIssue(duringRollover, wall)).toMatchObject({ class: 'reset', detail: 'WS 1006' });
  });

  it('gives null for issues that do not interrupt the data', () => {
    const others: SourceIssue[] = [
      { code: 'IO_UNAVAILABLE', file: 'f', line: 0, message: 'binance-spot: rollover connection 5 failed (error: ECONNREFUSED: connect ECONNREFUSED); trying again in 9 ms' },
      { code: 'IO_UNAVAILABLE', file: 'f', line: 0, message: 'BTCUSDT depth snapshot failed (HTTP 429 {}); retrying in 1000 ms' },
      { code: 'DATA_TRUNCATED', file: 'f', line: 0, message: 'btcusdt@trade: gap of 3 trade ids' },
      { code: 'DATA_MALFORMED_LINE', file: 'f', line: 9, message: 'binance-spot: connection 3 lost (error: x); y' },
    ];
    for (const issue of others) expect(classifyFeedIssue(issue, wall), issue.message).toBeNull();
  });
});
