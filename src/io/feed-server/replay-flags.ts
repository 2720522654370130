/**
 * The flags that `serve-feed` and `start` (which runs an in-process `serve-feed`) share, read the
 * same way by both: a bad value is a `CLI_USAGE` error naming the command and the flag.
 */
import { TickflowError } from '../../runtime/errors.js';

/** `--port`: 0 to 65535 (0 picks a free port), or `undefined` when not given. */
export function parsePortFlag(command: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) throw usage(command, `--port must be a port number from 0 to 65535, got "${text}"`);
  return port;
}

/** `--speed`: a positive factor of real time, or `max`; 1 when not given. */
export function parseSpeedFlag(command: string, text: string | undefined): number | 'max' {
  if (text === undefined) return 1;
  if (text === 'max') return 'max';
  const factor = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(factor > 0)) throw usage(command, `--speed must be a positive factor such as 1, 10 or 0.5, or "max", got "${text}"`);
  return factor;
}

function usage(command: string, message: string): TickflowError {
  return new TickflowError('CLI_USAGE', `tickflow ${command}: ${message}`);
}
