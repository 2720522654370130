/**
 * Exposure: the share of the run's time with a position open. Measured on the fills, exactly (not
 * on the equity curve's samples): between two fills the positions do not change. `total` counts
 * time with any instrument open; `byKey` each instrument alone. The run is `[start, end]`, the
 * equity curve's first and last sample times; `null` when it has no length.
 */
import type { Fill } from '../../model/fill.js';
import { instrumentKey } from '../../model/instrument-key.js';

/** Share of time in the market, overall and per instrument key (only instruments that traded). */
export interface Exposure {
  readonly total: number | null;
  readonly byKey: ReadonlyMap<string, number | null>;
}

/** The exposure of `fills` (in the order they were applied) over `[start, end]` (µs). */
export function exposure(fills: readonly Fill[], start: number, end: number): Exposure {
  const span = end - start;
  const position = new Map<string, number>();
  const openSince = new Map<string, number>();
  const openTime = new Map<string, number>();
  let anyOpenSince = 0;
  let anyOpenTime = 0;
  const clamp = (t: number): number => Math.min(end, Math.max(start, t));
  for (const fill of fills) {
    const key = instrumentKey(fill.exchange, fill.symbol);
    const t = clamp(fill.ts);
    const before = position.get(key) ?? 0;
    // Lots, exact: the positions the portfolio holds stay below 2^53.
    const after = fill.side === 'buy' ? before + fill.quantity : before - fill.quantity;
    position.set(key, after);
    if (!openTime.has(key)) openTime.set(key, 0);
    if (before === 0 && after !== 0) {
      if (openSince.size === 0) anyOpenSince = t;
      openSince.set(key, t);
    } else if (before !== 0 && after === 0) {
      openTime.set(key, openTime.get(key)! + t - openSince.get(key)!);
      openSince.delete(key);
      if (openSince.size === 0) anyOpenTime += t - anyOpenSince;
    }
  }
  // Still open at the end: open until the end.
  for (const [key, since] of openSince) openTime.set(key, openTime.get(key)! + end - since);
  if (openSince.size > 0) anyOpenTime += end - anyOpenSince;
  const byKey = new Map<string, number | null>();
  for (const key of [...openTime.keys()].sort()) byKey.set(key, span > 0 ? openTime.get(key)! / span : null);
  return { total: span > 0 ? anyOpenTime / span : null, byKey };
}
