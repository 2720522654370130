/**
 * Turns the live socket feed's connection issues into classified failures for a fallback chain.
 *
 * The socket feed (`binance-feed.ts`) tells of a lost connection only as an issue, code
 * `IO_UNAVAILABLE`, whose message names the socket's end: `<feed>: connection 3 lost (<reason>:
 * <detail>); reconnecting in 12 ms`, where `<reason>` is a `SocketEndReason` and `<detail>` the
 * Node error code and message or `closed <code>`. That message is the one interface the feed
 * offers (its counters say that something failed, not what), so it is read here, in one place,
 * against the format the feed writes; a message in another form is not a connection loss and
 * gives null. Issues that do not interrupt the data are not failures of the source: a rollover
 * connection that failed while the primary stayed up, a depth snapshot retried, a gap.
 */
import type { SourceIssue } from '../record-source.js';
import { classifyClose, classifyError, failure, type ClassifiedFailure } from './failure-class.js';
import type { WallClock } from './retry-after.js';

const LOST = /: connection \d+ lost(?: during a rollover)? \(([a-z-]+): (.*)\); /;
const CLOSED = /^closed (\d{1,4})\b/;
const NODE_CODE = /^([A-Z][A-Z0-9_]+): /;

/**
 * The failure a socket feed's issue stands for, or null when the issue is not a lost connection.
 * `stale` and `connect-timeout` are `timeout`; `protocol-error` is `malformed`; `error` is
 * classified from its Node or `ws` error code (`ECONNREFUSED` is `refused`, an upgrade refused
 * with a status by that status); `remote-close` from its close code (1006 is `reset`).
 */
export function classifyFeedIssue(issue: SourceIssue, wallClock: WallClock): ClassifiedFailure | null {
  if (issue.code !== 'IO_UNAVAILABLE') return null;
  const m = LOST.exec(issue.message);
  if (m === null) return null;
  const reason = m[1] as string;
  const detail = m[2] as string;
  switch (reason) {
    case 'stale':
    case 'connect-timeout':
      return failure('timeout', reason);
    case 'protocol-error':
      return failure('malformed', NODE_CODE.exec(detail)?.[1] ?? reason);
    case 'remote-close': {
      const code = CLOSED.exec(detail);
      return code === null ? failure('reset', detail) : classifyClose(Number(code[1]));
    }
    case 'error': {
      const code = NODE_CODE.exec(detail)?.[1];
      return classifyError(code === undefined ? { message: detail } : { code, message: detail }, wallClock);
    }
    default:
      return failure('unknown', `${reason}: ${detail}`);
  }
}
