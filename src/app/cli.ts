#!/usr/bin/env node
/**
 * The `tickflow` command line. Commands: `backtest` (a recording in, a deterministic report out),
 * `start` (the daemon paper trading the built-in simulated market, served in process: what
 * `npm start` runs, see `start-command.ts`), `serve-feed` (a local
 * exchange replaying captures in Binance's protocol, until SIGINT or SIGTERM), `record` (a live
 * Binance feed to a journal and raw captures, see `record-command.ts`), `run` (the daemon, see
 * `run-command.ts`), `migrate` (PostgreSQL schema migrations, see `migrate-command.ts`), `strategies`
 * (the built-in strategies and their parameters) and `help`.
 *
 * Exit codes follow sysexits: 0 done, 64 bad usage, 65 bad data, 66 input missing or unreadable,
 * 70 internal error (among them an actor failure that fails the run: the message names the actor
 * and its error, and `--out` gets `failure.json` instead of a report), 78 invalid configuration.
 * Every error message says what was wrong and what would be right.
 */
import { pino } from 'pino';
import { realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAKER_FEE, DEFAULT_TAKER_FEE } from '../../actors/execution/venues/paper/paper-venue-config.js';
import { listStrategies } from '../../actors/strategies/strategies.js';
import { BAR_SPEC_FORMS } from '../../streams/operators/bar-spec.js';
import { SOURCE_FORMATS } from '../../streams/source-format.js';
import type { Instrument } from '../model/instrument.js';
import { instrumentKey } from '../model/instrument-key.js';
import { TickflowError, isTickflowError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { backtestFailureOf, runBacktest, type BacktestInput, type BacktestOutcome } from './backtest.js';
import { flagHelp, flagValue, parseArgs, type FlagSpec } from './cli-args.js';
import { loadConfig, type TickflowConfig } from './config.js';
import { FAILURE_FILE, formatSummary, writeFailure, writeReport } from './report.js';
import { runServeFeed } from '../io/feed-server/serve-feed-command.js';
import { PROCESS_PORTS, runDaemonCommand } from './run-command.js';
import { runMigrate } from './migrate-command.js';
import { runRecord } from './record-command.js';
import { runStart, START_FLAGS } from './start-command.js';

const BACKTEST_FLAGS: readonly FlagSpec[] = [
  { name: 'data', takesValue: true, repeatable: true, help: 'recording to replay, path[@SYMBOL]' },
  { name: 'format', takesValue: true, help: `input format: auto (default) or ${SOURCE_FORMATS.join(', ')}` },
  { name: 'symbol', takesValue: true, help: 'symbol for files that carry none (default: the file name)' },
  { name: 'strategy', takesValue: true, help: 'strategy name (see `tickflow strategies`)' },
  { name: 'set', takesValue: true, repeatable: true, help: 'strategy parameter key=value' },
  { name: 'bar', takesValue: true, help: 'bar spec: 1s, 1m, 100t, 10v, 1m:mid, ...' },
  { name: 'cash', takesValue: true, help: 'starting cash (default from config: 100000)' },
  { name: 'config', takesValue: true, help: 'YAML config file' },
  { name: 'out', takesValue: true, help: 'output directory for report.json, fills.csv, orders.csv, stats.json' },
  { name: 'simulated', takesValue: false, help: 'replay the built-in simulated market instead of files' },
];

const SERVE_FEED_FLAGS: readonly FlagSpec[] = [
  { name: 'data', takesValue: true, repeatable: true, help: 'raw Binance capture to replay (merged by receive time); none: the simulated market' },
  { name: 'port', takesValue: true, help: 'port to listen on (default 9443; 0 picks a free one)' },
  { name: 'host', takesValue: true, help: 'interface to bind (default 127.0.0.1)' },
  { name: 'speed', takesValue: true, help: 'replay speed: a factor (default 1) or max (as fast as clients read)' },
  { name: 'fault', takesValue: true, help: 'faults to inject, e.g. drop-every=30s,stall=5s@60s,garbage=0.001,skip-trades=3@45s,http429=10s@20s' },
  { name: 'loop', takesValue: false, help: 'start over at the end of the data instead of closing connections' },
  { name: 'simulated', takesValue: false, help: 'serve the built-in simulated market (the default without --data)' },
];

const RECORD_FLAGS: readonly FlagSpec[] = [
  { name: 'url', takesValue: true, help: 'stream base URL: wss://stream.binance.com:9443, or ws://127.0.0.1:9443 (serve-feed)' },
  { name: 'rest', takesValue: true, help: 'REST base for depth snapshots (default: the venue\'s for Binance hosts, the same port for loopback)' },
  { name: 'symbols', takesValue: true, help: 'symbols to record, a comma list: BTCUSDT,ETHUSDT' },
  { name: 'channels', takesValue: true, help: 'comma list among trade, bookTicker, depth (default all three)' },
  { name: 'market', takesValue: true, help: 'spot or usdm (default usdm for fstream.binance.com, else spot)' },
  { name: 'out', takesValue: true, help: 'output folder: journal/ segments, and raw/ with --raw' },
  { name: 'raw', takesValue: false, help: 'also write the frames as received, in the Binance capture layout (<ns> <json>)' },
  { name: 'duration', takesValue: true, help: 'stop after this long, e.g. 30s, 1h (default: until SIGINT or SIGTERM)' },
  { name: 'segment-bytes', takesValue: true, help: 'uncompressed bytes per journal segment, e.g. 64m (default 64m)' },
  { name: 'segment-age', takesValue: true, help: 'journal segment age before the next, e.g. 1h (default 1h)' },
  { name: 'flush-every', takesValue: true, help: 'flush period of every file: at most this much is lost in a crash (default 1s)' },
];

const MIGRATE_FLAGS: readonly FlagSpec[] = [
  { name: 'url', takesValue: true, help: 'PostgreSQL URL (default: DATABASE_URL, then postgres://postgres@127.0.0.1:5432/postgres)' },
  { name: 'schema', takesValue: true, help: 'schema to migrate (default public)' },
];

const USAGE = `tickflow: actor-model stream processing for market data

usage:
  tickflow backtest --data <file[@SYMBOL]> [--data ...] --strategy <name> --out <dir> [flags]
  tickflow start [--port <n>] [--speed <f>] [--config <file>]  the daemon paper trading the simulated market (npm start)
  tickflow backtest --simulated [--config <file>] --out <dir>  a backtest of the simulated market
  tickflow serve-feed [--data <capture> ...] [flags]  a local exchange replaying captures in Binance's protocol
  tickflow record --url <ws-url> --symbols <list> --out <dir> [--raw] [flags]  record a live Binance feed
  tickflow run --config <file>                        the daemon: paper trading on a live feed, HTTP, gateway
  tickflow migrate [--url <postgres-url>] [--schema <name>]  apply PostgreSQL schema migrations, create partitions ahead
  tickflow strategies                                 list strategies and their parameters
  tickflow help

backtest flags:
${flagHelp(BACKTEST_FLAGS)}

start flags (runs until SIGINT or SIGTERM; no server or data needed):
${flagHelp(START_FLAGS.filter((f) => f.name !== 'out'))}

serve-feed flags (runs until SIGINT or SIGTERM):
${flagHelp(SERVE_FEED_FLAGS)}

record flags (runs until SIGINT, SIGTERM or --duration, then finishes every file):
${flagHelp(RECORD_FLAGS)}

migrate flags (an unreachable server exits 70, an edited applied migration 78):
${flagHelp(MIGRATE_FLAGS)}

exit codes: 0 ok, 64 usage, 65 bad data, 66 missing input, 70 internal or an actor failed, 78 invalid config`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'backtest':
        return await backtestCommand(rest, out, err);
      case 'start':
        return await runStart(rest, { ...PROCESS_PORTS, out, err });
      case 'serve-feed': {
        const parsed = parseArgs('serve-feed', rest, SERVE_FEED_FLAGS);
        const flag = (name: string) => flagValue(parsed, name);
        return await runServeFeed({ data: parsed.values.get('data') ?? [], port: flag('port'), host: flag('host'), speed: flag('speed'), fault: flag('fault'), loop: parsed.switches.has('loop'), simulated: parsed.switches.has('simulated') }, out, err);
      }
      case 'record': {
        const parsed = parseArgs('record', rest, RECORD_FLAGS);
        const flag = (name: string) => flagValue(parsed, name);
        return await runRecord(
          { url: flag('url'), rest: flag('rest'), symbols: flag('symbols'), channels: flag('channels'), market: flag('market'), out: flag('out'), raw: parsed.switches.has('raw'), duration: flag('duration'), segmentBytes: flag('segment-bytes'), segmentAge: flag('segment-age'), flushEvery: flag('flush-every') },
          out,
          err,
        );
      }
      case 'run':
        return await runDaemonCommand(rest, { ...PROCESS_PORTS, out, err });
      case 'migrate': {
        const parsed = parseArgs('migrate', rest, MIGRATE_FLAGS);
        return await runMigrate({ url: flagValue(parsed, 'url'), schema: flagValue(parsed, 'schema') }, out);
      }
      case 'strategies':
        out(describeStrategies());
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return 0;
      default:
        throw new TickflowError('CLI_USAGE', `unknown command "${command}"; commands: backtest, start, serve-feed, record, run, migrate, strategies, help`);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    err(message.startsWith('tickflow') ? message : `tickflow: ${message}`);
    return exitCodeOf(error);
  }
}

async function backtestCommand(args: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const parsed = parseArgs('backtest', args, BACKTEST_FLAGS);
  const data = parsed.values.get('data') ?? [];
  const simulated = parsed.switches.has('simulated');
  if (data.length === 0 && !simulated) throw new TickflowError('CLI_USAGE', 'tickflow backtest: give at least one --data <file[@SYMBOL]> (or --simulated)');
  if (data.length > 0 && simulated) throw new TickflowError('CLI_USAGE', 'tickflow backtest: --data and --simulated exclude each other');
  const outDir = flagValue(parsed, 'out');
  if (outDir === undefined) throw new TickflowError('CLI_USAGE', 'tickflow backtest: --out <dir> is required (report.json, fills.csv, orders.csv, stats.json go there)');
  const config = withFlags(loadConfig(flagValue(parsed, 'config')), parsed.values);
  if (!simulated && flagValue(parsed, 'strategy') === undefined && flagValue(parsed, 'config') === undefined) {
    throw new TickflowError('CLI_USAGE', `tickflow backtest: --strategy <name> is required (one of ${listStrategies().map((s) => s.name).join(', ')})`);
  }
  const input: BacktestInput = simulated ? { kind: 'simulated' } : { kind: 'files', data, format: flagValue(parsed, 'format'), symbol: flagValue(parsed, 'symbol') };
  return run(input, config, parsed.values.get('set') ?? [], outDir, out, err);
}

async function run(input: BacktestInput, config: TickflowConfig, sets: readonly string[], outDir: string, out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const logger = pino({ level: config.log.level, base: null }, pino.destination(2)) as unknown as Logger;
  let outcome: BacktestOutcome;
  try {
    outcome = await runBacktest({ input, config, sets, logger });
  } catch (error) {
    const failure = backtestFailureOf(error);
    if (failure === undefined) throw error;
    writeFailure(outDir, failure);
    err(`tickflow: ${(error as Error).message}`);
    out(`failure: ${join(outDir, FAILURE_FILE)} (no report: the run did not finish)`);
    return exitCodeOf(error);
  }
  writeReport(outDir, outcome);
  out(formatSummary(outcome, [
    ['instruments', describeInstruments(outcome.instruments)],
    ['fee model', describeFees(config)],
  ]));
  out(`report: ${join(outDir, 'report.json')}`);
  if (outcome.dataIssues.failure !== null) {
    err(`tickflow: the input ended early: ${outcome.dataIssues.failure}`);
    return 65;
  }
  return 0;
}

/** Applies command-line flags over the config. */
function withFlags(config: TickflowConfig, values: ReadonlyMap<string, readonly string[]>): TickflowConfig {
  const strategy = values.get('strategy')?.[0];
  const bar = values.get('bar')?.[0];
  const cash = values.get('cash')?.[0];
  if (cash !== undefined && !/^\d+(\.\d+)?$/.test(cash)) throw new TickflowError('CLI_USAGE', `--cash must be a positive decimal number such as 10000 or 2500.50, got "${cash}"`);
  if (bar !== undefined && bar.trim() === '') throw new TickflowError('CLI_USAGE', `--bar needs a spec: ${BAR_SPEC_FORMS}`);
  return {
    ...config,
    ...(cash === undefined ? {} : { cash }),
    bars: bar === undefined ? config.bars : { ...config.bars, spec: bar },
    strategy: strategy === undefined ? config.strategy : { name: strategy, params: strategy === config.strategy.name ? config.strategy.params : {} },
  };
}

/** Each instrument's grid and where it came from; a default size step says so. */
function describeInstruments(instruments: readonly Instrument[]): string {
  if (instruments.length === 0) return 'none';
  return instruments
    .map((i) => {
      const origin = i.source === 'config' ? 'configured' : 'inferred';
      const assumed = i.sizeIncrementIsDefault ? ' (default: no sizes in the data)' : '';
      return `${i.exchange === undefined ? i.symbol : instrumentKey(i.exchange, i.symbol)} ${origin}: price step ${i.priceIncrement}, size step ${i.sizeIncrement}${assumed}`;
    })
    .join('; ');
}

/** The paper venue's fee rates, saying when they are the built-in defaults rather than configured values. */
function describeFees(config: TickflowConfig): string {
  const { takerFee, makerFee } = config.execution.venue;
  const defaults = takerFee === DEFAULT_TAKER_FEE && makerFee === DEFAULT_MAKER_FEE ? ' (defaults; set execution.venue.takerFee / makerFee)' : '';
  return `taker ${takerFee}, maker ${makerFee} of notional${defaults}`;
}

function describeStrategies(): string {
  return listStrategies()
    .map((s) => [`${s.name}: ${s.description}`, ...s.params.map((p) => `  --set ${p.key}=<${p.type}>  default ${JSON.stringify(p.default)}  ${p.description ?? ''}`)].join('\n'))
    .join('\n\n');
}

/** Maps an error to its exit code (sysexits). */
export function exitCodeOf(error: unknown): number {
  if (!isTickflowError(error)) return 70;
  switch (error.code) {
    case 'CLI_USAGE':
      return 64;
    case 'CONFIG_INVALID':
      return 78;
    case 'DATA_FILE_UNREADABLE':
      return 66;
    case 'DATA_GAP':
    case 'DATA_MALFORMED_LINE':
    case 'DATA_TRUNCATED':
    case 'DATA_UNKNOWN_FORMAT':
    case 'DATA_UNKNOWN_TYPE':
      return 65;
    default:
      return 70;
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
