/**
 * Checking one swept value against the strategy's schema for its parameter alone, before any run:
 * `fast=abc` or `fast=-3` is wrong whatever the other parameters are, so it is a usage error of the
 * sweep (exit 64) naming the flag. The value is coerced exactly as `--set key=value` is
 * (`parseStrategyParams`, on an object schema holding only that field), so what passes here is
 * what the run will see. Constraints across parameters (`ema-cross`: fast < slow) cannot be judged
 * per value; they are checked per combination (`sweep-plan.ts`).
 */
import { z } from 'zod';
import type { ParamsSchema } from '../../../actors/strategies/define-strategy.js';
import { describeParams, parseStrategyParams, type ParamInfo } from '../../../actors/strategies/strategy-params.js';
import { TickflowError, isTickflowError } from '../../runtime/errors.js';

/** A parameter's value as the schema gives it back. */
export type ParamValue = number | string | boolean;

// One single-field schema per (schema, key): `describeParams` caches by schema identity.
const fieldSchemas = new WeakMap<ParamsSchema, Map<string, ParamsSchema>>();

/**
 * `text` coerced and checked by the schema of parameter `key` of `strategy`. Throws `CLI_USAGE`
 * starting with `flag` for an unknown key (listing the valid ones) or a refused value (with the
 * schema's reason).
 */
export function checkParamValue(strategy: string, schema: ParamsSchema, key: string, text: string, flag: string): ParamValue {
  const info = paramInfo(strategy, schema, key, flag);
  try {
    return parseStrategyParams(strategy, fieldSchema(schema, key), [`${key}=${text}`])[key] as ParamValue;
  } catch (error) {
    if (!isTickflowError(error, 'CONFIG_INVALID')) throw error;
    const issues = error.context['issues'] as readonly { message: string }[] | undefined;
    const reason = issues?.map((i) => i.message).join('; ') ?? `expected ${expected(info)}`;
    throw new TickflowError('CLI_USAGE', `tickflow sweep: ${flag}: ${key}=${text} is refused by ${strategy}: ${reason}`, { strategy, key, value: text });
  }
}

/** Whether parameter `key` takes integers or decimals; `CLI_USAGE` when it is not a number (a range needs one). */
export function paramKind(strategy: string, schema: ParamsSchema, key: string, flag: string): 'integer' | 'number' {
  const info = paramInfo(strategy, schema, key, flag);
  if (info.type === 'integer' || info.type === 'number') return info.type;
  throw new TickflowError('CLI_USAGE', `tickflow sweep: ${flag}: ${key} is a ${info.type} parameter of ${strategy}; list its values with --grid`, { strategy, key });
}

function paramInfo(strategy: string, schema: ParamsSchema, key: string, flag: string): ParamInfo {
  const params = describeParams(schema);
  const info = params.find((p) => p.key === key);
  if (info === undefined) {
    const valid = params.map((p) => p.key);
    throw new TickflowError('CLI_USAGE', `tickflow sweep: ${flag}: unknown parameter "${key}" for strategy ${strategy}; valid: ${valid.join(', ')}`, { strategy, key, valid });
  }
  return info;
}

function fieldSchema(schema: ParamsSchema, key: string): ParamsSchema {
  let byKey = fieldSchemas.get(schema);
  if (byKey === undefined) {
    byKey = new Map();
    fieldSchemas.set(schema, byKey);
  }
  let field = byKey.get(key);
  if (field === undefined) {
    field = z.object({ [key]: schema.shape[key]! });
    byKey.set(key, field);
  }
  return field;
}

function expected(info: ParamInfo): string {
  if (info.values !== undefined) return `one of ${info.values.join(', ')}`;
  return info.type === 'integer' ? 'an integer' : `a ${info.type}`;
}
