import { afterEach, describe, expect, it } from 'vitest';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { SECOND } from '../../../src/runtime/clock.js';
import { createBookTickerPoller, type BookTickerPoller } from '../../../streams/live/book-ticker-poller.js';
import type { BookTickerPollerOptions, PollRequest } from '../../../streams/live/book-ticker-poller-options.js';
import { denied, GRANTED, type Permit } from '../../../streams/live/permit.js';
import { FakeFetch, spotTicker, usdmTicker, type FakeAnswer, type FakeCall } from './fake-fetch.js';
import { flush, SimulatedTimers } from './simulated-timers.js';

const pollers: BookTickerPoller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.close()));
});

function rig(answer: (call: FakeCall) => FakeAnswer, options: Partial<BookTickerPollerOptions> = {}) {
  const timers = new SimulatedTimers();
  const rest = new FakeFetch(timers, answer);
  const requests: PollRequest[] = [];
  const poller = createBookTickerPoller({
    restUrl: 'http://exchange.test/',
    symbols: ['btcusdt'],
    clock: timers.clock,
    timers,
    fetch: rest.fetch,
    intervalMs: 100,
    timeoutMs: 50,
    onRequest: (r) => requests.push(r),
    ...options,
  });
  pollers.push(poller);
  return { timers, rest, poller, requests, t0: timers.clock.now() };
}

describe('createBookTickerPoller', () => {
  it('asks every interval and turns each new answer into a book_ticker stamped with the clock', async () => {
    let bid = 60_000;
    const { timers, rest, poller, requests, t0 } = rig(() => ({ status: 200, body: spotTicker('BTCUSDT', bid++), delayMs: 3 }));
    await timers.advanceBy(250);
    expect(rest.calls.map((c) => c.url)).toEqual(Array(3).fill('http://exchange.test/api/v3/ticker/bookTicker?symbol=BTCUSDT'));
    expect(rest.timesOf()).toEqual([t0, t0 + 100_000, t0 + 200_000]);
    const chunk = await poller.next();
    expect(chunk).toEqual([
      { type: 'book_ticker', exchange: 'binance', symbol: 'BTCUSDT', ts: t0 + 3000, tsRecv: t0 + 3000, bidPrice: 60_000, bidAmount: 1, askPrice: 60_000.01, askAmount: 2 },
      expect.objectContaining({ tsRecv: t0 + 103_000, bidPrice: 60_001 }),
      expect.objectContaining({ tsRecv: t0 + 203_000, bidPrice: 60_002 }),
    ]);
    expect(requests.map((r) => [r.status, r.latencyUs, r.outcome.ok])).toEqual([[200, 3000, true], [200, 3000, true], [200, 3000, true]]);
    expect(poller.stats).toMatchObject({ requests: 3, successes: 3, failures: 0, records: 3 });
  });

  it('uses the answer time as ts on USD-M and skips an answer whose update id did not advance', async () => {
    const ids = [10, 10, 9, 12];
    let i = 0;
    const { timers, rest, poller } = rig(() => ({ status: 200, body: usdmTicker('BTCUSDT', 60_000 + i, ids[i++ % ids.length]!, 1_723_075_200_123) }), { market: 'usdm' });
    await timers.advanceBy(350);
    expect(rest.calls[0]!.url).toBe('http://exchange.test/fapi/v1/ticker/bookTicker?symbol=BTCUSDT');
    const chunk = (await poller.next())!;
    expect(chunk.map((r) => (r.type === 'book_ticker' ? r.bidPrice : 0))).toEqual([60_000, 60_003]);
    expect(chunk[0]).toMatchObject({ exchange: 'binance-futures', ts: 1_723_075_200_123_000 });
    expect(poller.stats.unchanged).toBe(2);
    expect(poller.stats.successes).toBe(4);
  });

  it('skips a spot answer equal to the previous one (spot sends no update id)', async () => {
    const bids = [1, 1, 2, 2, 1];
    let i = 0;
    const { timers, poller } = rig(() => ({ status: 200, body: spotTicker('BTCUSDT', bids[i++]!) }));
    await timers.advanceBy(450);
    expect((await poller.next())!.map((r) => (r.type === 'book_ticker' ? r.bidPrice : 0))).toEqual([1, 2, 1]);
    expect(poller.stats.unchanged).toBe(2);
  });

  it('classifies a 429 with its Retry-After and asks nothing more of that symbol before it expires', async () => {
    const { timers, rest, requests, poller, t0 } = rig(() =>
      rest.calls.length === 2 ? { status: 429, body: '{"code":-1003}', headers: { 'Retry-After': '2' } } : { status: 200, body: spotTicker('BTCUSDT', rest.calls.length) },
    );
    await timers.advanceBy(3000);
    const times = rest.timesOf();
    expect(times.slice(0, 3)).toEqual([t0, t0 + 100_000, t0 + 2_100_000]);
    const limited = requests[1]!;
    expect(limited.status).toBe(429);
    expect(limited.outcome).toEqual({ ok: false, failure: { class: 'rate-limited', retryable: true, retryAfterUs: 2 * SECOND, detail: 'HTTP 429' } });
    expect(poller.stats.failuresByClass['rate-limited']).toBe(1);
    expect(poller.stats.issues[0]).toMatchObject({ code: 'IO_UNAVAILABLE', message: expect.stringMatching(/rate-limited: HTTP 429\); Retry-After 2000 ms/) });
  });

  it('aborts a request with no answer after timeoutMs and reports a timeout', async () => {
    const { timers, rest, requests } = rig(() => 'hang');
    await timers.advanceBy(60);
    expect(rest.calls[0]!.signal.aborted).toBe(true);
    expect(requests[0]).toEqual({ symbol: 'BTCUSDT', status: 0, latencyUs: 50_000, outcome: { ok: false, failure: expect.objectContaining({ class: 'timeout' }) } });
    // The next request keeps the cadence from the first one's start.
    await timers.advanceBy(45);
    expect(rest.calls).toHaveLength(2);
  });

  it('counts a body that is not a book ticker as malformed, and a refused connection as refused', async () => {
    const answers: FakeAnswer[] = [{ status: 200, body: '{"symbol":"ETHUSDT"}' }, Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })];
    let i = 0;
    const { timers, requests, poller } = rig(() => answers[i++] ?? 'hang');
    await timers.advanceBy(150);
    expect(requests.map((r) => (r.outcome.ok ? 'ok' : r.outcome.failure.class))).toEqual(['malformed', 'refused']);
    expect(poller.stats.malformed).toBe(1);
    expect(poller.stats.issues[0]!.code).toBe('DATA_MALFORMED_LINE');
  });

  it('asks permit before each request and waits until a refusal says', async () => {
    let permit: Permit = denied('open', 0);
    const { timers, rest, t0 } = rig(() => ({ status: 200, body: spotTicker('BTCUSDT', 1) }), { permit: () => permit });
    permit = denied('retry-wait', t0 + 730_000);
    await timers.advanceBy(700);
    expect(rest.calls).toHaveLength(0);
    permit = GRANTED;
    await timers.advanceBy(100);
    expect(rest.timesOf()).toEqual([t0 + 730_000]);
  });

  it('stops polling at its high-water mark until next() takes the quotes', async () => {
    let bid = 1;
    const { timers, rest, poller } = rig(() => ({ status: 200, body: spotTicker('BTCUSDT', bid++) }), { highWaterMark: 3 });
    await timers.advanceBy(1000);
    expect(rest.calls).toHaveLength(3);
    expect(poller.stats.pauses).toBe(1);
    expect((await poller.next())!).toHaveLength(3);
    await timers.advanceBy(150);
    expect(rest.calls).toHaveLength(5);
  });

  it('resolves null after close, with the request in flight aborted and not reported', async () => {
    const { timers, rest, poller, requests } = rig(() => 'hang', { timeoutMs: 10_000 });
    await timers.advanceBy(1);
    const pending = poller.next();
    await poller.close();
    expect(await pending).toBeNull();
    expect(await poller.next()).toBeNull();
    expect(rest.calls[0]!.signal.aborted).toBe(true);
    await flush();
    expect(requests).toEqual([]);
  });

  it('refuses bad options with CONFIG_INVALID naming the option', () => {
    const timers = new SimulatedTimers();
    const base = { restUrl: 'http://x', symbols: ['BTCUSDT'], clock: timers.clock, timers };
    for (const [bad, option] of [[{ restUrl: 'ws://x' }, 'restUrl'], [{ symbols: [] }, 'symbols'], [{ intervalMs: 0 }, 'intervalMs'], [{ market: 'coinm' }, 'market']] as const) {
      try {
        createBookTickerPoller({ ...base, ...(bad as object) });
        expect.unreachable();
      } catch (error) {
        expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
        expect((error as { context: { option: string } }).context.option).toBe(option);
      }
    }
  });
});
