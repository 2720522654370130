/**
 * Recovery time: a daemon restarting on a journal that holds 10,000 open orders (resting limits,
 * each journaled as created, submitted and accepted) and 2,000 filled ones. Measured: reading the
 * journal and rebuilding what to restore (`recoverTrading`), then spawning the trading pipeline
 * with it (execution, risk, planner and the paper venue each rebuilding their books) until the
 * system is idle: what stands between a restart and the first trade. Baseline, in the same run,
 * interleaved: reading the same journal and parsing every entry, doing nothing with them (the I/O
 * and JSON floor).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getStrategy } from '../actors/strategies/strategies.js';
import { Portfolio } from '../actors/execution/orders/portfolio.js';
import { parseConfig } from '../src/app/config.js';
import { BACKTEST_ROOT_SUPERVISION } from '../src/app/pipeline-supervision.js';
import { createTradingJournal } from '../src/app/trading-journal.js';
import { spawnTradingPipeline } from '../src/app/trading-pipeline.js';
import { openWal, readWal } from '../src/io/journal/wal.js';
import { recoverTrading } from '../src/io/journal/wal-recovery.js';
import { createInstrument } from '../src/model/instrument.js';
import { applyOrderEvent, createOrder, type Order, type OrderEvent } from '../src/model/order.js';
import { NOTHING_RECOVERED } from '../src/model/trading-recovery.js';
import { createActorSystem } from '../src/runtime/actor-system.js';
import { SimulatedClock } from '../src/runtime/clock.js';
import { interleave, quick, report, row } from './harness.js';

const OPEN = 10_000;
const FILLED = 2_000;
const T0 = 1_800_000_000_000_000;
const BTC = createInstrument({ exchange: 'binance', symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' });
const QP = BTC.quotePrecision;

function writeJournal(dir: string): number {
  const wal = openWal({ dir, fsync: 'never' });
  const journal = createTradingJournal(wal, NOTHING_RECOVERED);
  const portfolio = new Portfolio({ quotePrecision: QP, initialCash: '100000000' });
  let t = T0;
  const step = (order: Order, event: OrderEvent): Order => {
    const next = applyOrderEvent(order, event);
    if (!next.ok) throw new Error(next.reason);
    return next.order;
  };
  for (let i = 1; i <= OPEN + FILLED; i++) {
    const filled = i > OPEN;
    let order = createOrder({ clientOrderId: `strategy-BTCUSDT-${i}`, exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', type: filled ? 'market' : 'limit', quantity: 100, limitPrice: filled ? undefined : 100_000 + (i % 500), ts: (t += 10) }, BTC);
    journal.execution.order(order);
    order = step(order, { type: 'submit', ts: (t += 10) });
    journal.execution.order(order);
    order = step(order, { type: 'accept', ts: (t += 10) });
    journal.execution.order(order);
    if (filled) {
      const fill = { clientOrderId: order.clientOrderId, exchange: 'binance', symbol: 'BTCUSDT', side: 'buy' as const, quantity: 100, price: 6_000_000, fee: 24n, liquidity: 'taker' as const, ts: (t += 10) };
      portfolio.applyFill(fill, BTC);
      order = step(order, { type: 'fill', ts: fill.ts, quantity: fill.quantity, price: fill.price });
      journal.execution.fill(fill, order, true, portfolio.position('binance:BTCUSDT')!, portfolio.cash, QP);
    }
  }
  wal.close();
  return wal.lastSeq;
}

const config = parseConfig(
  {
    cash: '100000000',
    instruments: [{ exchange: 'binance', symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' }],
    execution: { venue: { type: 'paper', accounts: { binance: { type: 'cash' } } } },
  },
  'recovery bench',
);
const instruments = new Map([['binance:BTCUSDT', BTC]]);

function recoverAndSpawn(dir: string): number {
  const recovered = recoverTrading(dir);
  const system = createActorSystem({ clock: new SimulatedClock(T0 + 3_600_000_000), supervision: BACKTEST_ROOT_SUPERVISION });
  spawnTradingPipeline(system, {
    config,
    instruments,
    quotePrecision: QP,
    strategy: getStrategy('ema-cross'),
    params: {},
    interval: undefined,
    keepFills: false,
    persistence: { execution: { order: () => undefined, fill: () => undefined }, risk: { riskState: () => undefined }, recovered },
  });
  system.runUntilIdle();
  return recovered.openOrders.length;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tickflow-recovery-bench-'));
  try {
    const entries = writeJournal(dir);
    const timings = await interleave(
      [
        { name: 'read', run: () => readWal(dir, 0, () => undefined) },
        {
          name: 'recover',
          run: () => recoverAndSpawn(dir),
          check: (n) => {
            if (n !== OPEN) throw new Error(`recovered ${String(n)} open orders, expected ${OPEN}`);
          },
        },
      ],
      quick ? 3 : 7,
      1,
    );
    const [read, recover] = timings as [(typeof timings)[0], (typeof timings)[0]];
    console.log(`journal: ${entries.toLocaleString('en-US')} entries (${OPEN.toLocaleString('en-US')} open orders, ${FILLED.toLocaleString('en-US')} filled)`);
    report([
      row('recovery: 10k open orders, wall (vs reading the journal)', 'ms', recover.medianWallSeconds * 1000, read.medianWallSeconds * 1000),
      row('recovery: 10k open orders, CPU (vs reading the journal)', 'ms', recover.medianCpuSeconds * 1000, read.medianCpuSeconds * 1000),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
