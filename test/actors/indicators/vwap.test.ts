/**
 * Session handling of `VWAP`: where a session starts, what `replace` does at a boundary, and how a
 * misconfigured session fails. Values themselves are checked against references elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { VWAP } from '../../../actors/indicators/vwap.js';
import { isTickflowError } from '../../../src/runtime/errors.js';

const DAY_US = 86_400_000_000;
const jan1 = Date.UTC(2024, 0, 1) * 1000;
const bar = (openTs: number, price: number, volume: number) => ({ openTs, high: price, low: price, close: price, volume });

describe('VWAP', () => {
  it("with session 'utc-day' starts a new session at the first bar of each UTC day", () => {
    const vwap = new VWAP({ session: 'utc-day' });
    expect(vwap.update(bar(jan1 + DAY_US - 60_000_000, 100, 1))).toBe(100);
    expect(vwap.update(bar(jan1 + DAY_US - 1, 200, 1))).toBe(150);
    // 00:00:00.000000 UTC belongs to the new day.
    expect(vwap.update(bar(jan1 + DAY_US, 300, 1))).toBe(300);
    expect(vwap.update(bar(jan1 + DAY_US + 60_000_000, 400, 3))).toBe(375);
  });

  it("with session 'manual' runs on across days until reset()", () => {
    const vwap = new VWAP();
    vwap.update(bar(jan1, 100, 1));
    expect(vwap.update(bar(jan1 + 3 * DAY_US, 200, 1))).toBe(150);
    vwap.reset();
    expect(vwap.value).toBeUndefined();
    expect(vwap.update(bar(jan1 + 3 * DAY_US, 200, 1))).toBe(200);
  });

  it('replace of the bar that opened a session judges the revised bar against the previous session again', () => {
    const vwap = new VWAP({ session: 'utc-day' });
    vwap.update(bar(jan1, 100, 1));
    expect(vwap.update(bar(jan1 + DAY_US, 300, 1))).toBe(300);
    // The forming bar turns out to belong to the old day after all (a corrected timestamp).
    expect(vwap.replace(bar(jan1 + 60_000_000, 300, 1))).toBe(200);
    // And back again.
    expect(vwap.replace(bar(jan1 + DAY_US, 500, 1))).toBe(500);
  });

  it('is undefined until the session has volume, and a zero-volume bar leaves it unchanged', () => {
    const vwap = new VWAP();
    expect(vwap.update(bar(jan1, 100, 0))).toBeUndefined();
    expect(vwap.update(bar(jan1, 110, 2))).toBe(110);
    expect(vwap.update(bar(jan1, 999, 0))).toBe(110);
  });

  it('uses the typical price (high + low + close) / 3', () => {
    const vwap = new VWAP();
    expect(vwap.update({ high: 12, low: 6, close: 9, volume: 1 })).toBe(9);
    expect(vwap.update({ high: 30, low: 0, close: 0, volume: 1 })).toBe(9.5);
  });

  it("with session 'utc-day' rejects a bar without a numeric openTs (CONFIG_INVALID)", () => {
    const vwap = new VWAP({ session: 'utc-day' });
    let caught: unknown;
    try {
      vwap.update({ high: 1, low: 1, close: 1, volume: 1 });
    } catch (e) {
      caught = e;
    }
    expect(isTickflowError(caught, 'CONFIG_INVALID')).toBe(true);
  });
});
