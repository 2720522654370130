/**
 * A `FeedFetch` whose answers the test decides: each call is recorded with the simulated time it
 * was made, and answered by the `answer` function at once, after a delay in simulated time, or
 * never (`'hang'`: only the abort ends it, as a real request past its timeout).
 */
import type { FeedFetch } from '../../../streams/live/binance-feed-options.js';
import type { SimulatedTimers } from './simulated-timers.js';

/** One answer: status, body, headers; or hang until aborted. */
export type FakeAnswer = { readonly status: number; readonly body: string; readonly headers?: Record<string, string>; readonly delayMs?: number } | 'hang' | Error;

/** A call made. */
export interface FakeCall {
  readonly url: string;
  readonly at: number;
  readonly signal: AbortSignal;
}

/** A fake fetch on simulated time. */
export class FakeFetch {
  readonly calls: FakeCall[] = [];
  answer: (call: FakeCall) => FakeAnswer;
  readonly fetch: FeedFetch;

  constructor(timers: SimulatedTimers, answer: (call: FakeCall) => FakeAnswer) {
    this.answer = answer;
    this.fetch = (url, init) => {
      const call: FakeCall = { url, at: timers.clock.now(), signal: init.signal };
      this.calls.push(call);
      const a = this.answer(call);
      return new Promise((resolve, reject) => {
        const abort = (): void => reject(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
        if (init.signal.aborted) return abort();
        init.signal.addEventListener('abort', abort, { once: true });
        if (a === 'hang') return;
        if (a instanceof Error) return reject(a);
        const respond = (): void => {
          const headers = Object.fromEntries(Object.entries(a.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
          resolve({ status: a.status, headers: { get: (name: string) => headers[name.toLowerCase()] ?? null }, text: async () => a.body });
        };
        if (a.delayMs === undefined) respond();
        else timers.setTimeout(respond, a.delayMs);
      });
    };
  }

  /** Times of the calls (µs) whose URL contains `part`. */
  timesOf(part = ''): number[] {
    return this.calls.filter((c) => c.url.includes(part)).map((c) => c.at);
  }
}

/** A spot REST book ticker body. */
export function spotTicker(symbol: string, bid: number, bidQty = 1): string {
  return JSON.stringify({ symbol, bidPrice: bid.toFixed(2), bidQty: bidQty.toFixed(8), askPrice: (bid + 0.01).toFixed(2), askQty: '2.00000000' });
}

/** A USD-M REST book ticker body. */
export function usdmTicker(symbol: string, bid: number, lastUpdateId: number, timeMs: number): string {
  return JSON.stringify({ symbol, bidPrice: bid.toFixed(1), bidQty: '3.000', askPrice: (bid + 0.1).toFixed(1), askQty: '4.000', time: timeMs, lastUpdateId });
}
