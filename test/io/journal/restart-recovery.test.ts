/**
 * The restart seam, in process and on the simulated clock: a pipeline trades with its journal
 * ports on a real write-ahead log, stops mid-run (orders resting, positions open, the kill switch
 * tripped), and a second pipeline recovers from that journal. What it restores must equal what the
 * first one had: positions and cash, the open orders, the venue's account and working orders, the
 * trading state, and the client order id sequence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionSnapshot } from '../../../actors/execution/orders/execution-actor.js';
import type { PaperVenueStats } from '../../../actors/execution/venues/paper/paper-venue-actor.js';
import type { RiskStats } from '../../../actors/risk/risk-actor.js';
import { createTradingJournal } from '../../../src/app/trading-journal.js';
import { openWal, readWal } from '../../../src/io/journal/wal.js';
import { recoverTrading } from '../../../src/io/journal/wal-recovery.js';
import type { WalEntry } from '../../../src/model/wal-entry.js';
import { MINUTE } from '../../../src/runtime/clock.js';
import { bar, barStrategy, pipelineRig, T0 } from '../../support/pipeline-rig.js';

const root = mkdtempSync(join(tmpdir(), 'tickflow-restart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Buys up in market steps, then rests a limit far below the market (it never fills), then on
// bar 8 asks for more at market again: orders of both kinds, fills, and one order left open.
const steps = barStrategy('steps', (b, api) => {
  const i = Math.round((b.closeTs - T0) / MINUTE);
  if (i <= 4) api.target(b.symbol, 0.01 * i);
  else if (i === 5) api.target(b.symbol, 0.1, { orderType: 'limit', limitPrice: 50 });
  else if (i === 8) api.target(b.symbol, 0.05);
});

const RAW = { cash: '10000', execution: { venue: { type: 'paper', accounts: { x: { type: 'cash' } } } } };

function bars(from: number, to: number) {
  return Array.from({ length: to - from + 1 }, (_, k) => bar(T0 + (from + k) * MINUTE, 100 + from + k));
}

describe('restart recovery from the journal', () => {
  it('restores positions, cash, open orders, the venue, the trading state and the id sequence as the journal left them', async () => {
    const dir = join(root, 'journal');
    const wal = openWal({ dir, fsync: 'never' });
    const first = pipelineRig(steps, RAW, {}, { ...portsOf(createTradingJournal(wal, recoverTrading(dir))), recovered: recoverTrading(dir) });
    await first.feed(bars(1, 6));
    await first.ask(first.refs.risk, { type: 'set_trading_state', state: 'REDUCING', reason: 'test: operator' });
    const before = await first.ask<ExecutionSnapshot>(first.refs.execution, { type: 'exec_snapshot' });
    const venueBefore = await first.ask<PaperVenueStats>(first.refs.venue, { type: 'venue_stats' });
    // The run is cut here: nothing stops cleanly (a crash), the journal is what is left.
    wal.flush();

    const recovered = recoverTrading(dir);
    const open = before.orders.filter((o) => !['FILLED', 'CANCELED', 'REJECTED', 'DENIED', 'EXPIRED'].includes(o.status));
    expect(open.length).toBe(1);
    expect(recovered.openOrders.map((o) => [o.clientOrderId, o.status])).toEqual(open.map((o) => [o.clientOrderId, o.status]));
    expect(recovered.fills.length).toBe(before.fillCount);
    expect(recovered.tradingState?.state).toBe('REDUCING');

    const wal2 = openWal({ dir: join(root, 'journal-2'), fsync: 'never' });
    const second = pipelineRig(steps, RAW, {}, { ...portsOf(createTradingJournal(wal2, recovered)), recovered });
    const after = await second.ask<ExecutionSnapshot>(second.refs.execution, { type: 'exec_snapshot' });
    expect(after.portfolio.cash).toBe(before.portfolio.cash);
    expect(after.portfolio.positions).toEqual(stripMarks(before.portfolio.positions, after.portfolio.positions));
    expect(after.orders.filter((o) => o.status === 'ACCEPTED').map((o) => o.clientOrderId)).toEqual(open.map((o) => o.clientOrderId));
    const venueAfter = await second.ask<PaperVenueStats>(second.refs.venue, { type: 'venue_stats' });
    expect(venueAfter.account?.balances).toEqual(venueBefore.account?.balances);
    const risk = await second.ask<RiskStats>(second.refs.risk, { type: 'risk_stats' });
    expect(risk.state).toBe('REDUCING');

    // Trading goes on: ids continue after the journal's, the resting limit is still the venue's.
    await second.ask(second.refs.risk, { type: 'set_trading_state', state: 'ACTIVE', reason: 'test: re-armed' });
    await second.feed(bars(7, 9));
    wal2.close();
    const entries: WalEntry[] = [];
    readWal(join(root, 'journal-2'), 0, (e) => entries.push(e));
    const firstIds = new Set(before.orders.map((o) => o.clientOrderId));
    const created = entries.filter((e) => e.kind === 'order' && e.version === 1).map((e) => (e.kind === 'order' ? e.order.clientOrderId : ''));
    expect(created.length).toBeGreaterThan(0);
    for (const id of created) expect(firstIds.has(id)).toBe(false);
    expect(created[0]).toBe(`strategy-BTC-${before.orders.length + 1}`);
    // The resting limit's next version continues its numbering (a cancel at the new target).
    const limitId = open[0]!.clientOrderId;
    const limitVersions = entries.filter((e) => (e.kind === 'order' || e.kind === 'fill') && e.order?.clientOrderId === limitId).map((e) => (e.kind === 'order' || e.kind === 'fill' ? e.version : 0));
    expect(limitVersions[0]).toBe(recovered.versions.get(limitId)! + 1);
    wal.close();
  });

  it('restores a tripped kill switch: the restarted engine stays halted and denies new orders', async () => {
    const dir = join(root, 'killswitch');
    const wal = openWal({ dir, fsync: 'never' });
    // Buys 5 at 100 with 1,000 of cash, then the price falls 20%: a 10% drawdown against a 2% limit.
    const buyer = barStrategy('buyer', (b, api) => {
      const i = Math.round((b.closeTs - T0) / MINUTE);
      if (i === 1) api.target(b.symbol, 5);
      if (i === 6) api.target(b.symbol, 6);
    });
    const raw = { ...RAW, cash: '1000', risk: { killSwitch: { maxDrawdown: '2%', action: 'HALTED' } } };
    const first = pipelineRig(buyer, raw, {}, { ...portsOf(createTradingJournal(wal, recoverTrading(dir))), recovered: recoverTrading(dir) });
    await first.feed([...bars(1, 3).map((b) => ({ ...b, close: 100, open: 100, high: 100, low: 100, vwap: 100 })), ...bars(4, 4).map((b) => ({ ...b, close: 80, open: 80, high: 80, low: 80, vwap: 80 }))]);
    const tripped = await first.ask<RiskStats>(first.refs.risk, { type: 'risk_stats' });
    expect(tripped.state).toBe('HALTED');
    wal.flush();
    const recovered = recoverTrading(dir);
    expect(recovered.tradingState).toMatchObject({ state: 'HALTED', source: 'kill_switch' });

    const second = pipelineRig(buyer, raw, {}, { ...portsOf(createTradingJournal(wal, recovered)), recovered });
    expect((await second.ask<RiskStats>(second.refs.risk, { type: 'risk_stats' })).state).toBe('HALTED');
    await second.feed(bars(5, 7).map((b) => ({ ...b, close: 80, open: 80, high: 80, low: 80, vwap: 80 })));
    const risk = await second.ask<RiskStats>(second.refs.risk, { type: 'risk_stats' });
    expect(risk.denials.TRADING_HALTED).toBeGreaterThan(0);
    expect(risk.approved).toBe(0);
    wal.close();
  });

  it('closes an order journaled as sent but never acknowledged, and never sends it again', async () => {
    const dir = join(root, 'unacked');
    const wal = openWal({ dir, fsync: 'never' });
    // Latency 1 min: the order is SUBMITTED at bar 1 and the run is cut before it reaches the venue.
    const raw = { ...RAW, execution: { venue: { type: 'paper', latencyUs: 60_000_000, accounts: { x: { type: 'cash' } } } } };
    const first = pipelineRig(steps, raw, {}, { ...portsOf(createTradingJournal(wal, recoverTrading(dir))), recovered: recoverTrading(dir) });
    await first.feed(bars(1, 1));
    wal.flush();
    const recovered = recoverTrading(dir);
    expect(recovered.openOrders.map((o) => o.status)).toEqual(['SUBMITTED']);
    const second = pipelineRig(steps, raw, {}, { ...portsOf(createTradingJournal(wal, recovered)), recovered });
    const after = await second.ask<ExecutionSnapshot>(second.refs.execution, { type: 'exec_snapshot' });
    expect(after.orders.map((o) => [o.status, o.reason?.split(':')[0]])).toEqual([['REJECTED', 'RECOVERY_NOT_AT_VENUE']]);
    const venue = await second.ask<PaperVenueStats>(second.refs.venue, { type: 'venue_stats' });
    expect(venue.counters.submitted).toBe(0);
    wal.close();
  });
});

function portsOf(journal: ReturnType<typeof createTradingJournal>) {
  return { execution: journal.execution, risk: journal.risk };
}

// Marks differ (the second run has seen no price yet): compare what the fills made.
function stripMarks<T extends Record<string, { markPrice: unknown; marketValue: unknown; unrealizedPnl: unknown }>>(before: T, after: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(before)) out[key] = { ...p, markPrice: after[key]?.markPrice, marketValue: after[key]?.marketValue, unrealizedPnl: after[key]?.unrealizedPnl };
  return out as T;
}
