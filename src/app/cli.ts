#!/usr/bin/env node
/**
 * The `tickflow` command line. Commands: `backtest` (a recording in, a deterministic report out),
 * `sweep` (the backtest over a grid of strategy parameters on worker threads, see `sweep/sweep-command.ts`),
 * `start` (the daemon paper trading the built-in simulated market, served in process: what
 * `npm start` runs, see `start-command.ts`), `serve-feed` (a local
 * exchange replaying captures in Binance's protocol, until SIGINT or SIGTERM), `record` (a live
 * Binance feed to a journal and raw captures, see `record-command.ts`), `run` (the daemon, see
 * `run-command.ts`), `migrate` (PostgreSQL schema migrations, see `migrate-command.ts`), `strategies`
 * (the built-in strategies and their parameters) and `help`.
 *
 * Help and version: `tickflow help [<command>]`, `tickflow <command> --help` (or `-h`),
 * `tickflow --help` and `tickflow --version` (`-V`, read from package.json) print and exit 0; the
 * help comes from the command table (`COMMANDS`, formatted by `cli-help.ts`). Every command parses
 * its words with `parseArgs` against its own flags, so an unknown flag is exit 64 for each.
 *
 * Exit codes follow sysexits: 0 done, 64 bad usage, 65 bad data, 66 input missing or unreadable
 * (a data file or the `--config` file),
 * 70 internal error (among them an actor failure that fails the run: the message names the actor
 * and its error, and `--out` gets `failure.json` instead of a report), 73 the `--out` directory
 * cannot be created or written (checked before the replay), 78 invalid configuration, 130
 * interrupted by Ctrl-C (`backtest`: the outputs for the records replayed are written first,
 * marked partial; a second Ctrl-C exits at once).
 * Every error message says what was wrong and what would be right.
 */
// First: sets the V8 flags before any other module is loaded (see the module).
import './v8-tuning.js';
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
import { flagValue, parseArgs, wantsHelp, type FlagSpec, type ParsedArgs } from './cli-args.js';
import { commandHelp, overview, type CommandHelp } from './cli-help.js';
import { loadConfig, type TickflowConfig } from './config.js';
import { formatFailureSummary } from './failure-summary.js';
import { checkOutDir } from './out-dir.js';
import { FAILURE_FILE, formatSummary, writeFailure, writeReport } from './report.js';
import { createBacktestTerminal, type BacktestTerminal } from './backtest-terminal.js';
import { SIGINT_EXIT } from './interrupt.js';
import { runServeFeed } from '../io/feed-server/serve-feed-command.js';
import { packageVersion } from './package-version.js';
import { PROCESS_PORTS, RUN_FLAGS, runDaemonCommand } from './run-command.js';
import { runMigrate } from './migrate-command.js';
import { runRecord } from './record-command.js';
import { runStart, START_FLAGS } from './start-command.js';
import { runSweepCommand, SWEEP_FLAGS, SWEEP_SHARED_FLAGS } from './sweep/sweep-command.js';

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
  { name: 'quiet', takesValue: false, help: 'no progress line on stderr (shown only when stderr is a terminal)' },
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

/** `sweep`'s flags: the backtest's that it shares (same help, same reading), then its own. */
const SWEEP_COMMAND_FLAGS: readonly FlagSpec[] = [...BACKTEST_FLAGS.filter((f) => SWEEP_SHARED_FLAGS.includes(f.name)), ...SWEEP_FLAGS];

/** A command: what its help says (`cli-help.ts`) and how it runs on its arguments. */
interface Command extends CommandHelp {
  run(args: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number>;
}

/** Every command, in the order the help lists them. Each parses its arguments with its own `flags`. */
const COMMANDS: readonly Command[] = [
  {
    name: 'backtest',
    usage: ['backtest --data <file[@SYMBOL]> [--data ...] --strategy <name> --out <dir> [flags]', 'backtest --simulated [--config <file>] --out <dir> [flags]'],
    summary: 'replay recordings (or the simulated market) through a strategy; a deterministic report out',
    flags: BACKTEST_FLAGS,
    run: backtestCommand,
  },
  {
    name: 'sweep',
    usage: [
      'sweep --data <file[@SYMBOL]> --strategy <name> --grid <key=v1,v2,...> [--grid ...] --out <dir> [flags]',
      'sweep ... --range <key=lo..hi[:step]> [--random <n> --seed <s>] [--split 0.7] [--workers <n>] [--metric <name>]',
    ],
    summary: 'the backtest over a grid of strategy parameters, on worker threads: sweep.csv and a heatmap page',
    flags: SWEEP_COMMAND_FLAGS,
    note: 'Ctrl-C stops the workers and exits 130',
    run: (args, out, err) =>
      runSweepCommand(args, SWEEP_COMMAND_FLAGS, {
        out,
        err,
        setup: (parsed) => ({ input: backtestInput('sweep', parsed), config: backtestConfig('sweep', parsed, err), sets: parsed.values.get('set') ?? [] }),
      }),
  },
  {
    name: 'start',
    usage: ['start [--port <n>] [--speed <f>] [--config <file>]'],
    summary: 'the daemon paper trading the built-in simulated market (what npm start runs)',
    flags: START_FLAGS,
    note: 'runs until SIGINT or SIGTERM; no server or data needed',
    run: (args, out, err) => runStart(args, { ...PROCESS_PORTS, out, err }),
  },
  {
    name: 'serve-feed',
    usage: ['serve-feed [--data <capture> ...] [flags]'],
    summary: "a local exchange replaying captures in Binance's protocol",
    flags: SERVE_FEED_FLAGS,
    note: 'runs until SIGINT or SIGTERM',
    run: (args, out, err) => {
      const parsed = parseArgs('serve-feed', args, SERVE_FEED_FLAGS);
      const flag = (name: string) => flagValue(parsed, name);
      return runServeFeed({ data: parsed.values.get('data') ?? [], port: flag('port'), host: flag('host'), speed: flag('speed'), fault: flag('fault'), loop: parsed.switches.has('loop'), simulated: parsed.switches.has('simulated') }, out, err);
    },
  },
  {
    name: 'record',
    usage: ['record --url <ws-url> --symbols <list> --out <dir> [--raw] [flags]'],
    summary: 'record a live Binance feed to a journal (and raw captures)',
    flags: RECORD_FLAGS,
    note: 'runs until SIGINT, SIGTERM or --duration, then finishes every file',
    run: (args, out, err) => {
      const parsed = parseArgs('record', args, RECORD_FLAGS);
      const flag = (name: string) => flagValue(parsed, name);
      return runRecord(
        { url: flag('url'), rest: flag('rest'), symbols: flag('symbols'), channels: flag('channels'), market: flag('market'), out: flag('out'), raw: parsed.switches.has('raw'), duration: flag('duration'), segmentBytes: flag('segment-bytes'), segmentAge: flag('segment-age'), flushEvery: flag('flush-every') },
        out,
        err,
      );
    },
  },
  {
    name: 'run',
    usage: ['run --config <file>'],
    summary: 'the daemon: paper trading on a live feed, HTTP, gateway',
    flags: RUN_FLAGS,
    note: 'runs until SIGINT or SIGTERM; SIGHUP re-reads the config',
    run: (args, out, err) => runDaemonCommand(args, { ...PROCESS_PORTS, out, err }),
  },
  {
    name: 'migrate',
    usage: ['migrate [--url <postgres-url>] [--schema <name>]'],
    summary: 'apply PostgreSQL schema migrations, create partitions ahead',
    flags: MIGRATE_FLAGS,
    note: 'an unreachable server exits 70, an edited applied migration 78',
    run: (args, out) => {
      const parsed = parseArgs('migrate', args, MIGRATE_FLAGS);
      return runMigrate({ url: flagValue(parsed, 'url'), schema: flagValue(parsed, 'schema') }, out);
    },
  },
  {
    name: 'strategies',
    usage: ['strategies'],
    summary: 'list the strategies and their parameters',
    flags: [],
    run: async (args, out) => {
      parseArgs('strategies', args, []);
      out(describeStrategies());
      return 0;
    },
  },
];

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === '--version' || name === '-V') {
      out(`tickflow ${packageVersion()}`);
      return 0;
    }
    if (name === undefined || name === '--help' || name === '-h') {
      out(overview(COMMANDS));
      return 0;
    }
    if (name === 'help') {
      if (rest.length > 1) throw new TickflowError('CLI_USAGE', `tickflow help: give one command, got ${rest.join(' ')}`);
      out(rest[0] === undefined ? overview(COMMANDS) : commandHelp(commandNamed(rest[0], 'tickflow help: ')));
      return 0;
    }
    const command = commandNamed(name);
    if (wantsHelp(rest, command.flags)) {
      out(commandHelp(command));
      return 0;
    }
    return await command.run(rest, out, err);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    err(message.startsWith('tickflow') ? message : `tickflow: ${message}`);
    return exitCodeOf(error);
  }
}

function commandNamed(name: string, prefix = ''): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    throw new TickflowError('CLI_USAGE', `${prefix}unknown command "${name}"; commands: ${[...COMMANDS.map((c) => c.name), 'help'].join(', ')}`, { command: name });
  }
  return command;
}

async function backtestCommand(args: readonly string[], out: (line: string) => void, err: (line: string) => void): Promise<number> {
  const parsed = parseArgs('backtest', args, BACKTEST_FLAGS);
  const input = backtestInput('backtest', parsed);
  const outDir = flagValue(parsed, 'out');
  if (outDir === undefined) throw new TickflowError('CLI_USAGE', 'tickflow backtest: --out <dir> is required (report.json, fills.csv, orders.csv, stats.json go there)');
  const config = backtestConfig('backtest', parsed, err);
  return run(input, config, parsed.values.get('set') ?? [], outDir, out, err, parsed.switches.has('quiet'));
}

/** What `backtest` and `sweep` replay: the `--data` files (with `--format`, `--symbol`) or `--simulated`, one of the two. */
function backtestInput(command: string, parsed: ParsedArgs): BacktestInput {
  const data = parsed.values.get('data') ?? [];
  const simulated = parsed.switches.has('simulated');
  if (data.length === 0 && !simulated) throw new TickflowError('CLI_USAGE', `tickflow ${command}: give at least one --data <file[@SYMBOL]> (or --simulated)`);
  if (data.length > 0 && simulated) throw new TickflowError('CLI_USAGE', `tickflow ${command}: --data and --simulated exclude each other`);
  return simulated ? { kind: 'simulated' } : { kind: 'files', data, format: flagValue(parsed, 'format'), symbol: flagValue(parsed, 'symbol') };
}

/** The config of `backtest` and `sweep`: file and environment (`loadConfig`), then the flags; files need `--strategy` unless `--config` names one. */
function backtestConfig(command: string, parsed: ParsedArgs, err: (line: string) => void): TickflowConfig {
  const config = withFlags(loadConfig(flagValue(parsed, 'config'), process.env, { warn: err }), parsed.values);
  if (!parsed.switches.has('simulated') && flagValue(parsed, 'strategy') === undefined && flagValue(parsed, 'config') === undefined) {
    throw new TickflowError('CLI_USAGE', `tickflow ${command}: --strategy <name> is required (one of ${listStrategies().map((s) => s.name).join(', ')})`);
  }
  return config;
}

/** Runs the backtest with progress and Ctrl-C (`backtest-terminal.ts`): SIGINT stops the replay, the outputs are written marked partial, and the exit is 130. */
async function run(input: BacktestInput, config: TickflowConfig, sets: readonly string[], outDir: string, out: (line: string) => void, err: (line: string) => void, quiet = false): Promise<number> {
  // Listening before the out directory exists: from then on, Ctrl-C always leaves complete outputs.
  const terminal = createBacktestTerminal({ input, config, quiet, err });
  try {
    return await runReplay(input, config, sets, outDir, out, err, terminal);
  } finally {
    terminal.settle();
    terminal.close();
  }
}

async function runReplay(input: BacktestInput, config: TickflowConfig, sets: readonly string[], outDir: string, out: (line: string) => void, err: (line: string) => void, terminal: BacktestTerminal): Promise<number> {
  const logger = pino({ level: config.log.level, base: null }, pino.destination(2)) as unknown as Logger;
  let outcome: BacktestOutcome;
  // Before any data is read: a report that cannot be written is known now, not after the replay.
  const undoOutDir = checkOutDir(outDir);
  try {
    outcome = await runBacktest({ input, config, sets, logger, ...terminal.hooks });
  } catch (error) {
    terminal.settle();
    const failure = backtestFailureOf(error);
    if (failure === undefined) {
      // Refused before it ran (bad data, an unknown strategy): no directory left behind.
      undoOutDir();
      throw error;
    }
    writeFailure(outDir, failure);
    err(`tickflow: ${(error as Error).message}`);
    out(formatFailureSummary(failure));
    out(`failure: ${join(outDir, FAILURE_FILE)} (no report: the run did not finish)`);
    return exitCodeOf(error);
  }
  terminal.settle();
  writeReport(outDir, outcome);
  out(formatSummary(outcome, [
    ['instruments', describeInstruments(outcome.instruments)],
    ['fee model', describeFees(config)],
  ]));
  out(`report: ${join(outDir, 'report.json')}`);
  if (terminal.interrupted) {
    const what = outcome.partial === true ? `after ${outcome.records} records; the outputs cover those records only ("partial": true in report.json)` : 'after the replay had ended; the outputs are complete';
    err(`tickflow backtest: interrupted (SIGINT) ${what}`);
    return SIGINT_EXIT;
  }
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
    case 'CONFIG_UNREADABLE':
      return 66;
    case 'DATA_GAP':
    case 'DATA_MALFORMED_LINE':
    case 'DATA_TRUNCATED':
    case 'DATA_UNKNOWN_FORMAT':
    case 'DATA_UNKNOWN_TYPE':
    case 'DATA_EMPTY':
      return 65;
    case 'OUTPUT_UNWRITABLE':
      return 73;
    default:
      return 70;
  }
}

const invokedDirectly = process.argv[1] !== undefined && realpathSync(resolve(process.argv[1])) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  process.exitCode = await main(process.argv.slice(2));
}
