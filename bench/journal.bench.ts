/**
 * What journaling costs the trading path: execution appends every order version and fill to the
 * write-ahead log with one `write(2)` before it acts (`src/io/journal/wal.ts`). Measured: a durable
 * append of a typical order-version entry (fsync `interval`, the default: the periodic fdatasync
 * runs on the same thread and is included), and with fsync `always` (one fdatasync per entry);
 * baseline, in the same run, interleaved: `JSON.stringify` of the same entry alone (the encoding
 * any journal would pay). Also the buffered append the market-data recorder uses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWal, type Wal } from '../src/io/journal/wal.js';
import { createInstrument } from '../src/model/instrument.js';
import { applyOrderEvent, createOrder } from '../src/model/order.js';
import { orderJson, type WalEntryInput } from '../src/model/wal-entry.js';
import { interleave, quick, report, row } from './harness.js';

const N = quick ? 20_000 : 100_000;
const N_ALWAYS = quick ? 200 : 1_000;
const BTC = createInstrument({ exchange: 'binance', symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' });
const created = createOrder({ clientOrderId: 'ema-cross-BTCUSDT-123456', exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', type: 'limit', quantity: 1000, limitPrice: 6_000_012, ts: 1_800_000_000_000_000, cause: 'trade binance:BTCUSDT #123456789' }, BTC);
const submitted = applyOrderEvent(created, { type: 'submit', ts: 1_800_000_000_000_100 });
if (!submitted.ok) throw new Error(submitted.reason);
const entry: WalEntryInput = { kind: 'order', ts: 1_800_000_000_000_100, version: 2, order: orderJson(submitted.order) };

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'tickflow-journal-bench-'));
  let n = 0;
  const fresh = (fsync: 'interval' | 'always'): Wal => openWal({ dir: join(root, String(n++)), fsync });
  try {
    let sink = 0;
    const timings = await interleave(
      [
        { name: 'stringify', run: () => { for (let i = 0; i < N; i++) sink += JSON.stringify({ seq: i, ...entry }).length; } },
        { name: 'append', run: () => { const wal = fresh('interval'); for (let i = 0; i < N; i++) wal.append(entry); wal.close(); } },
        { name: 'buffered', run: () => { const wal = fresh('interval'); for (let i = 0; i < N; i++) wal.appendBuffered(entry); wal.close(); } },
      ],
      quick ? 3 : 7,
      1,
    );
    const always = await interleave([{ name: 'always', run: () => { const wal = fresh('always'); for (let i = 0; i < N_ALWAYS; i++) wal.append(entry); wal.close(); } }], quick ? 2 : 3, 0);
    const [stringify, append, buffered] = timings as [(typeof timings)[0], (typeof timings)[0], (typeof timings)[0]];
    const us = (seconds: number, count: number) => (seconds / count) * 1e6;
    if (sink === 0) throw new Error('nothing encoded');
    report([
      row('journal: durable append of an order version, fsync interval, CPU (vs JSON.stringify alone)', 'µs/entry', us(append.medianCpuSeconds, N), us(stringify.medianCpuSeconds, N)),
      row('journal: buffered append (market data), CPU (vs JSON.stringify alone)', 'µs/entry', us(buffered.medianCpuSeconds, N), us(stringify.medianCpuSeconds, N)),
      row('journal: durable append with fsync always, wall (vs JSON.stringify alone)', 'µs/entry', us(always[0]!.medianWallSeconds, N_ALWAYS), us(stringify.medianWallSeconds, N)),
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
