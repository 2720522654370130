/**
 * `tickflow start` (what `npm start` runs): the daemon of `tickflow run`, paper trading, on the
 * built-in simulated market served over a real local WebSocket by an in-process feed server (the
 * `serve-feed` of `--simulated`), so a fresh checkout sees the whole live path with no server and
 * no data file. The config is `config/default.yaml` (or `--config`) with its `feeds` replaced by
 * the in-process server and an instrument for the simulated symbol added when none is configured.
 *
 * - The simulated market is the one `tickflow backtest --simulated` replays (same `seed`,
 *   `simulated.records` and `simulated.symbol`), sent at `--speed` (default 1: real time, about
 *   seven hours for the default 200,000 records); at its end the server closes its connections, as
 *   `serve-feed` does without `--loop`. Bars are on the daemon's receive time, so `--speed` makes
 *   more records per bar, not shorter bars.
 * - HTTP (dashboard, health, metrics, gateway) on `http.port`, 8080 unless `--port` says otherwise
 *   (0: any free port). A port already taken is an `IO_UNAVAILABLE` error (exit 70) that says so
 *   and suggests `--port 0`.
 * - SIGINT (Ctrl-C) or SIGTERM: the daemon stops as `tickflow run`'s does, then the feed server
 *   closes, then the summary is printed; exit 0. SIGHUP re-reads the config file.
 * - The journal (`persistence.dir`, `./data` by default) keeps orders, fills and the trading state:
 *   the next start restores them before it trades (`daemon-persistence.ts`).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFeedServer, type FeedServer } from '../io/feed-server/feed-server.js';
import { parsePortFlag, parseSpeedFlag } from '../io/feed-server/replay-flags.js';
import { isTickflowError, TickflowError } from '../runtime/errors.js';
import { flagValue, parseArgs, type FlagSpec } from './cli-args.js';
import { loadConfig, warnOnce, type TickflowConfig } from './config.js';
import { FeedConfig } from './daemon-config.js';
import { PROCESS_PORTS, runDaemon, type RunPorts } from './run-command.js';

/** Flags of `tickflow start`. */
export const START_FLAGS: readonly FlagSpec[] = [
  { name: 'config', takesValue: true, help: 'YAML config file (default config/default.yaml); its feeds are replaced by the simulated market' },
  { name: 'port', takesValue: true, help: 'HTTP port of the dashboard, health, metrics and gateway (default http.port: 8080; 0 picks a free one)' },
  { name: 'speed', takesValue: true, help: 'pace of the simulated market: a factor of real time (default 1), or max' },
  // Kept only to point a former `tickflow start --out` at the backtest it used to run.
  { name: 'out', takesValue: true, hidden: true, help: 'not a start flag: the simulated backtest is `tickflow backtest --simulated --out <dir>`' },
];

/** The simulated market's grid (`streams/simulated-market.ts`): prices on 0.01, amounts on 0.001. */
const SIMULATED_GRID = { priceIncrement: '0.01', sizeIncrement: '0.001' } as const;

/** Runs `tickflow start` until a signal; resolves with the exit code. */
export async function runStart(args: readonly string[], ports: RunPorts = PROCESS_PORTS): Promise<number> {
  const parsed = parseArgs('start', args, START_FLAGS);
  const file = flagValue(parsed, 'config') ?? defaultConfigFile();
  const port = parsePortFlag('start', flagValue(parsed, 'port'));
  const speed = parseSpeedFlag('start', flagValue(parsed, 'speed'));
  const warn = warnOnce(ports.err); // an unknown TICKFLOW_* variable: said at start, not again at each SIGHUP
  const base = loadConfig(file, process.env, { warn });
  if (flagValue(parsed, 'out') !== undefined) {
    throw usage('it runs the daemon now and writes no report; the simulated backtest is `tickflow backtest --simulated --out <dir>`');
  }
  const { seed, simulated } = base;
  const server = await createFeedServer({ simulated: { seed, symbol: simulated.symbol, records: simulated.records }, port: 0, speed });
  try {
    const config = startConfig(base, server, port);
    return await runDaemon(
      {
        name: 'tickflow start',
        config,
        source: file ?? 'defaults and environment',
        reload: () => startConfig(loadConfig(file, process.env, { warn }), server, port),
        intro: [
          `tickflow start: paper trading ${config.strategy.name} on the built-in simulated market (${simulated.symbol}, seed ${seed}, ${simulated.records.toLocaleString('en-US')} records at speed ${speed}), served over ${server.url} by an in-process serve-feed`,
          ...(base.feeds.length > 0 ? [`tickflow start: the configured feeds are not used here (\`tickflow run --config ${file ?? '<file>'}\` runs them)`] : []),
        ],
        notes: [
          `journal: ${resolve(config.persistence.dir, 'journal')}: orders, fills and the trading state survive a stop or a crash, and the next start restores them (delete the folder to start afresh)`,
          'Ctrl-C stops it; `tickflow backtest --simulated --out out/simulated` replays the same market as a backtest',
        ],
        afterStop: async () => {
          await server.close();
          const stats = server.stats;
          return [`simulated market: ${stats.framesSent.toLocaleString('en-US')} frames sent over ${stats.connectionsTotal} connections`];
        },
      },
      ports,
    );
  } catch (error) {
    if (isTickflowError(error, 'IO_UNAVAILABLE') && error.context['port'] !== undefined) {
      const taken = error.context['port'] as number;
      throw new TickflowError('IO_UNAVAILABLE', `tickflow start: port ${taken} is not free (another tickflow?): ${error.message}; \`npm start -- --port 0\` or \`tickflow start --port 0\` picks a free one`, error.context, { cause: error });
    }
    throw error;
  } finally {
    await server.close();
  }
}

/** `base` with its feed on `server`, an instrument for the simulated symbol, and the HTTP port of `--port`. */
function startConfig(base: TickflowConfig, server: FeedServer, port: number | undefined): TickflowConfig {
  const symbol = base.simulated.symbol;
  const feed = FeedConfig.parse({ venue: 'binance', market: 'spot', url: server.url, rest: server.restUrl, symbols: [symbol], channels: ['trade', 'bookTicker', 'depth'] });
  const configured = base.instruments.some((i) => i.symbol === symbol && (i.exchange === undefined || i.exchange === 'binance'));
  return {
    ...base,
    feeds: [feed],
    instruments: configured ? base.instruments : [...base.instruments, { exchange: 'binance', symbol, ...SIMULATED_GRID }],
    http: port === undefined ? base.http : { ...base.http, port },
  };
}

/** `config/default.yaml` from the working directory, else the one beside the installed package. */
export function defaultConfigFile(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [resolve('config/default.yaml'), resolve(here, '../../../config/default.yaml')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function usage(message: string): TickflowError {
  return new TickflowError('CLI_USAGE', `tickflow start: ${message}`);
}
