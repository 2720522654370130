/**
 * The PostgreSQL projection writer: how fast rows go in, and how long a catch-up after an outage
 * takes. Needs a PostgreSQL server (`DATABASE_URL`, default the loopback one); without one it says
 * so and reports nothing. Each run uses a schema of its own and drops it at the end.
 *
 * Throughput: `ROWS` trade rows (100k; 20k with `--quick`) written in transactions of `TX_ROWS`
 * rows (the projection writer's default batch), into the empty, partitioned `trades` table (the
 * table is emptied before each run, outside the timing). Contenders, interleaved in rounds on one
 * connection each, medians of wall time:
 *   (a) multi-row `INSERT ... VALUES ($1, ...), (...) ON CONFLICT DO NOTHING`, one parameter per value;
 *   (b) `COPY` into a temp table, then `INSERT ... SELECT ... ON CONFLICT DO NOTHING`;
 *   (c) plain `COPY` into the table (the baseline: the fastest way in, not idempotent);
 *   (d) `INSERT ... SELECT * FROM unnest($1::text[], ...) ON CONFLICT DO NOTHING`, one array
 *       parameter per column (what the sink does: it measured fastest of the idempotent ways);
 *   (e) the sink's own `apply()` on the journal's trade entries: mapping, cursor and all.
 *
 * Catch-up: a journal (`wal.ts`) written at `RATE` trade entries/s, followed by the projection
 * writer actor (`actors/persistence/projection-actor.ts`, default batch and backoff) through the
 * sink and a TCP proxy; the proxy is cut for `OUTAGE_S` seconds (30; 3 with `--quick`) while the
 * journal keeps growing; reported is the time from `restore()` until the writer's cursor reaches
 * the journal's last entry (which is still growing), beside the outage's length.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DEFAULT_PROJECTION_BACKOFF, projectionActor } from '../actors/persistence/projection-actor.js';
import type { ProjectionSink } from '../actors/persistence/projection-ports.js';
import { openWal } from '../src/io/journal/wal.js';
import { createTcpProxy } from '../src/io/net/tcp-proxy.js';
import { migrate } from '../src/io/postgres/migrate.js';
import { createPartitions, dayOf } from '../src/io/postgres/partitions.js';
import { createPostgresSink } from '../src/io/postgres/postgres-sink.js';
import { PROJECTION_COLUMNS, projectionRows, type Row } from '../src/io/postgres/projection-rows.js';
import type { TradeEntry, WalEntryInput } from '../src/model/wal-entry.js';
import { createActorSystem } from '../src/runtime/actor-system.js';
import { LiveClock } from '../src/runtime/clock.js';
import { interleave, median, quick, report, row, type BenchRow } from './harness.js';

const URL_ = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROWS = quick ? 20_000 : 100_000;
const TX_ROWS = 1_000;
const ROUNDS = quick ? 3 : 5;
const OUTAGE_S = quick ? 3 : 30;
const RATE = 2_000;
const SCHEMA = `bench_${process.pid}`;
const COLUMNS = PROJECTION_COLUMNS.trades;
const TABLE = `"${SCHEMA}".trades`;

/** `n` trade entries from seq `from`, one every `stepUs` from `t0`. */
function trades(n: number, from: number, t0: number, stepUs: number): TradeEntry[] {
  const out: TradeEntry[] = [];
  for (let i = 0; i < n; i++) {
    const seq = from + i;
    const ts = t0 + i * stepUs;
    out.push({ seq, ts, kind: 'trade', record: { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts, tsRecv: ts + 7, id: String(seq), price: 60_000 + (seq % 1000) / 100, amount: 0.001 * (1 + (seq % 7)), side: seq % 2 === 0 ? 'buy' : 'sell' } });
  }
  return out;
}

/** A value in COPY's text format. */
function copyText(value: Row[number]): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

async function copyRows(client: pg.Client, table: string, rows: readonly Row[]): Promise<void> {
  const lines = rows.map((r) => `${r.map(copyText).join('\t')}\n`).join('');
  await pipeline(Readable.from([lines]), client.query(copyFrom(`COPY ${table} (${COLUMNS.join(', ')}) FROM STDIN`)));
}

const multiRowSql = (() => {
  const tuples = Array.from({ length: TX_ROWS }, (_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(',')})`);
  return `INSERT INTO ${TABLE} (${COLUMNS.join(', ')}) VALUES ${tuples.join(',')} ON CONFLICT DO NOTHING`;
})();
const TYPES = ['text', 'text', 'text', 'timestamptz', 'timestamptz', 'numeric', 'numeric', 'text', 'bigint'];
const unnestSql = `INSERT INTO ${TABLE} (${COLUMNS.join(', ')}) SELECT * FROM unnest(${TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')}) ON CONFLICT DO NOTHING`;

type Writer = (client: pg.Client, rows: readonly Row[]) => Promise<void>;

const writers: Record<string, Writer> = {
  'multi-row INSERT': async (client, rows) => {
    // Every transaction is a full TX_ROWS rows (ROWS is a multiple of it): one statement text.
    await client.query(multiRowSql, rows.flat());
  },
  'COPY + INSERT': async (client, rows) => {
    await copyRows(client, 'trades_stage', rows);
    await client.query(`INSERT INTO ${TABLE} SELECT * FROM trades_stage ON CONFLICT DO NOTHING`);
  },
  'plain COPY': async (client, rows) => {
    await copyRows(client, TABLE, rows);
  },
  'unnest INSERT': async (client, rows) => {
    await client.query(unnestSql, COLUMNS.map((_, c) => rows.map((r) => r[c])));
  },
};

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: URL_ });
  await client.connect();
  return client;
}

async function throughput(admin: pg.Client): Promise<BenchRow[]> {
  const t0 = Date.now() * 1000;
  const entries = trades(ROWS, 1, t0, 1);
  const rows = projectionRows(entries).rows.trades;
  const clients = new Map<string, pg.Client>();
  for (const name of Object.keys(writers)) clients.set(name, await connect());
  const stageClient = clients.get('COPY + INSERT')!;
  await stageClient.query(`CREATE TEMP TABLE trades_stage (LIKE ${TABLE} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`);
  const elapsed = new Map<string, number[]>();
  const reset = async () => {
    await admin.query(`TRUNCATE ${TABLE}`);
    await admin.query(`DELETE FROM "${SCHEMA}".tickflow_cursor`);
  };
  const contender = (name: string, body: () => Promise<void>) => ({
    name,
    run: async () => {
      await reset();
      const start = performance.now();
      await body();
      const seconds = (performance.now() - start) / 1000;
      const n = Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${TABLE}`)).rows[0]!.n);
      if (n !== ROWS) throw new Error(`${name}: ${n} of ${ROWS} rows written`);
      return seconds;
    },
    check: (seconds: unknown) => void (elapsed.get(name) ?? elapsed.set(name, []).get(name)!).push(seconds as number),
  });
  const sink = createPostgresSink({ url: URL_, schema: SCHEMA });
  const contenders = Object.entries(writers).map(([name, write]) =>
    contender(name, async () => {
      const client = clients.get(name)!;
      for (let at = 0; at < rows.length; at += TX_ROWS) {
        await client.query('BEGIN');
        await write(client, rows.slice(at, at + TX_ROWS));
        await client.query('COMMIT');
      }
    }),
  );
  contenders.push(
    contender('sink apply', async () => {
      await sink.open();
      for (let at = 0; at < entries.length; at += TX_ROWS) await sink.apply(entries.slice(at, at + TX_ROWS));
      await sink.close();
    }),
  );
  await interleave(contenders, ROUNDS, 1);
  for (const client of clients.values()) await client.end();
  // The warm-up round is pushed too: drop it.
  const rate = (name: string) => ROWS / median(elapsed.get(name)!.slice(1));
  const copy = rate('plain COPY');
  console.log(`throughput: ${ROWS} trade rows in transactions of ${TX_ROWS}, ${ROUNDS} rounds, medians`);
  return [
    row('PG write, multi-row INSERT ON CONFLICT DO NOTHING (vs plain COPY)', 'rows/s', rate('multi-row INSERT'), copy),
    row('PG write, COPY to temp + INSERT ON CONFLICT DO NOTHING (vs plain COPY)', 'rows/s', rate('COPY + INSERT'), copy),
    row('PG write, INSERT SELECT unnest(arrays) ON CONFLICT DO NOTHING (vs plain COPY)', 'rows/s', rate('unnest INSERT'), copy),
    row('PG sink apply(), trade entries end to end (vs plain COPY)', 'rows/s', rate('sink apply'), copy),
  ];
}

async function catchUp(admin: pg.Client): Promise<BenchRow[]> {
  await admin.query(`TRUNCATE ${TABLE}`);
  await admin.query(`DELETE FROM "${SCHEMA}".tickflow_cursor`);
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-bench-wal-'));
  const wal = openWal({ dir, fsync: 'never' });
  const target = new URL(URL_);
  const proxy = await createTcpProxy({ target: { host: target.hostname, port: Number(target.port || 5432) } });
  const viaProxy = new URL(URL_);
  viaProxy.host = `${proxy.host}:${proxy.port}`;
  const inner = createPostgresSink({ url: viaProxy.toString(), schema: SCHEMA });
  let cursor = 0;
  let openedAt = 0;
  const sink: ProjectionSink = {
    name: inner.name,
    open: async () => {
      cursor = await inner.open();
      openedAt = performance.now();
      return cursor;
    },
    apply: async (entries) => {
      await inner.apply(entries);
      cursor = entries[entries.length - 1]!.seq;
    },
    close: () => inner.close(),
  };
  const system = createActorSystem({ clock: new LiveClock() });
  system.spawn(projectionActor, { config: { source: wal, sink, batchMax: 1000, idlePollUs: 20_000, backoff: DEFAULT_PROJECTION_BACKOFF } });
  // The journal: RATE trade entries a second, appended every 10 ms, as a recorder would.
  const started = performance.now();
  let written = 0;
  const writer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * RATE);
    const now = Date.now() * 1000;
    for (const e of trades(due - written, written + 1, now, 1)) {
      const { seq: _seq, ...input } = e;
      wal.appendBuffered(input as WalEntryInput);
    }
    written = due;
    wal.flush();
  }, 10);
  const waitFor = async (done: () => boolean, limitMs: number) => {
    const t0 = performance.now();
    while (!done()) {
      if (performance.now() - t0 > limitMs) throw new Error(`catch-up: not done after ${limitMs} ms (cursor ${cursor}, journal ${wal.lastSeq})`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return (performance.now() - t0) / 1000;
  };
  await waitFor(() => cursor > RATE, 20_000); // running and following the journal
  proxy.cut();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_S * 1000));
  const backlog = wal.lastSeq - cursor;
  proxy.restore();
  const restoredAt = performance.now();
  const catchUpS = await waitFor(() => cursor >= wal.lastSeq, 120_000);
  const reopenS = (openedAt - restoredAt) / 1000;
  clearInterval(writer);
  await system.stop();
  wal.close();
  await proxy.close();
  const n = Number((await admin.query<{ n: string }>(`SELECT count(*) AS n FROM ${TABLE}`)).rows[0]!.n);
  rmSync(dir, { recursive: true, force: true });
  if (n < cursor) throw new Error(`catch-up: ${n} rows for a cursor at ${cursor}`);
  console.log(
    `catch-up: journal at ${RATE} entries/s, cut ${OUTAGE_S} s, backlog ${backlog} entries; the writer reopened ${reopenS.toFixed(2)} s after restore ` +
      `(its backoff: at most 5 s + 20 % jitter) and caught up ${catchUpS.toFixed(2)} s after restore`,
  );
  return [
    row(`PG catch-up after a ${OUTAGE_S} s outage at ${RATE} entries/s (vs the outage)`, 's', catchUpS, OUTAGE_S),
  ];
}

async function main(): Promise<void> {
  let admin: pg.Client;
  try {
    admin = await connect();
  } catch (error) {
    console.log(`skipped: PostgreSQL at ${new URL(URL_).host} is not reachable (${(error as Error).message}); set DATABASE_URL`);
    return;
  }
  try {
    await migrate({ url: URL_, schema: SCHEMA });
    // Today's partition and tomorrow's (a run near midnight), made outside any timing.
    const today = dayOf(Date.now() * 1000);
    await createPartitions(admin, SCHEMA, [today, today + 1]);
    const rows = await throughput(admin);
    rows.push(...(await catchUp(admin)));
    report(rows);
  } finally {
    await admin.query(`DROP SCHEMA IF EXISTS "${SCHEMA}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

await main();
