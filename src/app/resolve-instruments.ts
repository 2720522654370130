/**
 * Which instruments a run trades, keyed by `instrumentKey(exchange, symbol)`: the configured ones,
 * then one inferred from the data for every instrument the data shows and the config does not.
 *
 * An instrument is a symbol on one exchange (spot and USD-M `BTCUSDT` differ in grid, price and
 * position), so a configured instrument names its exchange. One that does not (`{ symbol: BTCUSDT,
 * ... }`, the short form for single-venue runs) applies to that symbol on the only exchange of the
 * data that has it and is not configured explicitly. When two or more do, it is ambiguous and a
 * config error (`CONFIG_INVALID`, exit 78) naming the entry's path: guessing would put one venue's
 * grid on the other's orders. When none does, it is unused by this run (returned in `unused`, so
 * the caller can say so): a shared config may list more instruments than one recording holds.
 * Two entries for one instrument are a config error too.
 */
import { createInstrument, type Instrument, type PrecisionTracker } from '../model/instrument.js';
import { instrumentKey } from '../model/instrument-key.js';
import { TickflowError } from '../runtime/errors.js';
import type { TickflowConfig } from './config.js';

/** An instrument seen in the data, with the precisions its records showed. */
export interface SeenInstrument {
  readonly exchange: string;
  readonly symbol: string;
  readonly tracker: PrecisionTracker;
}

/** What `resolveInstruments` decided. */
export interface ResolvedInstruments {
  /** Configured instruments in config order, then inferred ones sorted by key. */
  readonly instruments: Map<string, Instrument>;
  /** Entries without an exchange whose symbol the data lacks, by config path (`instruments.2`). */
  readonly unused: readonly { readonly path: string; readonly symbol: string }[];
}

function configError(path: string, message: string): TickflowError {
  return new TickflowError('CONFIG_INVALID', `invalid config:\n  ${path}: ${message}`, { paths: [path] });
}

/**
 * Resolves `configured` (the config's `instruments`) against `seen` (the data's instruments, by
 * key) as the module comment says. Throws `CONFIG_INVALID` for an ambiguous entry, a duplicate,
 * or figures `createInstrument` refuses.
 */
export function resolveInstruments(configured: TickflowConfig['instruments'], seen: ReadonlyMap<string, SeenInstrument>): ResolvedInstruments {
  const out = new Map<string, Instrument>();
  const pathOf = new Map<string, string>();
  const unused: { path: string; symbol: string }[] = [];
  const explicit = new Set<string>();
  for (const spec of configured) if (spec.exchange !== undefined) explicit.add(instrumentKey(spec.exchange, spec.symbol));
  configured.forEach((spec, i) => {
    const path = `instruments.${i}`;
    let exchange = spec.exchange;
    if (exchange === undefined) {
      const candidates = [...seen.values()]
        .filter((s) => s.symbol === spec.symbol && !explicit.has(instrumentKey(s.exchange, s.symbol)))
        .map((s) => s.exchange)
        .sort();
      if (candidates.length > 1) {
        throw configError(
          `${path}.exchange`,
          `${spec.symbol} is on ${candidates.length} exchanges in the data (${candidates.join(', ')}): say which, e.g. exchange: ${candidates[0]}, or configure one entry per exchange`,
        );
      }
      if (candidates.length === 0) {
        // Not in the data, or only where an entry with an exchange already covers it.
        if (![...seen.values()].some((s) => s.symbol === spec.symbol)) unused.push({ path, symbol: spec.symbol });
        return;
      }
      exchange = candidates[0] as string;
    }
    const key = instrumentKey(exchange, spec.symbol);
    const earlier = pathOf.get(key);
    if (earlier !== undefined) throw configError(path, `${key} is configured twice (${earlier} and ${path})`);
    pathOf.set(key, path);
    try {
      out.set(key, createInstrument({ ...spec, exchange, source: 'config' }));
    } catch (error) {
      throw configError(path, `${key}: ${(error as Error).message}`);
    }
  });
  const inferred = [...seen.entries()].filter(([key]) => !out.has(key)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, s] of inferred) out.set(key, s.tracker.toInstrument(s.symbol, s.exchange));
  return { instruments: out, unused };
}
