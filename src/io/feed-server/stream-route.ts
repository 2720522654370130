/**
 * The WebSocket paths of the feed server, read before the upgrade is accepted.
 */
import { isStreamName } from './feed-event.js';

/** A stream connection's URL read: its envelope mode and streams, or the HTTP refusal to answer. */
export type StreamRoute = { readonly combined: boolean; readonly streams: readonly string[] } | { readonly status: number; readonly code: number; readonly msg: string };

/**
 * Reads a stream URL as Binance serves them: `/ws` or `/ws/<stream>[/<stream>...]` (raw messages),
 * `/stream` or `/stream?streams=a/b/c` (combined envelopes). Another path is a 404; a malformed
 * stream name or more than `maxStreams` a 400, with Binance's request error code 2.
 */
export function streamRoute(url: string, maxStreams: number): StreamRoute {
  const parsed = new URL(url, 'ws://feed-server');
  let combined: boolean;
  let streams: string[];
  if (parsed.pathname === '/ws' || parsed.pathname.startsWith('/ws/')) {
    combined = false;
    streams = parsed.pathname.slice(4).split('/').filter((s) => s !== '');
  } else if (parsed.pathname === '/stream' || parsed.pathname === '/stream/') {
    combined = true;
    streams = (parsed.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
  } else {
    return { status: 404, code: 2, msg: `Invalid request: unknown path ${parsed.pathname}; streams are at /ws/<stream> and /stream?streams=<a>/<b>` };
  }
  const bad = streams.find((s) => !isStreamName(s));
  if (bad !== undefined) return { status: 400, code: 2, msg: `Invalid request: invalid stream name ${JSON.stringify(bad)} (expected <symbol>@<channel>, symbol in lower case)` };
  if (new Set(streams).size > maxStreams) return { status: 400, code: 2, msg: `Invalid request: too many streams (at most ${maxStreams} per connection)` };
  return { combined, streams };
}
