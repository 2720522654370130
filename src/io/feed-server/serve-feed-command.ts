/**
 * `tickflow serve-feed`: the command behind the CLI's flags (parsed by `src/app/cli.ts`). Checks
 * the flag values (a bad one is a `CLI_USAGE` error naming the flag: exit 64), starts the feed
 * server, prints where it listens, and runs until SIGINT or SIGTERM (or the `until` promise, for
 * in-process callers), then closes cleanly and returns 0.
 */
import { isTickflowError, TickflowError } from '../../runtime/errors.js';
import { createFeedServer } from './feed-server.js';
import { DEPTH_STREAM } from './feed-event.js';
import { DEFAULT_FEED_PORT } from './feed-server-options.js';
import { FAULT_FORMS, parseFaultSpec } from './fault-spec.js';
import { parsePortFlag, parseSpeedFlag } from './replay-flags.js';

/** The `serve-feed` flags as given on the command line (values still text). */
export interface ServeFeedFlags {
  readonly data: readonly string[];
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly speed?: string | undefined;
  readonly fault?: string | undefined;
  readonly loop: boolean;
  readonly simulated: boolean;
}

/**
 * Runs the command; resolves with the exit code once the server is closed. `until` replaces the
 * wait for SIGINT / SIGTERM (tests). Throws `CLI_USAGE` for a bad flag; the server's own errors
 * (`DATA_*`, `CONFIG_INVALID`, `IO_UNAVAILABLE` when the port is taken) pass through.
 */
export async function runServeFeed(flags: ServeFeedFlags, out: (line: string) => void, err: (line: string) => void, until?: Promise<unknown>): Promise<number> {
  if (flags.data.length > 0 && flags.simulated) throw usage('--data and --simulated exclude each other');
  const port = parsePortFlag('serve-feed', flags.port) ?? DEFAULT_FEED_PORT;
  const speed = parseSpeedFlag('serve-feed', flags.speed);
  let faults;
  try {
    faults = parseFaultSpec(flags.fault ?? '');
  } catch (error) {
    if (isTickflowError(error, 'CONFIG_INVALID')) throw usage(`--fault: ${error.message} (faults: ${FAULT_FORMS})`);
    throw error;
  }
  const server = await createFeedServer(
    { data: flags.data, simulated: flags.data.length === 0, host: flags.host, port, speed, faults, loop: flags.loop },
    { onError: (error) => err(`tickflow serve-feed: the recording could not be read: ${error instanceof Error ? error.message : String(error)}`) },
  );
  const what = flags.data.length === 0 ? 'the simulated market' : flags.data.join(', ');
  const prefix = server.market === 'usdm' ? '/fapi/v1' : '/api/v3';
  out(`tickflow serve-feed: Binance ${server.market} replay of ${what} at speed ${speed}${flags.loop ? ', looping' : ''}`);
  out(`listening on ${server.url} (streams: ${server.url}/stream?streams=<symbol>@trade/<symbol>@bookTicker/<symbol>@${DEPTH_STREAM[server.market]}, REST: ${server.restUrl}${prefix}/depth?symbol=<SYMBOL>)`);
  try {
    await (until ?? signalled());
  } finally {
    await server.close();
  }
  const stats = server.stats;
  out(`tickflow serve-feed: stopped after ${stats.connectionsTotal} connections, ${stats.framesSent} frames, ${stats.faults.total} faults injected`);
  return 0;
}

/** Resolves on the first SIGINT or SIGTERM, then stops listening for them. */
function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

function usage(message: string): TickflowError {
  return new TickflowError('CLI_USAGE', `tickflow serve-feed: ${message}`);
}
