/**
 * The REST side of the feed server, on the same port as the streams: Binance's public market
 * endpoints a stream client needs, answered for the current replay instant.
 *
 * | spot | USD-M | answer |
 * |---|---|---|
 * | `GET /api/v3/depth?symbol=&limit=` | `GET /fapi/v1/depth` | `{lastUpdateId, bids, asks}` (USD-M adds `E`, `T`) |
 * | `GET /api/v3/ticker/bookTicker[?symbol=]` | `GET /fapi/v1/ticker/bookTicker` | the latest `bookTicker` (all symbols without `symbol`) |
 * | `GET /api/v3/ping`, `/api/v3/time` | `/fapi/v1/ping`, `/fapi/v1/time` | `{}`, `{serverTime}` (the replay clock) |
 *
 * Errors are Binance's JSON `{code, msg}` with its HTTP statuses: 400 for a missing, malformed or
 * unknown symbol (-1102, -1100, -1121) or a bad limit (-1100, -1130), 404 for another path, 405 for
 * another method, 503 (-1001) while a symbol's book is not valid yet. Depth limits: spot 1 to 5000
 * (more is cut to 5000, default 100); USD-M one of 5, 10, 20, 50, 100, 500, 1000 (default 500).
 * During an `http429` / `http418` fault every path answers that status with `Retry-After`: the
 * whole seconds, rounded up, until the fault ends in wall time (its replay time over the speed).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultInjector } from './fault-injector.js';
import type { FeedMarket } from './feed-event.js';
import type { FeedServerCounters } from './feed-server-stats.js';
import type { MarketState } from './market-state.js';

/** What the REST handler reads. */
export interface RestContext {
  readonly market: FeedMarket;
  readonly state: MarketState;
  readonly faults: FaultInjector;
  readonly counters: FeedServerCounters;
  readonly speed: number | 'max';
  /** Replay offset now, µs since the pass's first record. */
  offsetUs(): number;
  /** Replay clock now, µs since the epoch. */
  timeUs(): number;
}

const PREFIX: Readonly<Record<FeedMarket, string>> = { spot: '/api/v3', usdm: '/fapi/v1' };
const SYMBOL = /^[A-Z0-9\-_.]{1,20}$/;
const DIGITS = /^[0-9]{1,20}$/;
const USDM_LIMITS = [5, 10, 20, 50, 100, 500, 1000];

/** Answers one HTTP request. Never throws: an unexpected error is a 500 with Binance's -1000. */
export function handleRest(req: IncomingMessage, res: ServerResponse, ctx: RestContext): void {
  ctx.counters.restRequests++;
  try {
    route(req, res, ctx);
  } catch {
    send(res, 500, { code: -1000, msg: 'An unknown error occurred while processing the request.' });
  }
}

function route(req: IncomingMessage, res: ServerResponse, ctx: RestContext): void {
  const url = new URL(req.url ?? '/', 'http://feed-server');
  const prefix = PREFIX[ctx.market];
  if (!url.pathname.startsWith(`${prefix}/`)) return send(res, 404, { code: -1000, msg: `Unknown path ${url.pathname}; this server imitates Binance ${ctx.market} (${prefix}/...)` });
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { code: -1000, msg: `Method ${req.method} is not supported; use GET` });
  const fault = ctx.faults.httpFault(ctx.offsetUs());
  if (fault !== null) {
    const wallUs = ctx.speed === 'max' ? fault.remainingUs : fault.remainingUs / ctx.speed;
    const retryAfter = Math.max(1, Math.ceil(wallUs / 1e6));
    if (fault.status === 429) ctx.faults.counts.http429++;
    else ctx.faults.counts.http418++;
    const msg =
      fault.status === 429
        ? 'Too much request weight used; current limit is 6000 request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.'
        : `Way too much request weight used; IP banned until ${Math.floor(ctx.timeUs() / 1000 + fault.remainingUs / 1000)}. Please use WebSocket Streams for live updates to avoid bans.`;
    return send(res, fault.status, { code: -1003, msg }, { 'Retry-After': String(retryAfter) });
  }
  switch (url.pathname.slice(prefix.length)) {
    case '/depth':
      return depth(url, res, ctx);
    case '/ticker/bookTicker':
      return bookTicker(url, res, ctx);
    case '/ping':
      return send(res, 200, {});
    case '/time':
      return send(res, 200, { serverTime: Math.floor(ctx.timeUs() / 1000) });
    default:
      return send(res, 404, { code: -1000, msg: `Unknown path ${url.pathname}; served: ${prefix}/depth, ${prefix}/ticker/bookTicker, ${prefix}/ping, ${prefix}/time` });
  }
}

function depth(url: URL, res: ServerResponse, ctx: RestContext): void {
  const symbol = checkSymbol(url, res, ctx);
  if (symbol === null) return;
  const text = url.searchParams.get('limit');
  let limit = ctx.market === 'usdm' ? 500 : 100;
  if (text !== null) {
    if (!DIGITS.test(text)) return send(res, 400, { code: -1100, msg: "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'." });
    limit = Number(text);
    const valid = ctx.market === 'usdm' ? USDM_LIMITS.includes(limit) : limit >= 1;
    if (!valid) return send(res, 400, { code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
    limit = Math.min(limit, 5000);
  }
  const json = ctx.state.depthJson(symbol, limit);
  if (json === null) return send(res, 503, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
  sendText(res, 200, json);
}

function bookTicker(url: URL, res: ServerResponse, ctx: RestContext): void {
  if (!url.searchParams.has('symbol')) {
    const all = ctx.state.symbols().map((s) => ctx.state.bookTicker(s)).filter((t) => t !== null);
    return send(res, 200, all);
  }
  const symbol = checkSymbol(url, res, ctx);
  if (symbol === null) return;
  const ticker = ctx.state.bookTicker(symbol);
  if (ticker === null) return send(res, 503, { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' });
  send(res, 200, ticker);
}

/** The `symbol` parameter, or null after answering the error Binance gives for it. */
function checkSymbol(url: URL, res: ServerResponse, ctx: RestContext): string | null {
  const symbol = url.searchParams.get('symbol');
  if (symbol === null || symbol === '') {
    send(res, 400, { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." });
    return null;
  }
  if (!SYMBOL.test(symbol)) {
    send(res, 400, { code: -1100, msg: "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'." });
    return null;
  }
  if (!ctx.state.has(symbol)) {
    send(res, 400, { code: -1121, msg: 'Invalid symbol.' });
    return null;
  }
  return symbol;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendText(res, status, JSON.stringify(body), headers);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}
