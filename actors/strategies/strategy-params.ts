/**
 * Strategy parameters at the command line: describing them for help, and applying
 * `--set key=value` overrides, whose values arrive as strings.
 */
import { z } from 'zod';
import { TickflowError } from '../../src/runtime/errors.js';
import type { ParamsSchema } from './define-strategy.js';

/** One parameter as CLI help shows it. */
export interface ParamInfo {
  readonly key: string;
  /** JSON-schema type: `integer`, `number`, `boolean`, `string` (with `values` for an enum). */
  readonly type: string;
  readonly default: unknown;
  readonly description: string;
  /** Allowed values of an enum parameter. */
  readonly values: readonly unknown[] | undefined;
}

interface JsonProperty {
  type?: string;
  default?: unknown;
  description?: string;
  enum?: unknown[];
}

// Rendering a JSON schema costs about a millisecond; a schema never changes, so once is enough.
const described = new WeakMap<ParamsSchema, ParamInfo[]>();

/** The parameters of a schema, in declaration order, read from its JSON schema (zod's own rendering). */
export function describeParams(schema: ParamsSchema): ParamInfo[] {
  const cached = described.get(schema);
  if (cached !== undefined) return cached;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProperty> };
  const params = Object.entries(json.properties ?? {}).map(([key, p]) => ({
    key,
    type: p.type ?? (p.enum !== undefined ? 'string' : 'unknown'),
    default: p.default,
    description: p.description ?? '',
    values: p.enum,
  }));
  described.set(schema, params);
  return params;
}

/**
 * Applies `--set key=value` overrides to `base` (the params from the config file, if any) and
 * validates the result with the strategy's schema (defaults filled in). Values are coerced by the
 * parameter's type with zod: `integer`/`number` by `z.coerce.number()` (a blank value is refused,
 * not read as 0), `boolean` by `z.stringbool()` (`true/false`, `1/0`, `yes/no`, `on/off`; `Boolean("false")`
 * would be true), anything else kept as the string. Later overrides of one key win.
 *
 * Throws `CONFIG_INVALID`: for an item without `=`; for an unknown key, naming it and the valid
 * keys; for a value that does not coerce; for a result the schema refuses, listing every issue.
 * The error's `context` carries `strategy`, and `key` where one key is at fault.
 */
export function parseStrategyParams(
  strategy: string,
  schema: ParamsSchema,
  sets: readonly string[],
  base: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const params = describeParams(schema);
  const byKey = new Map(params.map((p) => [p.key, p]));
  const keys = params.map((p) => p.key);
  const valid = keys.join(', ');
  const merged: Record<string, unknown> = { ...base };
  for (const item of sets) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new TickflowError('CONFIG_INVALID', `--set ${item}: expected key=value (keys of ${strategy}: ${valid})`, { strategy, item });
    }
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    const param = byKey.get(key);
    if (param === undefined) {
      const message = `unknown parameter "${key}" for strategy ${strategy}; valid: ${valid}`;
      throw new TickflowError('CONFIG_INVALID', message, { strategy, key, valid: keys });
    }
    const coerced = coercerOf(param.type).safeParse(raw);
    if (!coerced.success) {
      const expected = param.type === 'integer' ? 'an integer' : `a ${param.type}`;
      throw new TickflowError('CONFIG_INVALID', `--set ${key}=${raw}: expected ${expected} for ${strategy}.${key}`, { strategy, key, value: raw });
    }
    merged[key] = coerced.data;
  }
  const result = schema.strict().safeParse(merged);
  if (!result.success) {
    throw new TickflowError('CONFIG_INVALID', `invalid parameters for strategy ${strategy}:\n${z.prettifyError(result.error)}`, {
      strategy,
      issues: result.error.issues,
    });
  }
  return result.data as Record<string, unknown>;
}

const blank = z.string().trim().min(1);
const toNumber = blank.pipe(z.coerce.number<string>());
const toBoolean = z.stringbool();
const asString = z.string();

function coercerOf(type: string): z.ZodType {
  if (type === 'integer' || type === 'number') return toNumber;
  if (type === 'boolean') return toBoolean;
  return asString;
}
