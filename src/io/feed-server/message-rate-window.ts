/**
 * Binance's incoming-message limit for one connection: at most `messages` within any `windowMs`
 * (a sliding window, so a burst at the edge of two seconds is caught too). A ring of the last
 * `messages` arrival times; no allocation per message.
 */
import type { RateLimit } from './feed-server-options.js';

/** Sliding-window message counter of one connection. */
export class MessageRateWindow {
  private readonly times: Float64Array;
  private readonly windowMs: number;
  private next: number;
  private count: number;

  constructor(limit: RateLimit) {
    this.times = new Float64Array(limit.messages);
    this.windowMs = limit.windowMs;
    this.next = 0;
    this.count = 0;
  }

  /**
   * Records a message at `nowMs`; false when it is one too many (the limit already reached within
   * the window ending now).
   */
  hit(nowMs: number): boolean {
    const times = this.times;
    if (this.count === times.length && nowMs - times[this.next]! < this.windowMs) return false;
    times[this.next] = nowMs;
    this.next = (this.next + 1) % times.length;
    if (this.count < times.length) this.count++;
    return true;
  }
}
