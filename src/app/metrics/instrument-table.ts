/**
 * The per-instrument table of the metrics: for each instrument of the run (traded or not), its
 * fills, closed round trips and their wins, win rate and net PnL (`trade-stats.ts`), fees of all
 * its fills, traded notional (`turnover.ts`) and exposure (`exposure.ts`). Money exact at the
 * quote precision.
 */
import type { Fill } from '../../model/fill.js';
import { instrumentKey } from '../../model/instrument-key.js';
import type { RoundTrip } from './round-trips.js';
import { tradeStats, type TradeStats } from './trade-stats.js';

/** One instrument's row. */
export interface InstrumentRow {
  readonly key: string;
  readonly fills: number;
  /** Statistics of its closed round trips. */
  readonly trades: TradeStats;
  /** Fees of all its fills (closed trips or not). */
  readonly fees: bigint;
  readonly tradedNotional: bigint;
  readonly exposure: number | null;
}

/** What the table is built from, each already computed for the whole run. */
export interface InstrumentTableInput {
  /** Every instrument key of the run, sorted. */
  readonly keys: readonly string[];
  readonly fills: readonly Fill[];
  readonly trips: readonly RoundTrip[];
  readonly notional: ReadonlyMap<string, bigint>;
  readonly exposure: ReadonlyMap<string, number | null>;
  /** The run's span, µs: an instrument that never traded was exposed 0 of it (`null` with no span). */
  readonly spanUs: number;
}

/** One row per key, in the order of `keys`. */
export function instrumentTable(input: InstrumentTableInput): InstrumentRow[] {
  const fills = new Map<string, number>();
  const fees = new Map<string, bigint>();
  for (const f of input.fills) {
    const key = instrumentKey(f.exchange, f.symbol);
    fills.set(key, (fills.get(key) ?? 0) + 1);
    fees.set(key, (fees.get(key) ?? 0n) + f.fee);
  }
  return input.keys.map((key) => ({
    key,
    fills: fills.get(key) ?? 0,
    trades: tradeStats(input.trips.filter((t) => t.key === key)),
    fees: fees.get(key) ?? 0n,
    tradedNotional: input.notional.get(key) ?? 0n,
    exposure: input.exposure.get(key) ?? (input.spanUs > 0 ? 0 : null),
  }));
}
