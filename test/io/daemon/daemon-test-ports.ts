/**
 * What the daemon tests give `runDaemonCommand` / `runStart` in place of the process: lines
 * written to `out` and `err` kept, signal handlers kept (fire one with `handlers.get('SIGTERM')!()`),
 * forced exits recorded instead of taken, every log line kept, and the daemon once started.
 */
import type { Daemon } from '../../../src/app/daemon.js';
import type { RunPorts } from '../../../src/app/run-command.js';
import type { Logger } from '../../../src/runtime/logger.js';

/** One log call. */
export interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

/** Test ports and what they recorded. */
export function testPorts() {
  const out: string[] = [];
  const err: string[] = [];
  const logs: LogLine[] = [];
  const exits: number[] = [];
  const handlers = new Map<string, () => void>();
  let daemon: Daemon | undefined;
  const log = (level: string) => (fields: object, message?: string) => void logs.push({ level, fields: fields as Record<string, unknown>, message });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const ports: RunPorts = {
    out: (l) => void out.push(l),
    err: (l) => void err.push(l),
    exit: (code) => void exits.push(code),
    onSignal: (signal, handler) => {
      handlers.set(signal, handler);
      return () => void handlers.delete(signal);
    },
    logger,
    started: (d) => void (daemon = d),
  };
  return { ports, out, err, logs, exits, handlers, daemon: () => daemon };
}

/** GET `url`: its status and body text. */
export async function get(url: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url);
  return { status: response.status, text: await response.text() };
}
