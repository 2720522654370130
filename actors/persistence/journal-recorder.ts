/**
 * The journal recorder: writes the market data and signals the projections store (trades, bars,
 * strategies' targets) into the daemon's journal, off the trading path. It subscribes to `md` and
 * `signal` and hands each trade, bar and target to its port (the journal's buffered append), so
 * the trading actors never wait for it. Order versions and fills are not its business: execution
 * journals those itself, before acting on them.
 *
 * Spawn it with a `dropOldest` mailbox: under a burst it falls behind, never stalls trading, and
 * what it drops is counted by the runtime (market data is not trading truth).
 */
import type { MarketRecord } from '../../src/model/records.js';
import type { TargetPosition } from '../../src/model/signal.js';
import type { WalEntryInput } from '../../src/model/wal-entry.js';
import { defineActor } from '../../src/runtime/actor.js';

/** Where the recorder writes (the journal's buffered append). */
export interface JournalRecorderPort {
  record(entry: WalEntryInput): void;
}

/** Config of the recorder. */
export interface JournalRecorderConfig {
  readonly port: JournalRecorderPort;
}

/** The journal recorder actor. */
export const journalRecorder = defineActor<JournalRecorderConfig, JournalRecorderConfig, MarketRecord | TargetPosition>({
  name: 'journal-recorder',
  init: (config) => config,
  onStart: (state, ctx) => {
    // What the projections store, and nothing else: depth diffs are not delivered to it at all.
    ctx.subscribe('md.*.*.trade');
    ctx.subscribe('md.*.*.trade_bar');
    ctx.subscribe('signal');
    return state;
  },
  receive: (state, message) => {
    switch (message.type) {
      case 'trade':
        state.port.record({ kind: 'trade', ts: message.tsRecv, record: message });
        return state;
      case 'trade_bar':
        state.port.record({ kind: 'bar', ts: message.tsRecv, record: message });
        return state;
      case 'target':
        state.port.record({ kind: 'signal', ts: message.ts, target: message });
        return state;
      default:
        return state;
    }
  },
});
