/**
 * The live data path over real loopback sockets: a feed server (`createFeedServer`, speed `max`)
 * replays the Binance spot BTCUSDT capture (`btcusdt_20240808.gz` then `_20240809.gz`, 99,574
 * lines) in Binance's protocol, and the live feed (`createBinanceFeed`, `LiveClock`, Node's timers)
 * reads it on the combined stream (trade, bookTicker, depth@100ms).
 *
 * The server runs in a child process (this file, forked with `--live-feed-server`), so the CPU
 * time measured here (`process.cpuUsage`) is the client's alone: the server's gunzip, decoding
 * and sending would otherwise dominate both sides of every comparison. The child opens each
 * server before the measured runs (one per run: a replay is consumed by its first subscriber and
 * then closes connections with 1000), so no run waits for a server to start.
 *
 * Rows:
 * - Throughput: the feed drained by a loop calling `next()`, and the same feed pumped by
 *   `pumpSource` into `createActorSystem()` (live clock) with one actor counting records, beside a
 *   bare `ws` client on the same stream counting frames (no decode): records/s (wall) and CPU µs
 *   per frame. Contenders interleaved (`interleave`: one warm-up round, then five measured rounds,
 *   one with `--quick`), medians. The server's replay, one core of its own, is the ceiling of the
 *   wall rate: the bare client only shows where it is, so CPU per frame is the figure that separates
 *   the contenders. A run ends once every frame of the capture has arrived and every
 *   record was taken (and, into actors, processed); the feed is closed inside the run.
 * - Paused socket: a consumer that stops calling `next()` for 2 s while the server replays at `max`:
 *   peak buffered records beside the high-water mark, pauses, and heap used (after `gc()`, which
 *   `npm run bench` exposes) beside the same feed idle (connected, replay paused, buffer empty);
 *   then it reads everything and the trade ids must equal the capture's, in order and contiguous
 *   (the bench fails otherwise).
 * - Reconnect: the server drops every connection ten times over the replay (`drop-every`, replay
 *   time) and the feed reconnects with a 5 ms backoff; median and worst of the reconnect times the
 *   feed measures (`stats.lastReconnectUs` after each drop, `stats.maxReconnectUs`: from noticing
 *   the loss to the first frame of the replacement), beside the backoff's minimum.
 *
 * Without the recordings (`TICKFLOW_DATA_DIR`, default `../shared/data`) it prints a skip message
 * and exits 0.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createFeedServer, type FeedServer } from '../src/io/feed-server/feed-server.js';
import type { MarketRecord } from '../src/model/records.js';
import { defineActor } from '../src/runtime/actor.js';
import { createActorSystem } from '../src/runtime/actor-system.js';
import type { BackoffPolicy } from '../src/runtime/backoff.js';
import { LiveClock } from '../src/runtime/clock.js';
import { createBinanceFeed, type BinanceFeed } from '../streams/live/binance-feed.js';
import { FEED_CHANNELS, type BinanceFeedOptions } from '../streams/live/binance-feed-options.js';
import { combinedStreamUrl, streamNames } from '../streams/live/binance-stream-names.js';
import { liveFeedTimers } from '../streams/live/feed-timers.js';
import { pumpSource } from '../streams/source-bridge.js';
import { CORPUS_FILES, CORPUS_SYMBOL, decodeTrades, loadBinanceCorpus } from './binance-corpus.js';
import { interleave, median, quick, report, row, type BenchRow } from './harness.js';

const CHILD_FLAG = '--live-feed-server';
const ROUNDS = quick ? 1 : 5;
const WARMUP = 1;
const HOLD_MS = 2_000;
const DROPS = 10;
/** A run that has not finished by then has hung: the bench fails rather than wait. */
const RUN_DEADLINE_MS = 30_000;
/**
 * 5 ms, up to 20 % more; back to the first step once a connection has stayed up 1 ms, so every
 * drop (tens of ms apart at `max`) waits the first step rather than a doubled one.
 */
const RECONNECT_BACKOFF: BackoffPolicy = { minUs: 5_000, maxUs: 100_000, factor: 2, jitter: 0.2, resetAfterUs: 1_000 };
const STREAMS = streamNames([CORPUS_SYMBOL], FEED_CHANNELS, 'depth@100ms');
const nodeTimers = liveFeedTimers({ setTimeout, clearTimeout });

// ---- the child: feed servers on request ------------------------------------------------------

interface OpenRequest {
  readonly op: 'open';
  readonly files: readonly string[];
  readonly count: number;
  readonly paused: boolean;
  readonly faults: string;
}
type Request = { readonly id: number } & (OpenRequest | { readonly op: 'resume' | 'close'; readonly server: number });
interface ServerAddress {
  readonly server: number;
  readonly url: string;
  readonly restUrl: string;
}
interface Reply {
  readonly id: number;
  readonly servers?: readonly ServerAddress[];
  readonly error?: string;
}

async function serveChild(): Promise<void> {
  const servers = new Map<number, FeedServer>();
  let nextId = 0;
  const handle = async (req: Request): Promise<readonly ServerAddress[]> => {
    if (req.op === 'open') {
      const opened: ServerAddress[] = [];
      for (let i = 0; i < req.count; i++) {
        const server = await createFeedServer({ data: req.files, port: 0, speed: 'max', paused: req.paused, faults: req.faults, closeGraceMs: 100 });
        servers.set(++nextId, server);
        opened.push({ server: nextId, url: server.url, restUrl: server.restUrl });
      }
      return opened;
    }
    const server = servers.get(req.server);
    if (req.op === 'resume') server?.resume();
    else {
      servers.delete(req.server);
      await server?.close();
    }
    return [];
  };
  process.on('message', (req: Request) => {
    handle(req).then(
      (opened) => process.send!({ id: req.id, servers: opened } satisfies Reply),
      (error: unknown) => process.send!({ id: req.id, error: String(error) } satisfies Reply),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/** The parent's side of the child: requests answered in order of their ids. */
class ServerChild {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(private readonly files: readonly string[]) {
    this.child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (reply: Reply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.error !== undefined) w?.reject(new Error(`feed server child: ${reply.error}`));
      else w?.resolve(reply);
    });
    this.child.on('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`feed server child exited with ${code}`));
    });
  }

  async open(count: number, options: { paused?: boolean; faults?: string } = {}): Promise<ServerAddress[]> {
    const reply = await this.request({ op: 'open', files: this.files, count, paused: options.paused ?? false, faults: options.faults ?? '' });
    return [...reply.servers!];
  }

  async resume(s: ServerAddress): Promise<void> {
    await this.request({ op: 'resume', server: s.server });
  }

  async close(s: ServerAddress): Promise<void> {
    await this.request({ op: 'close', server: s.server });
  }

  exit(): void {
    this.child.disconnect();
  }

  private request(body: OpenRequest | { op: 'resume' | 'close'; server: number }): Promise<Reply> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, ...body });
    });
  }
}

// ---- clients ---------------------------------------------------------------------------------

function newFeed(server: ServerAddress, options: Partial<BinanceFeedOptions> = {}): BinanceFeed {
  return createBinanceFeed({ url: server.url, restUrl: server.restUrl, symbols: [CORPUS_SYMBOL], clock: new LiveClock(), timers: nodeTimers, ...options });
}

/** Baseline: a `ws` client with the feed's socket options on the same URL, counting frames until the server's close. */
function bareClient(server: ServerAddress): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(combinedStreamUrl(server.url, STREAMS), { perMessageDeflate: false, maxPayload: 1024 * 1024, autoPong: true });
    let frames = 0;
    ws.on('message', () => void frames++);
    ws.on('error', reject);
    ws.on('close', () => resolve(frames));
  });
}

/**
 * Closes `feed` once `done()` holds (checked every 20 ms: the runs check it themselves as records
 * come, this catches the end when the last frames bring no record), or at the deadline, marking it failed.
 */
function watchdog(feed: BinanceFeed, done: () => boolean): { stop(): boolean } {
  const deadline = performance.now() + RUN_DEADLINE_MS;
  let timedOut = false;
  const timer = setInterval(() => {
    if (performance.now() > deadline) timedOut = true;
    if (timedOut || done()) void feed.close();
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return timedOut;
    },
  };
}

/** Every frame of the capture arrived, the REST snapshot too, and nothing is left in the buffer. */
function allTaken(feed: BinanceFeed, frames: number): boolean {
  const s = feed.stats;
  return s.frames >= frames && s.snapshots >= 1 && s.buffered === 0;
}

async function drainFeed(server: ServerAddress, frames: number): Promise<number> {
  const feed = newFeed(server);
  const guard = watchdog(feed, () => allTaken(feed, frames));
  let records = 0;
  for (let chunk = await feed.next(); chunk !== null; chunk = await feed.next()) {
    records += chunk.length;
    if (allTaken(feed, frames)) break;
  }
  await feed.close();
  if (guard.stop()) throw new Error(`feed drain timed out: ${feed.stats.frames} of ${frames} frames`);
  return records;
}

async function pumpIntoActors(server: ServerAddress, frames: number): Promise<number> {
  const feed = newFeed(server);
  const system = createActorSystem();
  let counted = 0;
  const done = (): boolean => counted === feed.stats.delivered && allTaken(feed, frames);
  system.spawn(
    defineActor<void, null, MarketRecord>({
      name: 'counter',
      init: () => null,
      onStart: (s, ctx) => (ctx.subscribe('md'), s),
      receive: (s) => {
        if (++counted === feed.stats.delivered && allTaken(feed, frames)) void feed.close();
        return s;
      },
    }),
  );
  const guard = watchdog(feed, done);
  const result = await pumpSource(system, feed);
  await system.stop();
  if (guard.stop()) throw new Error(`pump timed out: ${feed.stats.frames} of ${frames} frames, ${counted} records counted`);
  if (result.failure !== null) throw result.failure;
  if (counted !== result.records) throw new Error(`the actor counted ${counted} of ${result.records} records offered`);
  return counted;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, cond: () => boolean, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapMiB(): number {
  gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

// ---- the three measurements ------------------------------------------------------------------

async function throughput(child: ServerChild, frames: number): Promise<BenchRow[]> {
  const runs = WARMUP + ROUNDS;
  const servers = { bare: await child.open(runs), next: await child.open(runs), actors: await child.open(runs) };
  const counts = { bare: [] as number[], next: [] as number[], actors: [] as number[] };
  const take = (k: keyof typeof servers): ServerAddress => servers[k].shift()!;
  const expectFrames = (n: unknown): void => {
    if (n !== frames) throw new Error(`bare client got ${String(n)} frames, the capture has ${frames}`);
  };
  const [bare, next, actors] = await interleave(
    [
      { name: 'bare ws', run: () => bareClient(take('bare')), check: (n) => (expectFrames(n), counts.bare.push(n as number)) },
      { name: 'feed next()', run: () => drainFeed(take('next'), frames), check: (n) => void counts.next.push(n as number) },
      { name: 'feed → actors', run: () => pumpIntoActors(take('actors'), frames), check: (n) => void counts.actors.push(n as number) },
    ],
    ROUNDS,
    WARMUP,
  );
  const perS = (t: typeof bare, n: number[]): number => median(n.slice(WARMUP)) / t!.medianWallSeconds;
  const cpuUs = (t: typeof bare): number => (t!.medianCpuSeconds * 1e6) / frames;
  console.log(`${frames.toLocaleString('en-US')} frames per run; records per run: next() ${median(counts.next)}, actors ${median(counts.actors)}; ${ROUNDS} measured round(s)`);
  for (const t of [bare!, next!, actors!]) {
    console.log(`  ${t.name.padEnd(14)} wall ${t.samples.map((s) => s.wallSeconds.toFixed(3)).join(' / ')} s, cpu ${t.samples.map((s) => s.cpuSeconds.toFixed(3)).join(' / ')} s`);
  }
  return [
    row('live feed next() drain (vs bare ws frames)', 'records/s', perS(next, counts.next), perS(bare, counts.bare)),
    row('live feed next() CPU per frame (vs bare ws)', 'µs/frame', cpuUs(next), cpuUs(bare)),
    row('live feed → actor system (vs bare ws frames)', 'records/s', perS(actors, counts.actors), perS(bare, counts.bare)),
    row('live feed → actor system CPU per frame (vs bare ws)', 'µs/frame', cpuUs(actors), cpuUs(bare)),
  ];
}

async function pausedSocket(child: ServerChild, frames: number, captureTradeIds: readonly number[]): Promise<BenchRow[]> {
  const [server] = await child.open(1, { paused: true });
  const feed = newFeed(server!);
  const trades: number[] = [];
  const take = (chunk: readonly MarketRecord[]): void => {
    for (const r of chunk) if (r.type === 'trade') trades.push(Number(r.id));
  };
  try {
    await waitFor('the idle feed to connect and get its snapshot', () => feed.connected && feed.stats.snapshots >= 1, 10_000);
    while (feed.stats.buffered > 0) take((await feed.next())!);
    const idle = heapMiB();
    await child.resume(server!);
    const holdStart = performance.now();
    await sleep(HOLD_MS);
    const held = heapMiB();
    const { peakBuffered, pauses, buffered } = feed.stats;
    const highWaterMark = feed.options.highWaterMark;
    if (!feed.paused) throw new Error(`the feed was not paused after ${HOLD_MS} ms unread (${buffered} buffered)`);
    const t0 = performance.now();
    const guard = watchdog(feed, () => allTaken(feed, frames));
    for (let chunk = await feed.next(); chunk !== null; chunk = await feed.next()) {
      take(chunk);
      if (allTaken(feed, frames)) break;
    }
    if (guard.stop()) throw new Error(`draining after the pause timed out: ${feed.stats.frames} of ${frames} frames`);
    const lost = firstDifference(trades, captureTradeIds);
    if (lost !== null) throw new Error(`after the pause, trade ${lost} differs from the capture (${trades.length} of ${captureTradeIds.length} trades)`);
    const breaks = trades.filter((id, i) => i > 0 && id !== trades[i - 1]! + 1).length;
    if (breaks > 0) throw new Error(`after the pause, ${breaks} break(s) in the trade ids`);
    console.log(
      `paused socket: held ${Math.round(t0 - holdStart)} ms unread; ${buffered.toLocaleString('en-US')} buffered, peak ${peakBuffered.toLocaleString('en-US')} ` +
        `(high-water ${highWaterMark}), ${pauses} pause(s); heap ${held.toFixed(1)} MiB vs ${idle.toFixed(1)} MiB idle` +
        `${gc === undefined ? ' (not collected: run with --expose-gc for comparable figures)' : ' (after gc)'}; ` +
        `then ${trades.length.toLocaleString('en-US')} trades, ids ${trades[0]}..${trades.at(-1)} contiguous and as in the capture, in ${((performance.now() - t0) / 1000).toFixed(2)} s; gaps ${feed.stats.gaps}`,
    );
    return [
      row('live feed paused 2 s: peak buffered (vs high-water mark)', 'records', peakBuffered, highWaterMark),
      row('live feed paused 2 s: socket pauses (vs 1)', 'pauses', pauses, 1),
      row('live feed paused 2 s: heap used (vs idle feed)', 'MiB', held, idle),
      row('live feed paused 2 s: trades after resume (vs capture)', 'trades', trades.length, captureTradeIds.length),
    ];
  } finally {
    await feed.close();
    await child.close(server!);
  }
}

/** Index of the first trade id that differs from the capture's (or is missing), or null. */
function firstDifference(got: readonly number[], want: readonly number[]): number | null {
  for (let i = 0; i < Math.max(got.length, want.length); i++) if (got[i] !== want[i]) return i;
  return null;
}

async function reconnects(child: ServerChild, spanUs: number): Promise<BenchRow[]> {
  // Drops at k × interval of replay time for k = 1..DROPS; the (DROPS + 1)-th would fall after the end.
  const intervalMs = Math.floor(spanUs / (DROPS + 0.5) / 1000);
  const [server] = await child.open(1, { faults: `drop-every=${intervalMs}ms` });
  const feed = newFeed(server!, { backoff: RECONNECT_BACKOFF });
  const samples: number[] = [];
  let last = 0;
  // Every drop is replaced, and so is the server's end-of-data close (whose replacement sees no frame).
  const done = (): boolean => feed.stats.reconnects > DROPS && feed.stats.buffered === 0;
  const guard = watchdog(feed, done);
  try {
    for (let chunk = await feed.next(); chunk !== null; chunk = await feed.next()) {
      const us = feed.stats.lastReconnectUs;
      if (us !== last) samples.push((last = us));
      if (done()) break;
    }
    if (guard.stop()) throw new Error(`reconnect run timed out: ${feed.stats.reconnects} reconnects, ${samples.length} measured`);
  } finally {
    await feed.close();
    await child.close(server!);
  }
  const s = feed.stats;
  console.log(
    `reconnect: drop-every=${intervalMs}ms (replay time) → ${s.reconnects} reconnects (the last is the end of data), ${samples.length} measured: ` +
      `${samples.map((us) => (us / 1000).toFixed(1)).join(', ')} ms; backoff ${RECONNECT_BACKOFF.minUs / 1000} ms + up to ${RECONNECT_BACKOFF.jitter * 100} % jitter`,
  );
  if (samples.length < DROPS) throw new Error(`only ${samples.length} of ${DROPS} reconnects measured`);
  return [
    row('live feed reconnect median (vs backoff min)', 'µs', median(samples), RECONNECT_BACKOFF.minUs),
    row('live feed reconnect worst (vs backoff min)', 'µs', s.maxReconnectUs, RECONNECT_BACKOFF.minUs),
  ];
}

// ---- main ------------------------------------------------------------------------------------

/** Frames the server sends for the capture (lines with a stream; the depth snapshot line is REST's), and its span in µs. */
function frameCount(text: Buffer): { frames: number; spanUs: number } {
  let frames = 0;
  let first = -1;
  let lastStart = 0;
  for (let start = 0; start < text.length; ) {
    const space = text.indexOf(32, start);
    if (first < 0) first = Number(text.toString('latin1', start, space)) / 1000;
    if (text.toString('latin1', space + 1, space + 11) === '{"stream":') frames++;
    lastStart = start;
    const nl = text.indexOf(10, start);
    start = nl < 0 ? text.length : nl + 1;
  }
  const lastUs = Number(text.toString('latin1', lastStart, text.indexOf(32, lastStart))) / 1000;
  return { frames, spanUs: lastUs - first };
}

async function main(): Promise<void> {
  const corpus = loadBinanceCorpus('live-feed bench', 1);
  const text = corpus.texts[0]!;
  const { frames, spanUs } = frameCount(text);
  const captureTradeIds = decodeTrades(text).map((t) => Number(t.id));
  const dataDir = resolve(process.env.TICKFLOW_DATA_DIR ?? '../shared/data');
  const child = new ServerChild(CORPUS_FILES.map((f) => resolve(dataDir, f)));
  try {
    const rows = [...(await throughput(child, frames)), ...(await pausedSocket(child, frames, captureTradeIds)), ...(await reconnects(child, spanUs))];
    report(rows);
  } finally {
    child.exit();
  }
}

if (process.argv.includes(CHILD_FLAG)) await serveChild();
else await main();
