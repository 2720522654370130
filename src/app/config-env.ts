/**
 * `TICKFLOW_*` environment overrides of the config (`config.ts`): `TICKFLOW_<PATH>` with `__`
 * between levels and snake case for camel case (`TICKFLOW_EXECUTION__VENUE__TAKER_FEE` sets
 * `execution.venue.takerFee`). A value is read as a YAML scalar by the config's own reader
 * (`exact-yaml.ts`), so `0.001` is a number, `manual` a string, `false` a boolean, and a number
 * longer than a double holds stays its exact text.
 *
 * Each override is remembered with its variable, so that a problem in a value that came from the
 * environment names the variable (`overrideAt`), and a variable that names no config key is
 * found (`unknownOverrides`): `loadConfig` warns of it and goes on without it, since one stray
 * variable in a shell must not fail every command. `TICKFLOW_DATA_DIR` and `TICKFLOW_BENCH*` are
 * not config (the tests' data and the benchmarks') and are never read here.
 */
import type { z } from 'zod';
import { TickflowError } from '../runtime/errors.js';
import { parseExactYaml } from './exact-yaml.js';

/** One `TICKFLOW_*` variable applied to the raw config, and the path it set. */
export interface ConfigOverride {
  readonly variable: string;
  readonly path: readonly string[];
}

/** Sets `TICKFLOW_A__B_C=v` as `raw.a.bC = v` (v read as a YAML scalar); returns what it set, in `env`'s order. */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): ConfigOverride[] {
  const applied: ConfigOverride[] = [];
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith('TICKFLOW_') || value === undefined) continue;
    if (variable === 'TICKFLOW_DATA_DIR' || variable.startsWith('TICKFLOW_BENCH')) continue; // not config
    const path = variable
      .slice('TICKFLOW_'.length)
      .split('__')
      .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
    let node: Record<string, unknown> = raw;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1)!] = envValue(variable, value);
    applied.push({ variable, path });
  }
  return applied;
}

/**
 * The override a schema problem at `issue.path` comes from: the one whose value holds that path
 * (the longest such), or one that wrote through it where a value of another type was expected
 * (`TICKFLOW_SEED__X` makes `seed` a mapping), or chose a venue `type` that does not exist. An
 * unknown key is an override's only when that override's value (a YAML mapping) holds it: the
 * variables that name no key are gone by then (`unknownOverrides`).
 */
export function overrideAt(issue: z.core.$ZodIssue, overrides: readonly ConfigOverride[]): ConfigOverride | undefined {
  const path = issue.path.map(String);
  let found: ConfigOverride | undefined;
  for (const o of overrides) {
    const holds = startsWith(path, o.path);
    const through = path.length > 0 && startsWith(o.path, path) && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
    if ((holds || through) && (found === undefined || o.path.length > found.path.length)) found = o;
  }
  return found;
}

/**
 * The overrides that name no config key: under a key the schema reported unrecognized, which the
 * file (`fromFile`) did not have (an unknown key of the file's own stays the file's error).
 */
export function unknownOverrides(issues: readonly z.core.$ZodIssue[], overrides: readonly ConfigOverride[], fromFile: unknown): { override: ConfigOverride; key: readonly string[] }[] {
  const unknown: { override: ConfigOverride; key: readonly string[] }[] = [];
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    for (const name of issue.keys) {
      const key = [...issue.path.map(String), name];
      if (valueAt(fromFile, key) !== undefined) continue;
      for (const override of overrides) if (startsWith(override.path, key)) unknown.push({ override, key });
    }
  }
  return unknown;
}

/** The value at `path` in a raw config, or `undefined`. */
export function valueAt(raw: unknown, path: readonly string[]): unknown {
  let node = raw;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((key, i) => path[i] === key);
}

/** An environment value as a YAML scalar, numbers kept exact (`exact-yaml.ts`); bad YAML names the variable. */
function envValue(variable: string, text: string): unknown {
  try {
    return parseExactYaml(text);
  } catch (error) {
    throw new TickflowError('CONFIG_INVALID', `environment variable ${variable}: not a valid value (${(error as Error).message.split('\n')[0]})`, { variable });
  }
}
