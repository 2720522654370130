/**
 * The engine's configuration: YAML validated by zod, overridable by `TICKFLOW_*` environment
 * variables (DESIGN.md, The daemon). The schema lives here; `config/` holds data only.
 *
 * Environment overrides: `TICKFLOW_<PATH>` with `__` between levels and snake case for camel
 * case, e.g. `TICKFLOW_SEED=7`, `TICKFLOW_EXECUTION__APPROVAL=manual`,
 * `TICKFLOW_BARS__TIME_BASE=venue` (`config-env.ts`). Values are read as YAML scalars (numbers,
 * booleans, strings). An invalid config is one `TickflowError('CONFIG_INVALID')` listing every bad
 * path, each named by where it came from: the key's path for the file, the variable for the
 * environment. A variable that names no key is a warning (`LoadConfigOptions.warn`), not an error.
 * A config file that cannot be read is `CONFIG_UNREADABLE` (exit 66), naming it.
 *
 * Decimals (cash, increments, fee rates, risk limits) are written as numbers or strings and read
 * from their source text, so no digit is lost (`exact-yaml.ts`, `decimalInput`).
 *
 * Durations have one grammar (`src/model/duration.ts`): text with a unit (`"250ms"`, `"10s"`,
 * `"1m30s"`), or integer microseconds where the key ends in `Us`. A bare number is refused. The
 * config is validated here once; what it yields (durations in µs) is trusted downstream and never
 * parsed again.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { venueConfigSchema } from '../../actors/execution/venues/venues.js';
import { DEFAULT_BAR_GRACE } from '../../actors/bars/bars-actor.js';
import { RiskConfig } from '../../actors/risk/risk-config.js';
import { FeedConfig, GatewayConfig, HttpConfig, MetricsConfig, PersistenceConfig, ShutdownConfig } from './daemon-config.js';
import { decimalInput } from '../model/decimal-input.js';
import { durationSchema, durationTextSchema, microsecondsSchema } from '../model/duration.js';
import { TickflowError } from '../runtime/errors.js';
import { applyEnvOverrides, overrideAt, unknownOverrides, valueAt, type ConfigOverride } from './config-env.js';
import { parseExactYaml, readsExactly } from './exact-yaml.js';

// Money in config is exact: a number or a string, read from its source text (see the file comment).
const decimalString = decimalInput().refine((v) => /^-?\d+(\.\d+)?$/.test(v), { message: 'expected a decimal number such as 10000 or 0.01' });

/** One configured instrument. Where none is configured for a symbol it is inferred from the data. */
export const InstrumentConfig = z.strictObject({
  symbol: z.string().min(1),
  exchange: z.string().optional(),
  priceIncrement: decimalString,
  sizeIncrement: decimalString,
  quotePrecision: z.int().min(0).max(18).optional(),
});

/** The whole configuration. */
export const TickflowConfig = z.strictObject({
  /** Seed of every random choice (backoff jitter, the simulated market). */
  seed: z.int().default(42),
  /** Starting cash in the quote currency. */
  cash: decimalString.refine((v) => !v.startsWith('-'), { error: (issue) => `the starting cash must not be negative, got ${String(issue.input)}` }).default('100000'),
  bars: z
    .strictObject({
      spec: z.string().default('1m'),
      timeBase: z.enum(['engine', 'venue']).default('engine'),
      /** How long a venue-time bar waits past its end (`500ms`, `2s`); checked here, read by the bar spec. */
      lateness: durationTextSchema({ allowZero: true }).optional(),
      /** How long after its end the clock closes a time bar that no record closed (see bars-actor.ts). */
      grace: durationTextSchema({ allowZero: true }).default(DEFAULT_BAR_GRACE),
    })
    .prefault({}),
  /** Order books (`actors/books/book-actor.ts`). */
  books: z
    .strictObject({
      /** Levels per side in each snapshot published on `md.<exchange>.<symbol>.book`. */
      depth: z.int().positive().max(1000).default(10),
      /** Publication period of those snapshots (`100ms`, `1s`; `0s`: after every change), read as µs. */
      publishEvery: durationSchema({ allowZero: true }).prefault('100ms'),
    })
    .prefault({}),
  strategy: z
    .strictObject({
      name: z.string().default('ema-cross'),
      params: z.record(z.string(), z.unknown()).default({}),
    })
    .prefault({}),
  instruments: z.array(InstrumentConfig).default([]),
  risk: RiskConfig.prefault({}),
  execution: z
    .strictObject({
      /** `manual`: every order waits for an operator's approval (or expires). */
      approval: z.enum(['auto', 'manual']).default('auto'),
      /** How long a manual approval may wait, µs (default 60 s). */
      approvalTimeoutUs: microsecondsSchema().default(60_000_000),
      /** The venue (`type`, default `paper`) and its settings (`actors/execution/venues/venues.ts`). */
      venue: venueConfigSchema().prefault({}),
    })
    .prefault({}),
  /** Mailbox capacity of the pipeline actors (under `backpressure`). */
  mailboxCapacity: z.int().positive().default(4096),
  replay: z
    .strictObject({
      /** Records per read chunk. */
      chunkSize: z.int().positive().default(4096),
      /** `max` or a multiple of real time. */
      speed: z.union([z.literal('max'), z.number().positive()]).default('max'),
    })
    .prefault({}),
  /** A backtest's report (`src/app/report.ts`, `src/app/metrics/`). */
  report: z
    .strictObject({
      /** Sampling interval of the equity curve (`equity.csv`, Sharpe, Sortino) on engine time, read as µs. */
      equityInterval: durationSchema().prefault('1m'),
    })
    .prefault({}),
  simulated: z
    .strictObject({
      records: z.int().positive().default(200_000),
      // It becomes a topic segment and, under `tickflow start`, a feed's symbol: the feed's rule.
      symbol: z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'a symbol of 1 to 20 letters and digits').default('SIMUSDT'),
    })
    .prefault({}),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info') }).prefault({}),
  // The daemon's keys (`tickflow run`, daemon-config.ts); a backtest ignores them.
  feeds: z.array(FeedConfig).default([]),
  http: HttpConfig.prefault({}),
  gateway: GatewayConfig.prefault({}),
  persistence: PersistenceConfig.prefault({}),
  shutdown: ShutdownConfig.prefault({}),
  metrics: MetricsConfig.prefault({}),
});
export type TickflowConfig = z.output<typeof TickflowConfig>;

/** Validates raw config, listing every bad path in one error; `origin` names where `raw` came from. */
export function parseConfig(raw: unknown, origin: string): TickflowConfig {
  const result = TickflowConfig.safeParse(raw ?? {});
  if (result.success) return result.data;
  throw invalidConfig(result.error.issues, raw, origin, []);
}

/** How `loadConfig` reports what it does not fail on. */
export interface LoadConfigOptions {
  /**
   * Told of each `TICKFLOW_*` variable that names no config key (ignored), once per load; default:
   * a line on stderr. A command that reloads passes one sink through `warnOnce`.
   */
  readonly warn?: (line: string) => void;
}

/**
 * Reads a YAML file (or nothing), applies `TICKFLOW_*` overrides and validates. Throws
 * `CONFIG_UNREADABLE` for a file it cannot read, `CONFIG_INVALID` for bad YAML or a value the
 * schema refuses (each problem named by its source: the file's key path, or the variable).
 */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env, options: LoadConfigOptions = {}): TickflowConfig {
  const fromFile = file === undefined ? {} : readConfigFile(file);
  const raw = structuredClone(fromFile);
  const overrides = applyEnvOverrides(raw, env);
  const warn = options.warn ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let result = TickflowConfig.safeParse(raw);
  const unknownIn = (parsed: typeof result) => (parsed.success ? [] : unknownOverrides(parsed.error.issues, overrides, fromFile).filter(({ key }) => valueAt(raw, key) !== undefined));
  // Again while variables that name no key turn up (a problem in a parent can hide its keys); each
  // round deletes at least one key, so it ends.
  for (let unknown = unknownIn(result); unknown.length > 0; unknown = unknownIn(result)) {
    for (const { override, key } of unknown) {
      warn(`tickflow: warning: ${override.variable} is not a config variable (no key ${override.path.join('.')}); ignored`);
      deleteAt(raw, key);
    }
    result = TickflowConfig.safeParse(raw);
  }
  if (result.success) return result.data;
  const known = overrides.filter((o) => !unknownVariable(o, raw));
  throw invalidConfig(result.error.issues, raw, file ?? 'defaults', known);
}

/** A sink that passes each distinct line once (a config reloaded on SIGHUP warns of a variable once). */
export function warnOnce(sink: (line: string) => void): (line: string) => void {
  const seen = new Set<string>();
  return (line) => {
    if (seen.has(line)) return;
    seen.add(line);
    sink(line);
  };
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TickflowError('CONFIG_UNREADABLE', `cannot read config file ${file}: ${(error as Error).message}`, { file });
  }
  let parsed: unknown;
  try {
    parsed = parseExactYaml(text);
  } catch (error) {
    throw new TickflowError('CONFIG_INVALID', `config file ${file} is not valid YAML: ${(error as Error).message}`, { file });
  }
  if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
    throw new TickflowError('CONFIG_INVALID', `config file ${file} is not valid YAML: the top level must be a mapping`, { file });
  }
  return (parsed as Record<string, unknown> | null) ?? {};
}

/**
 * The one `CONFIG_INVALID` for every problem: the header names the sources at fault (`origin`,
 * the environment, or both), and each line its place: `path: message` for `origin`,
 * `TICKFLOW_X: message (config key path)` for a variable.
 */
function invalidConfig(issues: readonly z.core.$ZodIssue[], raw: unknown, origin: string, overrides: readonly ConfigOverride[]): TickflowError {
  const variables: string[] = [];
  let fromOrigin = false;
  const problems = issues.map((issue) => {
    const path = issue.path.join('.') || '(root)';
    const message = `${issue.message}${roundedHint(issue, raw)}`;
    const override = overrideAt(issue, overrides);
    if (override === undefined) {
      fromOrigin = true;
      return `  ${path}: ${message}`;
    }
    if (!variables.includes(override.variable)) variables.push(override.variable);
    return `  ${override.variable}: ${message} (config key ${path})`;
  });
  const sources = [...(fromOrigin ? [origin] : []), ...(variables.length > 0 ? ['environment'] : [])].join(' and ');
  return new TickflowError('CONFIG_INVALID', `invalid config (${sources}):\n${problems.join('\n')}`, {
    origin,
    paths: issues.map((i) => i.path.join('.')),
    variables,
  });
}

/** Said where a number field got the text of a number longer than a double holds (`exact-yaml.ts`). */
function roundedHint(issue: z.core.$ZodIssue, raw: unknown): string {
  if (issue.code !== 'invalid_type' || issue.expected !== 'number') return '';
  const value = valueAt(raw, issue.path.map(String));
  if (typeof value !== 'string' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) || readsExactly(value, Number(value))) return '';
  return ` (${value} has more digits than a number here holds; write at most 15 significant digits)`;
}

function unknownVariable(override: ConfigOverride, raw: unknown): boolean {
  return valueAt(raw, override.path) === undefined;
}

function deleteAt(raw: Record<string, unknown>, path: readonly string[]): void {
  const parent = valueAt(raw, path.slice(0, -1));
  if (typeof parent === 'object' && parent !== null) delete (parent as Record<string, unknown>)[path.at(-1)!];
}
