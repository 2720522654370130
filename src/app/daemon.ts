/**
 * The daemon (`tickflow run`): paper trading on a live feed (`startLiveTrading`), with one HTTP
 * port serving `/healthz`, `/readyz`, `/metrics` and the WebSocket gateway at `/ws`.
 *
 * ```
 * HTTP :port ─ /healthz  liveness: the event loop answers
 *            ─ /readyz   the feed connected, every book valid (with depth), the engine answering
 *            ─ /metrics  prom-client: defaults (event-loop lag) + actors, feeds, trading, and the
 *                        per-hop latency of one record in `metrics.traceEvery` (`latency-sink.ts`)
 *            ─ /ws       gateway ◄── bus forwarder actor (md, signal, exec, risk; dropOldest)
 *                          └── operator commands ─► execution (approve, reject), risk (states)
 * ```
 *
 * Tokens: with none configured on loopback the daemon generates an operator token and reports it
 * (`generatedToken`) for the dashboard URL; beyond loopback a token is required (config check).
 *
 * Stop (`stop(reason)`): the gateway first (clients closed 1001), then the HTTP server, then the
 * engine (intake closed, mailboxes drained, the last bar flushed, actors stopped in reverse). The
 * caller bounds it with `shutdown.deadline`. The root supervisor giving up ends `terminated` with
 * the reason, for the CLI to exit non-zero.
 */
import { TickflowError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { Termination } from '../runtime/actor-system.js';
import { createDashboard } from '../io/dashboard/dashboard.js';
import { createGateway, type Gateway } from '../io/gateway/gateway.js';
import type { CommandResult, GatewayCommands } from '../io/gateway/gateway-commands.js';
import { ownOrigins } from '../io/gateway/origin-check.js';
import { generateToken } from '../io/gateway/token-check.js';
import { createHttpServer, type HttpServer } from '../io/http/http-server.js';
import { createEngineMetrics } from '../io/metrics/engine-metrics.js';
import { fallbackFeedMetricsView, liveFeedMetricsView } from '../io/metrics/feed-metrics-view.js';
import type { ApprovalResult, ExecutionSnapshot } from '../../actors/execution/orders/execution-actor.js';
import type { BinanceFeed } from '../../streams/live/binance-feed.js';
import type { FallbackFeed } from '../../streams/live/fallback-feed.js';
import { busForwarder } from './bus-forwarder.js';
import type { TickflowConfig } from './config.js';
import { createConfigReloader, type ReloadOutcome } from './config-reload.js';
import { daemonConfigProblems } from './daemon-config.js';
import { EngineViews } from './daemon-views.js';
import { createLatencySink } from './latency-sink.js';
import { startLiveTrading, type LiveTrading, type LiveTradingRequest } from './live-trading.js';
import { openDaemonPersistence, type DaemonPersistence } from './daemon-persistence.js';
import type { ActorSystem } from '../runtime/actor-system.js';

/** Forwarder mailbox: consumers may fall this far behind before the oldest messages go. */
const FORWARDER_CAPACITY = 65_536;
/** How long a command or a view refresh may wait for an actor, µs. */
const ASK_TIMEOUT_US = 5_000_000;

/** A running daemon. */
export interface Daemon {
  /** `http://host:port` of the HTTP server (the port is the bound one when 0 was configured). */
  readonly url: string;
  readonly trading: LiveTrading;
  readonly gateway: Gateway;
  /** The operator token generated because none was configured (loopback only), else undefined. */
  readonly generatedToken: string | undefined;
  /** The journal: where it is, what the start restored from it, and how far it has got. */
  readonly journal: {
    readonly dir: string;
    readonly restored: { readonly openOrders: number; readonly fills: number; readonly tradingState: string };
    readonly lastSeq: () => number;
    /** Stores that did not drain the journal's end at the stop (they catch up at the next start). */
    readonly behind: () => readonly string[];
  };
  /** Resolves when the engine's actor system ends: `failed` when the root supervisor gave up. */
  readonly terminated: Promise<Termination>;
  /** Stops everything in order (see the module comment); idempotent. */
  stop(reason: string): Promise<void>;
  /**
   * Applies what of `config` can change while running (risk limits, the strategy's reloadable
   * params), all or nothing, and says what needs a restart (`config-reload.ts`). One at a time.
   */
  reload(config: TickflowConfig): Promise<ReloadOutcome>;
}

/** Starts the daemon. Throws `CONFIG_INVALID` listing every cross-key problem of the config. */
export async function startDaemon(config: TickflowConfig, logger: Logger): Promise<Daemon> {
  const problems = daemonConfigProblems(config);
  if (problems.length > 0) {
    throw new TickflowError('CONFIG_INVALID', `invalid config:\n${problems.map((p) => `  ${p}`).join('\n')}`, { paths: problems.map((p) => p.slice(0, p.indexOf(':'))) });
  }
  const feedConfig = config.feeds[0]!;
  const configured = config.gateway.tokens;
  const generatedToken = configured.viewer === undefined && configured.operator === undefined ? generateToken() : undefined;
  const tokens = generatedToken === undefined ? configured : { operator: generatedToken };

  // Before anything listens: a journal that cannot be opened or trusted stops the start here.
  const persistence = openDaemonPersistence(config.persistence, process.env, logger);
  logger.info(
    { journal: persistence.journalDir, seq: persistence.wal.lastSeq, openOrders: persistence.recovered.openOrders.length, fills: persistence.recovered.fills.length, tradingState: persistence.recovered.tradingState?.state ?? 'ACTIVE' },
    'journal opened',
  );
  let trading: LiveTrading | undefined;
  let gateway: Gateway | undefined;
  let views: EngineViews | undefined;
  const metrics = createEngineMetrics({
    ports: {
      actors: () => trading?.system.inspect() ?? [],
      feeds: () => (trading === undefined ? [] : feedViews(trading)),
      trading: () => views?.trading(),
      stores: () => ({
        journal: { lastSeq: persistence.wal.lastSeq, ...persistence.wal.stats },
        stores: persistence.writers.statuses().map((w) => ({ name: w.name, up: w.state === 'up', lag: w.lag, cursor: w.cursor, appliedEntries: w.appliedEntries, batches: w.batches, failures: w.failures, outages: w.outages })),
        ...(persistence.writers.notifications() === undefined ? {} : { notifications: persistence.writers.notifications()! }),
      }),
    },
  });
  const http: HttpServer = await createHttpServer({
    host: config.http.host,
    port: config.http.port,
    routes: {
      health: () => ({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) }),
      ready: () => ({ checks: [feedCheck(trading), ...persistence.checks(), ...(views?.checks(feedConfig.channels.includes('depth')) ?? [{ name: 'engine', ok: false, detail: 'starting' }])] }),
      metrics: () => metrics.metrics(),
    },
    dashboard: createDashboard({
      tokens,
      status: () => ({
        actors: trading?.system.inspect() ?? [],
        checks: [feedCheck(trading), ...(views?.checks(feedConfig.channels.includes('depth')) ?? [])],
        feed: trading?.handle.stats(),
        execution: views?.execution,
        risk: views?.risk,
      }),
    }),
    upgrade: (req, socket, head) => {
      if (gateway === undefined) socket.destroy();
      else gateway.handleUpgrade(req, socket, head);
    },
  }).catch(async (error: unknown) => {
    await persistence.close(0);
    throw error;
  });
  try {
    gateway = createGateway({
      tokens,
      commands: audited(commandsOf(() => trading), persistence),
      allowedOrigins: ownOrigins(config.http.host, http.port),
      maxPayload: config.gateway.maxPayload,
      maxClients: config.gateway.maxClients,
      logger,
    });
    const liveGateway = gateway;
    const tracing = config.metrics.traceEvery === 0 ? {} : { tracing: { every: config.metrics.traceEvery, sink: createLatencySink(metrics) } };
    const onSystem = (system: ActorSystem) => {
      system.spawn(busForwarder, { config: { port: liveGateway }, mailbox: { capacity: FORWARDER_CAPACITY, overflow: 'dropOldest' } });
      persistence.spawnWriters(system);
    };
    trading = startLiveTrading({ config, logger, ...feedRequest(config), ...tracing, persistence: persistence.pipeline, onSystem });
  } catch (error) {
    await gateway?.close();
    await http.close();
    await persistence.close(0);
    throw error;
  }
  const restored = persistence.recovered;
  views = new EngineViews(trading.pipeline, ASK_TIMEOUT_US);
  views.start(1000);
  const running = trading;
  const liveGateway = gateway;
  const reloader = createConfigReloader(running.pipeline, config, { timeout: ASK_TIMEOUT_US });
  let stopping: Promise<void> | undefined;
  const stop = async (reason: string): Promise<void> => {
    logger.info({ reason }, 'stopping');
    views?.stop();
    await liveGateway.close();
    await http.close();
    try {
      await running.stop();
    } finally {
      // The stores drain what the engine journaled last, within half the shutdown deadline.
      await persistence.close(Math.round(config.shutdown.deadline / 2000));
    }
  };
  return {
    url: http.url,
    trading: running,
    gateway: liveGateway,
    generatedToken,
    journal: {
      dir: persistence.journalDir,
      restored: { openOrders: restored.openOrders.length, fills: restored.fills.length, tradingState: restored.tradingState?.state ?? 'ACTIVE' },
      lastSeq: () => persistence.wal.lastSeq,
      behind: () => persistence.behind(),
    },
    terminated: running.system.terminated,
    stop: (reason) => (stopping ??= stop(reason)),
    reload: (next) => reloader.reload(next),
  };
}

/** The feed part of `startLiveTrading`'s request, from the config's one feed. */
function feedRequest(config: TickflowConfig): Pick<LiveTradingRequest, 'feed' | 'fallbacks'> {
  const f = config.feeds[0]!;
  const rest = f.rest ?? f.url.replace(/^ws/, 'http');
  const feed: LiveTradingRequest['feed'] = {
    url: f.url,
    restUrl: rest,
    market: f.market,
    symbols: f.symbols,
    channels: f.channels,
    seed: config.seed,
    staleTimeoutMs: Math.max(1, Math.round(f.staleTimeout / 1000)),
    connectTimeoutMs: Math.max(1, Math.round(f.connectTimeout / 1000)),
    restTimeoutMs: Math.max(1, Math.round(f.restTimeout / 1000)),
  };
  if (f.fallbacks === undefined) return { feed };
  const urls = f.fallbacks.urls.map((u) => (typeof u === 'string' ? u : u.rest === undefined ? { url: u.url } : { url: u.url, restUrl: u.rest }));
  const poll = f.fallbacks.poll === false ? false : { intervalMs: Math.max(1, Math.round(f.fallbacks.poll / 1000)) };
  return { feed, fallbacks: { urls, poll } };
}

/** Ready when the feed has a connection (a socket open, or an active fallback source). */
function feedCheck(trading: LiveTrading | undefined) {
  const source = trading?.handle.source as BinanceFeed | FallbackFeed | null | undefined;
  if (source === undefined || source === null) return { name: 'feed', ok: false, detail: 'not opened yet' };
  if ('connected' in source) return { name: 'feed', ok: source.connected, detail: source.connected ? 'connected' : 'connecting' };
  const active = source.stats.active;
  return { name: 'feed', ok: active !== null, detail: active === null ? 'no usable source' : `active source ${active}` };
}

function feedViews(trading: LiveTrading) {
  const source = trading.handle.source as BinanceFeed | FallbackFeed | null;
  if (source === null) return [];
  return 'connected' in source ? [liveFeedMetricsView(source.stats)] : [fallbackFeedMetricsView(source.stats)];
}

/** `commands` with each outcome journaled (the audit log) before it is answered. */
function audited(commands: GatewayCommands, persistence: DaemonPersistence): GatewayCommands {
  const log = async (command: string, detail: string, run: () => Promise<CommandResult | ApprovalResult>) => {
    const result = await run();
    persistence.journal.audit(command, 'operator', result.ok, `${detail}: ${result.detail}`, Date.now() * 1000);
    return result;
  };
  return {
    approve: (id) => log('approve', id, () => commands.approve(id)),
    reject: (id, reason) => log('reject', `${id} (${reason})`, () => commands.reject(id, reason)),
    setTradingState: (state, reason) => log('set_trading_state', `${state} (${reason})`, () => commands.setTradingState(state, reason)),
    killSwitch: (reason) => log('kill_switch', reason, () => commands.killSwitch(reason)),
  };
}

/** Operator commands, asked of the engine's actors. */
function commandsOf(trading: () => LiveTrading | undefined): GatewayCommands {
  const pipeline = () => {
    const t = trading();
    if (t === undefined) throw new TickflowError('SYSTEM_STOPPED', 'the engine is not running');
    return t.pipeline;
  };
  const options = { timeout: ASK_TIMEOUT_US };
  const setState = async (state: 'ACTIVE' | 'REDUCING' | 'HALTED', reason: string): Promise<CommandResult> => {
    const now = await pipeline().risk.ask<string>({ type: 'set_trading_state', state, reason }, options);
    return { ok: now === state, detail: `trading state ${now}` };
  };
  return {
    approve: (clientOrderId) => pipeline().execution.ask<ApprovalResult>({ type: 'approve', clientOrderId }, options),
    reject: (clientOrderId, reason) => pipeline().execution.ask<ApprovalResult>({ type: 'reject', clientOrderId, reason }, options),
    setTradingState: setState,
    async killSwitch(reason) {
      const halted = await setState('HALTED', `kill switch: ${reason}`);
      const snapshot = await pipeline().execution.ask<ExecutionSnapshot>({ type: 'exec_snapshot' }, options);
      const open = snapshot.orders.filter((o) => o.status === 'ACCEPTED' || o.status === 'SUBMITTED' || o.status === 'PARTIALLY_FILLED' || o.status === 'PENDING_APPROVAL');
      for (const o of open) pipeline().execution.tell(o.status === 'PENDING_APPROVAL' ? { type: 'reject', clientOrderId: o.clientOrderId, reason: 'kill switch' } : { type: 'cancel', clientOrderId: o.clientOrderId });
      return { ok: halted.ok, detail: `${halted.detail}; ${open.length} open orders canceled or rejected` };
    },
  };
}
