/**
 * The PostgreSQL schema of the journal's projection, as versioned migrations (applied in order by
 * `migrate.ts`). They are TypeScript data, not `.sql` files, because `tsc` copies no `.sql` into
 * `dist/`: a migration that ships as code ships with the build that needs it.
 *
 * The SQL names no schema: the runner sets `search_path` to the target schema for the
 * transaction, so one text serves `public` and every test's fresh schema, and its checksum does
 * not depend on where it was applied. An applied migration is never edited (the runner refuses a
 * changed checksum); a change is a new migration.
 *
 * What the tables hold and why (every key is natural or the journal's `seq`, so applying an entry
 * twice writes nothing twice):
 * - `trades`, `bars`, `signals`: time series, `PARTITION BY RANGE` on their time column in daily
 *   partitions (`partitions.ts`; old days are dropped whole, and time-range queries touch only their
 *   days). A partitioned table's primary key must include the partition column, so it does:
 *   trades `(exchange, symbol, ts, id)` (the trade id is the venue's, unique per symbol; ts in the
 *   key order serves "this symbol between t0 and t1" from the key's own index), bars
 *   `(exchange, symbol, interval, open_ts, close_ts)` (close_ts too: two tick bars can open in the same
 *   microsecond), signals `(seq, ts)` (a strategy may set two targets in one microsecond, so only the
 *   journal position identifies one).
 * - `orders`: the latest version per `client_order_id`, replaced only by a newer `version`;
 *   `order_versions`: every version, `(client_order_id, version)`.
 * - `fills` by the journal's `fill_id`; `positions` by `(exchange, symbol)` and `balances` by currency
 *   (`quote`: the journal has one cash), each replaced only by an entry with a later `seq`.
 * - `audit_log` by `seq`: trading-state changes, operator commands and daemon starts.
 * - `tickflow_cursor`: per projection, the `seq` of the last entry applied, moved in the same
 *   transaction as the rows.
 *
 * Exact amounts are `numeric` without a declared scale: the value keeps the scale it was written
 * with (15.0000 at size precision 4), so a round trip through PostgreSQL loses nothing. Market
 * numbers (trade prices, bar values, targets) are written from their shortest decimal text. Times
 * are `timestamptz`, which holds microseconds exactly, so the journal's µs survive; order status
 * times stay raw µs inside `timestamps` (jsonb).
 */

/** One schema change. `version` orders them; `name` says what it does. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Terminal order statuses (`order-transitions.ts`), for the open-orders index. */
const CLOSED_STATUSES = `'DENIED', 'REJECTED', 'FILLED', 'CANCELED', 'EXPIRED'`;

/** Columns shared by `orders` and `order_versions`: one order version. */
const ORDER_COLUMNS = `
  client_order_id text NOT NULL,
  version integer NOT NULL,
  seq bigint NOT NULL,
  exchange text NOT NULL,
  symbol text NOT NULL,
  side text NOT NULL,
  type text NOT NULL,
  status text NOT NULL,
  quantity numeric NOT NULL,
  limit_price numeric,
  filled_quantity numeric NOT NULL,
  fill_notional numeric NOT NULL,
  avg_fill_price numeric,
  fill_count integer NOT NULL,
  price_precision smallint NOT NULL,
  size_precision smallint NOT NULL,
  quote_precision smallint NOT NULL,
  created_ts timestamptz NOT NULL,
  updated_ts timestamptz NOT NULL,
  timestamps jsonb NOT NULL,
  reason text,
  cause text`;

/** Every migration, oldest first. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'market data',
    sql: `
CREATE TABLE trades (
  exchange text NOT NULL,
  symbol text NOT NULL,
  id text NOT NULL,
  ts timestamptz NOT NULL,
  ts_recv timestamptz NOT NULL,
  price numeric NOT NULL,
  amount numeric NOT NULL,
  side text NOT NULL CHECK (side IN ('buy', 'sell', 'unknown')),
  seq bigint NOT NULL,
  PRIMARY KEY (exchange, symbol, ts, id)
) PARTITION BY RANGE (ts);

CREATE TABLE bars (
  exchange text NOT NULL,
  symbol text NOT NULL,
  interval text NOT NULL,
  open_ts timestamptz NOT NULL,
  close_ts timestamptz NOT NULL,
  open numeric NOT NULL,
  high numeric NOT NULL,
  low numeric NOT NULL,
  close numeric NOT NULL,
  volume numeric NOT NULL,
  buy_volume numeric NOT NULL,
  sell_volume numeric NOT NULL,
  trades integer NOT NULL,
  vwap numeric NOT NULL,
  seq bigint NOT NULL,
  PRIMARY KEY (exchange, symbol, interval, open_ts, close_ts)
) PARTITION BY RANGE (open_ts);

CREATE TABLE signals (
  seq bigint NOT NULL,
  ts timestamptz NOT NULL,
  strategy text NOT NULL,
  exchange text NOT NULL,
  symbol text NOT NULL,
  target numeric NOT NULL,
  order_type text NOT NULL CHECK (order_type IN ('market', 'limit')),
  limit_price numeric,
  limit_at text,
  timeout_us bigint,
  cause text,
  PRIMARY KEY (seq, ts)
) PARTITION BY RANGE (ts);
CREATE INDEX signals_symbol_ts ON signals (exchange, symbol, ts);
`,
  },
  {
    version: 2,
    name: 'orders, fills, positions, balances',
    sql: `
CREATE TABLE orders (${ORDER_COLUMNS},
  PRIMARY KEY (client_order_id)
);
CREATE INDEX orders_open ON orders (exchange, symbol) WHERE status NOT IN (${CLOSED_STATUSES});

CREATE TABLE order_versions (${ORDER_COLUMNS},
  PRIMARY KEY (client_order_id, version)
);

CREATE TABLE fills (
  fill_id text PRIMARY KEY,
  seq bigint NOT NULL,
  client_order_id text NOT NULL,
  order_version integer,
  exchange text NOT NULL,
  symbol text NOT NULL,
  side text NOT NULL,
  quantity numeric NOT NULL,
  price numeric NOT NULL,
  fee numeric NOT NULL,
  liquidity text NOT NULL CHECK (liquidity IN ('maker', 'taker')),
  ts timestamptz NOT NULL
);
CREATE INDEX fills_order ON fills (client_order_id);
CREATE INDEX fills_symbol_ts ON fills (exchange, symbol, ts);

CREATE TABLE positions (
  exchange text NOT NULL,
  symbol text NOT NULL,
  quantity numeric NOT NULL,
  cost_basis numeric NOT NULL,
  realized_pnl numeric NOT NULL,
  fees numeric NOT NULL,
  fill_count integer NOT NULL,
  size_precision smallint NOT NULL,
  price_precision smallint NOT NULL,
  seq bigint NOT NULL,
  ts timestamptz NOT NULL,
  PRIMARY KEY (exchange, symbol)
);

CREATE TABLE balances (
  currency text PRIMARY KEY,
  cash numeric NOT NULL,
  quote_precision smallint NOT NULL,
  seq bigint NOT NULL,
  ts timestamptz NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'audit log and projection cursor',
    sql: `
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('risk_state', 'audit', 'start')),
  ts timestamptz NOT NULL,
  command text,
  by text,
  ok boolean,
  detail text,
  payload jsonb NOT NULL
);
CREATE INDEX audit_log_ts ON audit_log (ts);

CREATE TABLE tickflow_cursor (
  projection text PRIMARY KEY,
  seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
];

/** The partitioned tables and the column each is partitioned on (`partitions.ts`). */
export const PARTITIONED_TABLES: readonly { readonly table: string; readonly column: string }[] = [
  { table: 'trades', column: 'ts' },
  { table: 'bars', column: 'open_ts' },
  { table: 'signals', column: 'ts' },
];

/** The newest schema version this build knows. */
export const LATEST_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;
