/**
 * The daemon's journal ports over its write-ahead log (`src/io/journal/wal.ts`): what execution
 * and risk call before they act (`ExecutionJournal`, `RiskJournal`), the operator audit, and the
 * buffered market and signal entries the projections store. It numbers order versions (from 1 per
 * client order id, continuing after a restart from `recovered.versions`) and names fills
 * (`<clientOrderId>#<n>`, n the order's fill count after it: unique, and the same on every
 * replay; a fill that could not move its order, having raced its end, is named by its journal
 * `seq`). Only open orders' versions are kept in memory.
 */
import type { ExecutionJournal, RiskJournal } from '../../actors/execution/orders/execution-journal.js';
import type { Fill } from '../model/fill.js';
import type { Order } from '../model/order.js';
import { isTerminalStatus } from '../model/order-transitions.js';
import type { RecoveredTrading } from '../model/trading-recovery.js';
import { fillJson, orderJson, type PositionJson, type WalEntryInput } from '../model/wal-entry.js';
import type { PositionView } from '../../actors/execution/orders/portfolio.js';
import type { Wal } from '../io/journal/wal.js';

/** The journal as the daemon's parts use it. */
export interface TradingJournal {
  readonly execution: ExecutionJournal;
  readonly risk: RiskJournal;
  /** An operator command and its outcome (durable). */
  audit(command: string, by: string, ok: boolean, detail: string, ts: number): void;
  /** A daemon start, with what its recovery restored (durable). */
  start(restored: { restoredOrders: number; restoredFills: number; tradingState: string }, ts: number): void;
  /** Market data and signals for the projections (buffered: not trading truth). */
  record(entry: WalEntryInput): void;
}

/** Journal ports over `wal`, continuing the numbering `recovered` left. */
export function createTradingJournal(wal: Wal, recovered: RecoveredTrading): TradingJournal {
  const versions = new Map<string, number>(recovered.versions);
  const nextVersion = (order: Order): number => {
    const id = order.clientOrderId;
    const version = (versions.get(id) ?? 0) + 1;
    if (isTerminalStatus(order.status)) versions.delete(id);
    else versions.set(id, version);
    return version;
  };
  return {
    execution: {
      order(order) {
        wal.append({ kind: 'order', ts: order.updatedTs, version: nextVersion(order), order: orderJson(order) });
      },
      fill(fill: Fill, order: Order | undefined, changed: boolean, position: PositionView, cash: bigint, quotePrecision: number) {
        const id = fill.clientOrderId;
        const version = order === undefined ? null : changed ? nextVersion(order) : (versions.get(id) ?? null);
        const fillId = changed && order !== undefined ? `${id}#${order.fillCount}` : `${id}#s${wal.lastSeq + 1}`;
        wal.append({
          kind: 'fill',
          ts: fill.ts,
          version,
          order: order === undefined ? null : orderJson(order),
          fillId,
          fill: fillJson(fill),
          position: positionJson(position),
          cash: cash.toString(),
          quotePrecision,
        });
      },
    },
    risk: {
      riskState(event) {
        wal.append({ kind: 'risk_state', ts: event.ts, from: event.from, to: event.to, source: event.source, reason: event.reason, detail: event.detail });
      },
    },
    audit(command, by, ok, detail, ts) {
      wal.append({ kind: 'audit', ts, command, by, ok, detail });
    },
    start(restored, ts) {
      wal.append({ kind: 'start', ts, ...restored });
    },
    record(entry) {
      wal.appendBuffered(entry);
    },
  };
}

function positionJson(p: PositionView): PositionJson {
  return {
    exchange: p.exchange,
    symbol: p.symbol,
    quantity: p.quantity.toString(),
    sizePrecision: p.sizePrecision,
    pricePrecision: p.pricePrecision,
    costBasis: p.costBasis.toString(),
    realizedPnl: p.realizedPnl.toString(),
    fees: p.fees.toString(),
    fillCount: p.fillCount,
  };
}
