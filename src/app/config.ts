/**
 * The engine's configuration: YAML validated by zod, overridable by `TICKFLOW_*` environment
 * variables (DESIGN.md, The daemon). The schema lives here; `config/` holds data only.
 *
 * Environment overrides: `TICKFLOW_<PATH>` with `__` between levels and snake case for camel
 * case, e.g. `TICKFLOW_SEED=7`, `TICKFLOW_EXECUTION__APPROVAL=manual`,
 * `TICKFLOW_BARS__TIME_BASE=venue`. Values are read as YAML scalars (numbers, booleans, strings).
 * An invalid config is one `TickflowError('CONFIG_INVALID')` listing every bad path.
 *
 * Durations have one grammar (`src/model/duration.ts`): text with a unit (`"250ms"`, `"10s"`,
 * `"1m30s"`), or integer microseconds where the key ends in `Us`. A bare number is refused. The
 * config is validated here once; what it yields (durations in µs) is trusted downstream and never
 * parsed again.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { venueConfigSchema } from '../../actors/execution/venues/venues.js';
import { DEFAULT_BAR_GRACE } from '../../actors/bars/bars-actor.js';
import { RiskConfig } from '../../actors/risk/risk-config.js';
import { FeedConfig, GatewayConfig, HttpConfig, MetricsConfig, PersistenceConfig, ShutdownConfig } from './daemon-config.js';
import { durationSchema, durationTextSchema, microsecondsSchema } from '../model/duration.js';
import { TickflowError } from '../runtime/errors.js';

// Money in config is exact: a YAML number is accepted only while its text cannot have lost
// digits (15 significant digits round-trip through a double); longer ones must be quoted.
const decimalString = z
  .union([z.string(), z.number()])
  .refine((v) => typeof v === 'string' || significantDigits(v) <= 15, {
    message: 'more than 15 significant digits cannot be read exactly as a number: quote it ("12345678901234567.89")',
  })
  .transform((v) => String(v))
  .refine((v) => /^-?\d+(\.\d+)?$/.test(v), { message: 'expected a decimal number such as "10000" or "0.01"' });

function significantDigits(x: number): number {
  const digits = Math.abs(x).toExponential().split('e')[0]!.replace('.', '');
  return digits.length;
}

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
  cash: decimalString.default('100000'),
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
  simulated: z
    .strictObject({
      records: z.int().positive().default(200_000),
      symbol: z.string().default('SIMUSDT'),
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

/** Validates raw config, listing every bad path in one error. */
export function parseConfig(raw: unknown, origin: string): TickflowConfig {
  const result = TickflowConfig.safeParse(raw ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new TickflowError('CONFIG_INVALID', `invalid config (${origin}):\n${problems.join('\n')}`, {
    origin,
    paths: result.error.issues.map((i) => i.path.join('.')),
  });
}

/** Reads a YAML file (or nothing), applies `TICKFLOW_*` overrides and validates. */
export function loadConfig(file: string | undefined, env: NodeJS.ProcessEnv = process.env): TickflowConfig {
  let raw: Record<string, unknown> = {};
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new TickflowError('CONFIG_INVALID', `cannot read config file ${file}: ${(error as Error).message}`, { file });
    }
    try {
      const parsed: unknown = parseYaml(text);
      if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
        throw new Error('the top level must be a mapping');
      }
      raw = (parsed as Record<string, unknown> | null) ?? {};
    } catch (error) {
      throw new TickflowError('CONFIG_INVALID', `config file ${file} is not valid YAML: ${(error as Error).message}`, { file });
    }
  }
  applyEnvOverrides(raw, env);
  return parseConfig(raw, file ?? 'defaults and environment');
}

/** Sets `TICKFLOW_A__B_C=v` as `raw.a.bC = v` (v read as a YAML scalar). */
export function applyEnvOverrides(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('TICKFLOW_') || value === undefined) continue;
    if (name === 'TICKFLOW_DATA_DIR' || name.startsWith('TICKFLOW_BENCH')) continue; // not config
    const path = name
      .slice('TICKFLOW_'.length)
      .split('__')
      .map((part) => part.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
    let node: Record<string, unknown> = raw;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1)!] = envValue(name, value);
  }
}

/**
 * An environment value as YAML scalar, except that a number whose text would not survive the
 * trip through a double (a long decimal) stays the exact string.
 */
function envValue(name: string, text: string): unknown {
  let value: unknown;
  try {
    value = parseYaml(text) as unknown;
  } catch (error) {
    throw new TickflowError('CONFIG_INVALID', `environment variable ${name}: not a valid value (${(error as Error).message.split('\n')[0]})`, { variable: name });
  }
  if (typeof value === 'number' && /^-?\d+(\.\d+)?$/.test(text.trim()) && String(value) !== text.trim()) return text.trim();
  return value;
}
