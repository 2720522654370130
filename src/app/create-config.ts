/**
 * `createConfig`: a whole `TickflowConfig` from the few keys a library user cares about, with the
 * defaults `tickflow` uses for the rest, so no one has to write out every section by hand.
 */
import type { z } from 'zod';
import { parseConfig, TickflowConfig } from './config.js';

/**
 * The config as a YAML file would hold it: every key optional, durations as text (`"250ms"`),
 * money as decimal strings or numbers.
 */
export type TickflowConfigInput = z.input<typeof TickflowConfig>;

/**
 * Validates `input` (default: nothing, so every default) and fills in the defaults. Unlike
 * `loadConfig` it reads no file and no `TICKFLOW_*` variable: a library's run depends on its
 * arguments only. Throws `CONFIG_INVALID` listing every bad path.
 */
export function createConfig(input: TickflowConfigInput = {}): TickflowConfig {
  return parseConfig(input, 'createConfig');
}
