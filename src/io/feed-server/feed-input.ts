/**
 * The feed server's input: the `--data` captures (merged by receive time) or the simulated
 * market, and what the server learns from their first lines before it starts.
 */
import type { DepthSnapshot } from '../../model/records.js';
import { TickflowError } from '../../runtime/errors.js';
import { openCapture, summarizeCapture, type FeedEventSource } from './capture-reader.js';
import type { FeedMarket } from './feed-event.js';
import type { FeedServerOptions } from './feed-server-options.js';
import type { SymbolDecimals } from './market-state.js';
import { mergeEventSources } from './merged-event-source.js';
import { createSimulatedFeed, SIMULATED_SYMBOL, type SimulatedFeedOptions } from './simulated-feed.js';

/** What the server replays: its market, how to open a pass, and what the books start from. */
export interface FeedInput {
  readonly market: FeedMarket;
  /** Opens a fresh pass over the data (a merge of every capture by receive time). */
  readonly open: () => Promise<FeedEventSource>;
  readonly snapshots: readonly DepthSnapshot[];
  readonly symbols: readonly string[];
  readonly decimals: ReadonlyMap<string, SymbolDecimals>;
}

/**
 * Reads the start of every capture (market, symbols, first depth snapshots, decimals), or sets up
 * the simulated market. Throws `CONFIG_INVALID` for data and `simulated` together or captures of
 * different markets, and the capture reader's `DATA_*` errors.
 */
export async function prepareFeedInput(options: FeedServerOptions): Promise<FeedInput> {
  const paths = options.data ?? [];
  if (paths.length > 0 && options.simulated !== undefined && options.simulated !== false) {
    throw new TickflowError('CONFIG_INVALID', 'feed server: give data files or simulated, not both', { option: 'simulated' });
  }
  if (paths.length === 0) {
    const sim: SimulatedFeedOptions = typeof options.simulated === 'object' ? options.simulated : {};
    const symbol = sim.symbol ?? SIMULATED_SYMBOL;
    if (options.market === 'usdm') throw new TickflowError('CONFIG_INVALID', 'feed server: the simulated market is served as Binance spot', { option: 'market' });
    const empty: DepthSnapshot = { type: 'depth_snapshot', exchange: 'binance', symbol, ts: 0, tsRecv: 0, lastUpdateId: 0, bids: [], asks: [] };
    return { market: 'spot', open: async () => createSimulatedFeed(sim), snapshots: [empty], symbols: [symbol], decimals: new Map([[symbol, { price: 8, amount: 8 }]]) };
  }
  const summaries = [];
  for (const path of paths) summaries.push(await summarizeCapture(path));
  const markets = new Set(summaries.map((s) => s.market).filter((m) => m !== null));
  if (options.market !== undefined) markets.add(options.market);
  if (markets.size > 1) {
    const which = summaries.map((s) => `${s.path}: ${s.market ?? 'unknown'}`).join(', ');
    throw new TickflowError('CONFIG_INVALID', `feed server: one server imitates one market, spot or usdm; got ${which}${options.market === undefined ? '' : ` and market ${options.market}`}`, { option: 'data' });
  }
  const market: FeedMarket = [...markets][0] ?? 'spot';
  const snapshots = new Map<string, DepthSnapshot>();
  const decimals = new Map<string, SymbolDecimals>();
  const symbols = new Set<string>();
  for (const s of summaries) {
    for (const snap of s.snapshots) if (!snapshots.has(snap.symbol)) snapshots.set(snap.symbol, snap);
    for (const [symbol, d] of s.decimals) if (!decimals.has(symbol)) decimals.set(symbol, d);
    for (const symbol of s.symbols) symbols.add(symbol);
  }
  const open = async (): Promise<FeedEventSource> => {
    const readers = [];
    try {
      for (const path of paths) readers.push(await openCapture(path));
    } catch (error) {
      for (const r of readers) r.close();
      throw error;
    }
    return mergeEventSources(readers);
  };
  return { market, open, snapshots: [...snapshots.values()], symbols: [...symbols], decimals };
}
