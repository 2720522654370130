/**
 * `tickflow run --config <file>`: the daemon (`daemon.ts`) until a signal.
 *
 * - SIGTERM, SIGINT: stop in order (gateway, HTTP, engine: intake closed, mailboxes drained, last
 *   bar flushed), print a summary, exit 0; if that takes longer than `shutdown.deadline`, exit 70
 *   at once saying what was still running (a service manager then restarts a clean process).
 * - SIGHUP: re-reads the config file and applies what can change while running (risk limits, the
 *   strategy's reloadable params), all or nothing (`config-reload.ts`); what changed and what needs
 *   a restart are logged. An invalid file changes nothing: the daemon keeps its running config and
 *   logs every bad path (`logger.error` with `paths` and `problems`, and a line on `err`).
 * - The root supervisor giving up: exit 70 with the actor and its error.
 * - An invalid config exits 78 listing every bad path (`loadConfig`, then the cross-key checks).
 *
 * Logs are pino JSON on stdout at `log.level` (human lines on a terminal), with secrets redacted
 * (`daemon-logger.ts`). The lines meant for a person (where to connect, the summary) go to `out`.
 * `runDaemon` is the same run with the config already built: `tickflow start` (`start-command.ts`)
 * uses it with its in-process simulated feed.
 */
import { isTickflowError, TickflowError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { actorFailureOf, formatActorFailure } from './actor-failure.js';
import { flagValue, parseArgs, type FlagSpec } from './cli-args.js';
import { loadConfig, warnOnce, type TickflowConfig } from './config.js';
import { createDaemonLogger } from './daemon-logger.js';
import { startDaemon, type Daemon } from './daemon.js';

/** Flags of `tickflow run`. */
export const RUN_FLAGS: readonly FlagSpec[] = [{ name: 'config', takesValue: true, help: 'YAML config file (feeds, strategy, risk, http, gateway, ...): see the README' }];

/** What the command needs from its process (a test passes its own). */
export interface RunPorts {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Ends the process at once with `code` (the forced exit after the deadline). */
  readonly exit: (code: number) => void;
  /** Subscribes to a signal; returns the unsubscriber. */
  readonly onSignal: (signal: NodeJS.Signals, handler: () => void) => () => void;
  /** The logger (a test captures the lines); absent, `createDaemonLogger` at `log.level`. */
  readonly logger?: Logger;
  /** Told the daemon once it runs (a test reaches its actors). */
  readonly started?: (daemon: Daemon) => void;
}

/** The process's own ports. */
export const PROCESS_PORTS: RunPorts = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  exit: (code) => process.exit(code),
  onSignal: (signal, handler) => {
    process.on(signal, handler);
    return () => void process.off(signal, handler);
  },
};

/** Runs the daemon of the config file until a signal; resolves with the exit code. */
export async function runDaemonCommand(args: readonly string[], ports: RunPorts = PROCESS_PORTS): Promise<number> {
  const parsed = parseArgs('run', args, RUN_FLAGS);
  const file = flagValue(parsed, 'config');
  if (file === undefined) throw new TickflowError('CLI_USAGE', 'tickflow run: --config <file> is required (see the README for an example)');
  const warn = warnOnce(ports.err); // an unknown TICKFLOW_* variable: said at start, not again at each SIGHUP
  return runDaemon({ name: 'tickflow run', config: loadConfig(file, process.env, { warn }), source: file, reload: () => loadConfig(file, process.env, { warn }) }, ports);
}

/**
 * A daemon run as a command sees it: the config already loaded, how SIGHUP gets the next one, and
 * what the command owns besides the daemon (`tickflow start`'s in-process feed server).
 */
export interface DaemonRun {
  /** Prefix of the printed lines (`tickflow run`). */
  readonly name: string;
  readonly config: TickflowConfig;
  /** Where the config came from, named in the reload lines (a file). */
  readonly source: string;
  /** The config again on SIGHUP (re-read and re-validated); a throw refuses the reload. */
  readonly reload: () => TickflowConfig;
  /** Lines printed once the daemon runs: `intro` before where to connect, `notes` after. */
  readonly intro?: readonly string[];
  readonly notes?: readonly string[];
  /** Stopped after the daemon, within the shutdown deadline; its lines join the summary. */
  readonly afterStop?: () => Promise<readonly string[]>;
}

/** Runs `run.config`'s daemon until a signal (see the file comment); resolves with the exit code. */
export async function runDaemon(run: DaemonRun, ports: RunPorts = PROCESS_PORTS): Promise<number> {
  const { name, config } = run;
  const logger = ports.logger ?? createDaemonLogger({ level: config.log.level });
  const daemon = await startDaemon(config, logger);
  ports.started?.(daemon);
  for (const line of run.intro ?? []) ports.out(line);
  announce(name, daemon, ports.out);
  for (const note of run.notes ?? []) ports.out(note);
  const deadlineMs = Math.round(config.shutdown.deadline / 1000);
  return new Promise<number>((resolve) => {
    const unsubscribe: (() => void)[] = [];
    let ending = false;
    const finish = (code: number) => {
      for (const u of unsubscribe) u();
      resolve(code);
    };
    const shutdown = (why: string, code: number) => {
      if (ending) return;
      ending = true;
      const forced = setTimeout(() => {
        ports.err(`${name}: stop did not finish within shutdown.deadline (${deadlineMs} ms); exiting 70`);
        ports.exit(70);
      }, deadlineMs);
      daemon
        .stop(why)
        .then(async () => {
          const extra = (await run.afterStop?.()) ?? [];
          clearTimeout(forced);
          ports.out([summary(name, daemon, why), ...extra].join('\n'));
          finish(code);
        })
        .catch((error: unknown) => {
          clearTimeout(forced);
          ports.err(`${name}: stopping failed: ${(error as Error).message}`);
          finish(70);
        });
    };
    unsubscribe.push(ports.onSignal('SIGTERM', () => shutdown('SIGTERM', 0)));
    unsubscribe.push(ports.onSignal('SIGINT', () => shutdown('SIGINT', 0)));
    unsubscribe.push(
      ports.onSignal('SIGHUP', () => {
        if (!ending) reloadOnHangup(run, daemon, logger, ports);
      }),
    );
    void daemon.terminated.then((ended) => {
      if (ended.kind !== 'failed' || ending) return;
      ports.err(`${name}: the engine failed: ${formatActorFailure(actorFailureOf(ended.error))}`);
      shutdown('engine failed', 70);
    });
  });
}

function announce(name: string, daemon: Daemon, out: (line: string) => void): void {
  out(`${name}: serving ${daemon.url} (/healthz, /readyz, /metrics, gateway at /ws)`);
  if (daemon.generatedToken !== undefined) {
    out(`gateway: no tokens configured, generated an operator token for this run: ${daemon.url.replace(/^http/, 'ws')}/ws?token=${daemon.generatedToken}`);
  }
  out(`dashboard: ${daemon.url}/?token=${daemon.generatedToken ?? '<your gateway token>'}`);
  const { restored } = daemon.journal;
  if (restored.openOrders > 0 || restored.fills > 0 || restored.tradingState !== 'ACTIVE') {
    out(`restored from ${daemon.journal.dir}: ${restored.openOrders} open orders, ${restored.fills} fills (positions and cash rebuilt from them), trading state ${restored.tradingState}`);
  }
}

function summary(name: string, daemon: Daemon, why: string): string {
  const feed = daemon.trading.handle.stats();
  const gw = daemon.gateway.stats();
  const behind = daemon.journal.behind();
  return [
    `${name}: stopped (${why})`,
    `records: ${feed.records.toLocaleString('en-US')} offered, ${feed.refusals} waits for room, ${feed.restarts} feed restarts`,
    `gateway: ${gw.connectionsTotal} connections`,
    `journal: ${daemon.journal.lastSeq().toLocaleString('en-US')} entries in ${daemon.journal.dir}${behind.length === 0 ? '' : `; not yet in ${behind.join(', ')}: caught up at the next start`}`,
  ].join('\n');
}

/**
 * SIGHUP: re-reads the config (`run.reload`: the file with the `TICKFLOW_*` overrides, as at start)
 * and has the daemon apply it. An invalid file, or one the daemon refuses, changes nothing; every
 * bad path is logged.
 */
function reloadOnHangup(run: DaemonRun, daemon: Daemon, logger: Logger, ports: RunPorts): void {
  const { name, source: file } = run;
  let next: TickflowConfig;
  try {
    next = run.reload();
  } catch (error) {
    // A schema failure lists its paths (one `path: message` line each after the first); an unreadable
    // file or bad YAML is one message.
    const message = (error as Error).message;
    const listed = isTickflowError(error, 'CONFIG_INVALID') && Array.isArray(error.context['paths']);
    const problems = listed ? message.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '') : [message];
    refused(name, logger, ports, file, listed ? ((error as TickflowError).context['paths'] as string[]) : [], problems);
    return;
  }
  daemon.reload(next).then(
    (outcome) => {
      if (!outcome.ok) return refused(name, logger, ports, file, outcome.problems.map(pathOf), outcome.problems, outcome.needsRestart);
      logger.info({ signal: 'SIGHUP', file, applied: outcome.applied, needsRestart: outcome.needsRestart }, 'configuration reloaded');
      const applied = outcome.applied.length === 0 ? 'nothing to apply' : `applied ${outcome.applied.join(', ')}`;
      const restart = outcome.needsRestart.length === 0 ? '' : `; needs a restart (not applied): ${outcome.needsRestart.join(', ')}`;
      ports.out(`${name}: config reloaded (${file}): ${applied}${restart}`);
    },
    (error: unknown) => refused(name, logger, ports, file, [], [(error as Error).message]),
  );
}

function refused(name: string, logger: Logger, ports: RunPorts, file: string, paths: readonly string[], problems: readonly string[], needsRestart: readonly string[] = []): void {
  logger.error({ signal: 'SIGHUP', file, paths, problems, needsRestart }, 'configuration reload refused; the running config is kept');
  ports.err(`${name}: config reload refused (${file}), running config kept:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/** The path of a `path: message` line. */
function pathOf(problem: string): string {
  const colon = problem.indexOf(':');
  return colon < 0 ? problem : problem.slice(0, colon);
}
