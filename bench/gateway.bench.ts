/**
 * The engine under gateway consumers: does a client that never reads slow the engine?
 *
 * Each run builds a live-clock actor system with the daemon's trading pipeline (books, 1 s bars,
 * ema-cross, planner, risk, execution, paper venue), the bus forwarder and a gateway behind a real
 * HTTP server on loopback, then offers N synthetic trades and quotes (stamped with the system's
 * clock, as a live feed stamps them) through `pumpSource`, under admission control. A probe actor
 * beside the pipeline records, for every record, the time from its offer to its delivery (the
 * engine's own latency). Contenders, interleaved in rounds in this process:
 *   (a) no gateway client (the baseline);
 *   (b) one client subscribed to everything that reads;
 *   (c) one client subscribed to everything that never reads (its socket paused), plus (b)'s reader.
 * Reported: CPU µs per record, and the probe's p50 / p99 delivery latency, each beside (a).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { busForwarder } from '../src/app/bus-forwarder.js';
import { getStrategy } from '../actors/strategies/strategies.js';
import { parseConfig } from '../src/app/config.js';
import { spawnTradingPipeline } from '../src/app/trading-pipeline.js';
import { createGateway, type Gateway } from '../src/io/gateway/gateway.js';
import { createInstrument } from '../src/model/instrument.js';
import type { MarketRecord } from '../src/model/records.js';
import { defineActor } from '../src/runtime/actor.js';
import { createActorSystem } from '../src/runtime/actor-system.js';
import { LiveClock } from '../src/runtime/clock.js';
import type { RecordSource, SourceStats } from '../streams/record-source.js';
import { pumpSource } from '../streams/source-bridge.js';
import { interleave, median, quick, report, row } from './harness.js';

const N = quick ? 40_000 : 200_000;
const ROUNDS = quick ? 2 : 5;
const TOKEN = 'bench-operator-token-0123456789';
type Mode = 'none' | 'reader' | 'stuck';

/** Synthetic trades and quotes stamped with `clock` as they are read: a live feed's records. */
function syntheticFeed(clock: LiveClock, n: number, offeredAt: Map<MarketRecord, bigint>): RecordSource {
  let made = 0;
  let price = 60_000;
  return {
    name: 'synthetic',
    stats: {} as SourceStats,
    async next() {
      if (made >= n) return null;
      const chunk: MarketRecord[] = [];
      for (let i = 0; i < 256 && made < n; i++, made++) {
        const t = clock.now();
        price += (made * 7919) % 13 === 0 ? 0.5 : (made * 104729) % 11 === 0 ? -0.5 : 0;
        const record: MarketRecord =
          made % 3 === 0
            ? { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: t, tsRecv: t, id: String(made), price, amount: 0.01, side: made % 2 === 0 ? 'buy' : 'sell' }
            : { type: 'book_ticker', exchange: 'binance', symbol: 'BTCUSDT', ts: t, tsRecv: t, bidPrice: price - 0.01, bidAmount: 1, askPrice: price + 0.01, askAmount: 1 };
        offeredAt.set(record, process.hrtime.bigint());
        chunk.push(record);
      }
      return chunk;
    },
    async close() {},
  };
}

async function openClient(url: string, read: boolean): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  ws.send(JSON.stringify({ op: 'subscribe', topics: ['md', 'signal', 'exec', 'risk'] }));
  ws.on('error', () => undefined);
  if (!read) {
    // Never read: let the first reply in, then stop reading the socket (TCP fills, the server's buffer grows).
    await new Promise((resolve) => ws.once('message', resolve));
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  }
  return ws;
}

/** One complete run; returns the per-record delivery latencies (ns) and the records delivered. */
async function run(mode: Mode): Promise<{ latencies: number[]; delivered: number }> {
  const clock = new LiveClock();
  const system = createActorSystem({ clock });
  const config = parseConfig({ bars: { spec: '1s' }, strategy: { name: 'ema-cross', params: { fast: 2, slow: 4, size: 0.01 } }, execution: { venue: { accounts: { binance: { type: 'margin' } } } } }, 'bench');
  const instruments = new Map([['binance:BTCUSDT', createInstrument({ exchange: 'binance', symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' })]]);
  spawnTradingPipeline(system, { config, instruments, quotePrecision: 2, strategy: getStrategy('ema-cross'), params: { fast: 2, slow: 4, size: 0.01 }, interval: '1s', keepFills: false });
  let gateway: Gateway | undefined;
  const server: Server = createServer();
  server.on('upgrade', (req, socket, head) => gateway!.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  gateway = createGateway({ tokens: { operator: TOKEN }, commands: undefined as never, pingIntervalMs: 60_000 });
  system.spawn(busForwarder, { config: { port: gateway }, mailbox: { capacity: 65_536, overflow: 'dropOldest' } });
  const offeredAt = new Map<MarketRecord, bigint>();
  const latencies: number[] = [];
  system.spawn(
    defineActor<void, null, MarketRecord>({
      name: 'probe',
      init: () => null,
      onStart: (s, ctx) => (ctx.subscribe('md.binance.BTCUSDT.trade'), ctx.subscribe('md.binance.BTCUSDT.book_ticker'), s),
      receive: (s, m) => {
        const at = offeredAt.get(m);
        if (at !== undefined) latencies.push(Number(process.hrtime.bigint() - at));
        return s;
      },
    }),
    { mailbox: { capacity: 4096, overflow: 'backpressure' } },
  );
  const url = `ws://127.0.0.1:${port}/ws?token=${TOKEN}`;
  const clients: WebSocket[] = [];
  if (mode !== 'none') clients.push(await openClient(url, true));
  if (mode === 'stuck') clients.push(await openClient(url, false));
  const pumped = await pumpSource(system, syntheticFeed(clock, N, offeredAt));
  while (latencies.length < pumped.records) await new Promise((resolve) => setImmediate(resolve));
  for (const c of clients) c.terminate();
  await gateway.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await system.stop();
  return { latencies, delivered: latencies.length };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function main(): Promise<void> {
  const latency: Record<Mode, number[][]> = { none: [], reader: [], stuck: [] };
  const contender = (mode: Mode) => ({
    name: mode,
    run: () => run(mode),
    check: (result: unknown) => {
      const r = result as { latencies: number[]; delivered: number };
      if (r.delivered !== N) throw new Error(`${mode}: ${r.delivered} of ${N} records delivered`);
      latency[mode].push(r.latencies.sort((a, b) => a - b));
    },
  });
  const timings = await interleave([contender('none'), contender('reader'), contender('stuck')], ROUNDS, 1);
  const cpuUs = (name: string) => (timings.find((t) => t.name === name)!.medianCpuSeconds * 1e6) / N;
  const pct = (mode: Mode, p: number) => median(latency[mode].slice(1).map((l) => percentile(l, p) / 1000));
  report([
    row('engine CPU per record, a reading gateway client (vs none)', 'µs/record', cpuUs('reader'), cpuUs('none')),
    row('engine CPU per record, a stuck + a reading client (vs none)', 'µs/record', cpuUs('stuck'), cpuUs('none')),
    row('record delivery p50, a stuck + a reading client (vs none)', 'µs', pct('stuck', 0.5), pct('none', 0.5)),
    row('record delivery p99, a stuck + a reading client (vs none)', 'µs', pct('stuck', 0.99), pct('none', 0.99)),
    row('record delivery p99, a reading client (vs none)', 'µs', pct('reader', 0.99), pct('none', 0.99)),
  ]);
}

await main();
