/**
 * Rebuilds `RecoveredTrading` from the write-ahead log: the latest version of every order (open
 * ones kept), every fill in order, the last trading state, and the client order id sequences, in
 * one pass over the journal. A journal that cannot be trusted (a malformed line before its tail,
 * a gap in `seq`) throws `DATA_MALFORMED_LINE`: the daemon does not start on guesses.
 */
import { isTerminalStatus } from '../../model/order-transitions.js';
import type { Fill } from '../../model/fill.js';
import type { Order } from '../../model/order.js';
import { splitClientOrderId, type RecoveredTrading, type RecoveredTradingState } from '../../model/trading-recovery.js';
import { fillFromJson, orderFromJson, type OrderJson } from '../../model/wal-entry.js';
import { readWal } from './wal.js';

/** Reads the journal in `dir` and returns what to restore. */
export function recoverTrading(dir: string): RecoveredTrading {
  const open = new Map<string, Order>();
  const versions = new Map<string, number>();
  const sequences = new Map<string, number>();
  const fills: Fill[] = [];
  let tradingState: RecoveredTradingState | undefined;
  let lastSeq = 0;
  const seeOrder = (json: OrderJson, version: number) => {
    const id = json.clientOrderId;
    if (isTerminalStatus(json.status)) {
      open.delete(id);
      versions.delete(id);
    } else {
      open.set(id, orderFromJson(json));
      versions.set(id, version);
    }
    if (version === 1) {
      const split = splitClientOrderId(id);
      if (split !== undefined && split.seq > (sequences.get(split.prefix) ?? 0)) sequences.set(split.prefix, split.seq);
    }
  };
  readWal(dir, 0, (entry) => {
    lastSeq = entry.seq;
    switch (entry.kind) {
      case 'order':
        seeOrder(entry.order, entry.version);
        return;
      case 'fill': {
        fills.push(fillFromJson(entry.fill));
        if (entry.order !== null && entry.version !== null) seeOrder(entry.order, entry.version);
        return;
      }
      case 'risk_state':
        tradingState = { state: entry.to as RecoveredTradingState['state'], reason: entry.reason, source: entry.source, ts: entry.ts };
        return;
      default:
        return;
    }
  });
  return { openOrders: [...open.values()], fills, tradingState, orderSequences: sequences, versions, lastSeq };
}
