/**
 * kill -9 and restart, for real: `tickflow run` as a child process (the CLI built once by the
 * project's global setup) paper-trades a local `serve-feed` of the simulated market with a
 * strategy that orders on every trade, is killed with SIGKILL mid-run, and started again on the
 * same journal. The journal then says what happened; the test checks it tells one consistent
 * story: no client order id used twice, no order sent to the venue twice, no fill twice, no fill
 * for an order that had ended, the restarted daemon's positions and cash continuing exactly from
 * the fills before the kill, and the orders sent but never acknowledged closed, never resent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Portfolio } from '../../../actors/execution/orders/portfolio.js';
import { createFeedServer } from '../../../src/io/feed-server/feed-server.js';
import { readWal } from '../../../src/io/journal/wal.js';
import { recoverTrading } from '../../../src/io/journal/wal-recovery.js';
import { createInstrument } from '../../../src/model/instrument.js';
import { isTerminalStatus } from '../../../src/model/order-transitions.js';
import { fillFromJson, type FillEntry, type WalEntry } from '../../../src/model/wal-entry.js';
import { migrate } from '../../../src/io/postgres/migrate.js';
import { formatUnits } from '../../../src/model/money.js';
import { postgresUrl } from '../../support/services.js';
import { waitUntil } from '../feed-server/feed-test-client.js';
import { testSchema } from '../postgres/pg-schemas.js';

const dir = mkdtempSync(join(tmpdir(), 'tickflow-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIM = createInstrument({ exchange: 'binance', symbol: 'SIMUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' });

function config(url: string, rest: string, journalHome: string, postgres?: { url: string; schema: string }): string {
  return `feeds:
  - { url: "${url}", rest: "${rest}", symbols: [SIMUSDT], channels: [trade, bookTicker, depth], connectTimeout: 2s }
bars: { spec: 1s }
strategy: { name: bench-every-trade, params: { size: 0.01 } }
instruments: [{ exchange: binance, symbol: SIMUSDT, priceIncrement: "0.01", sizeIncrement: "0.001" }]
execution: { venue: { type: paper, accounts: { binance: { type: margin } } } }
http: { host: 127.0.0.1, port: 0 }
log: { level: silent }
metrics: { traceEvery: 0 }
shutdown: { deadline: 5s }
persistence: { dir: ${JSON.stringify(journalHome)}, fsync: interval${postgres === undefined ? '' : `, store: postgres, postgres: { url: ${JSON.stringify(postgres.url)}, schema: ${postgres.schema} }`} }
`;
}

function journal(path: string): WalEntry[] {
  const out: WalEntry[] = [];
  readWal(path, 0, (e) => out.push(e));
  return out;
}

const fills = (entries: readonly WalEntry[]) => entries.filter((e): e is FillEntry => e.kind === 'fill');

function run(cli: string, file: string): { child: ChildProcess; exited: Promise<number | null>; stderr: () => string } {
  const child = spawn(process.execPath, [cli, 'run', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stdout!.on('data', (d) => (err += String(d)));
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => err };
}

const pgUrl = await postgresUrl();

describe('tickflow run: kill -9 and restart', () => {
  it('restarts with the books the journal holds and sends, fills and numbers nothing twice (journal store)', async () => {
    await killAndRestart('journal');
  });

  it.skipIf(pgUrl === undefined)('does the same with PostgreSQL as the store, which ends up holding what the journal says, once', async () => {
    const db = await testSchema(pgUrl!);
    try {
      await migrate({ url: pgUrl!, schema: db.schema });
      const all = await killAndRestart('postgres', { url: pgUrl!, schema: db.schema });
      const fillEntries = fills(all);
      const last = all[all.length - 1]!;
      expect(await db.count('fills')).toBe(fillEntries.length);
      expect(await db.count('orders')).toBe(new Set(all.filter((e) => e.kind === 'order').map((e) => (e.kind === 'order' ? e.order.clientOrderId : ''))).size);
      expect((await db.rows<{ seq: string }>(`SELECT seq FROM "${db.schema}".tickflow_cursor`)).map((r) => Number(r.seq))).toEqual([last.seq]);
      const lastFill = fillEntries.at(-1)!;
      const positions = await db.rows<{ quantity: string }>(`SELECT quantity::text FROM "${db.schema}".positions`);
      expect(positions.map((p) => Number(p.quantity))).toEqual([Number(formatUnits(BigInt(lastFill.position.quantity), lastFill.position.sizePrecision))]);
      // The kill cut the writer mid-stream: its transactions are whole or absent, and the restart went on from its cursor.
      const starts = await db.rows<{ n: string }>(`SELECT count(*) AS n FROM "${db.schema}".audit_log WHERE kind = 'start'`);
      expect(Number(starts[0]!.n)).toBe(2);
    } finally {
      await db.drop();
    }
  });
});

/** Runs the scenario on a fresh journal (and `postgres` schema) and returns the final journal. */
async function killAndRestart(name: string, postgres?: { url: string; schema: string }): Promise<WalEntry[]> {
  const cli = inject('tickflowCli');
  const server = await createFeedServer({ simulated: { seed: 7, symbol: 'SIMUSDT', records: 200_000 }, port: 0, speed: 20 });
  const home = join(dir, `data-${name}`);
  const path = join(home, 'journal');
  const file = join(dir, `run-${name}.yaml`);
  writeFileSync(file, config(server.url, server.restUrl, home, postgres));
  try {
    const first = run(cli, file);
    await waitUntil(() => safeCount(path) >= 40, 30_000, `40 fills journaled by the first daemon (stderr: ${first.stderr()})`);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe(null);
    const atKill = journal(path);
    const recoveredAtKill = recoverTrading(path);

    const second = run(cli, file);
    await waitUntil(() => safeCount(path) >= fills(atKill).length + 20, 30_000, `20 more fills after the restart (stderr: ${second.stderr()})`);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  expect(second.stderr()).toContain(`restored from ${path}: ${recoveredAtKill.openOrders.length} open orders, ${recoveredAtKill.fills.length} fills`);
  expect(second.stderr()).toMatch(/journal: [\d,]+ entries in /);
    const all = journal(path);

    // The journal is append-only across the kill: what was there is still there.
    expect(all.slice(0, atKill.length)).toEqual(atKill);
    // The restart's first entry is its start: everything it journals (the reconcile included) comes after.
  expect(all[atKill.length]?.kind).toBe('start');
  const starts = all.filter((e) => e.kind === 'start');
    expect(starts.length).toBe(2);
    const restart = starts[1]!;
    expect(restart.kind === 'start' && [restart.restoredOrders, restart.restoredFills]).toEqual([recoveredAtKill.openOrders.length, recoveredAtKill.fills.length]);

    // No client order id twice, no order sent twice.
    const created = all.filter((e) => e.kind === 'order' && e.version === 1).map((e) => (e.kind === 'order' ? e.order.clientOrderId : ''));
    expect(new Set(created).size).toBe(created.length);
    const submitted = new Map<string, number>();
    for (const e of all) if (e.kind === 'order' && e.order.status === 'SUBMITTED') submitted.set(e.order.clientOrderId, (submitted.get(e.order.clientOrderId) ?? 0) + 1);
    expect([...submitted.values()].every((n) => n === 1)).toBe(true);

    // No fill twice, and none for an order that had ended before the restart.
    const allFills = fills(all);
    expect(new Set(allFills.map((f) => f.fillId)).size).toBe(allFills.length);
    const endedAtKill = new Set<string>();
    for (const e of atKill) if ((e.kind === 'order' || e.kind === 'fill') && e.order !== null && isTerminalStatus(e.order.status)) endedAtKill.add(e.order.clientOrderId);
    const restartSeq = restart.seq;
    for (const f of allFills) if (f.seq > restartSeq) expect(endedAtKill.has(f.fill.clientOrderId)).toBe(false);

    // Orders sent but not acknowledged at the kill are closed at the restart, never filled after it.
    const unacked = recoveredAtKill.openOrders.filter((o) => o.status === 'SUBMITTED').map((o) => o.clientOrderId);
    for (const id of unacked) {
      const after = all.filter((e) => e.seq > restartSeq && e.kind === 'order' && e.order.clientOrderId === id);
      expect(after.map((e) => (e.kind === 'order' ? e.order.status : ''))).toEqual(['REJECTED']);
    }

    // Positions and cash continue from the fills before the kill: every fill entry's position
    // and cash equal all fills up to it applied again from nothing.
    const portfolio = new Portfolio({ quotePrecision: allFills[0]!.quotePrecision, initialCash: '100000' });
    for (const entry of allFills) {
      portfolio.applyFill(fillFromJson(entry.fill), SIM);
      expect(entry.position.quantity).toBe(portfolio.positionQuantity('binance:SIMUSDT').toString());
      expect(entry.cash).toBe(portfolio.cash.toString());
    }
    expect(allFills.some((f) => f.seq > restartSeq)).toBe(true);
    expect(fills(atKill).length).toBeGreaterThanOrEqual(40);
    return all;
  } finally {
    await server.close();
  }
}

// The journal's fill count, or 0 while it does not exist yet.
function safeCount(path: string): number {
  try {
    return fills(journal(path)).length;
  } catch {
    return 0;
  }
}
