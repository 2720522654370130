/**
 * Durations in configuration: the one grammar and the one parser of the project, so a figure can
 * never be read in one unit by one reader and in another by the next (a bare number read as
 * milliseconds by a second validation pass once made every limit 1000 times too long).
 *
 * Grammar: one or more `<whole number><unit>` parts, largest unit first, each unit at most once,
 * no sign, no fraction, no space inside: `250ms`, `10s`, `5m`, `1h`, `1d`, `1m30s`, `1s500ms`,
 * `750us` (also spelled `750µs`). Units: `d` 24 h, `h`, `m` minutes, `s`, `ms`, `us` (or `µs`).
 * The value is integer microseconds, like engine time. A bare number (`10`, `"10"`) is not a
 * duration: its unit would be a guess. A config key that ends in `Us` (`approvalTimeoutUs`,
 * `latencyUs`) is the one other form: integer microseconds, named by the key.
 *
 * Used through `durationSchema` (config schemas, at the edge) or `parseDuration` (other text, such
 * as the `--bar` spec). Errors are `TickflowError('CONFIG_INVALID')` quoting the text.
 */
import { z } from 'zod';
import { TickflowError } from '../runtime/errors.js';

/** Units with their length in µs, largest first (the order parts must follow). */
const UNITS: readonly (readonly [unit: string, us: bigint])[] = [
  ['d', 86_400_000_000n],
  ['h', 3_600_000_000n],
  ['m', 60_000_000n],
  ['s', 1_000_000n],
  ['ms', 1_000n],
  ['us', 1n],
];

// Rank of each spelling in UNITS (µ: micro sign U+00B5; μ: Greek mu U+03BC).
const RANK: Readonly<Record<string, number>> = { d: 0, h: 1, m: 2, s: 3, ms: 4, us: 5, 'µs': 5, 'μs': 5 };

// One part; `ms` before `m` and `s` so `5ms` is not read as `5m` + `s`. Sticky: parts must abut.
const PART = /(\d+)(ms|us|µs|μs|d|h|m|s)/y;
const BARE_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const FRACTION = /\d\.\d/;
const MAX_US = BigInt(Number.MAX_SAFE_INTEGER);

/** The grammar in one line, for error messages and help text. */
export const DURATION_FORMS = 'whole numbers with units d, h, m, s, ms, us, largest first: "250ms", "10s", "5m", "1m30s"';

/**
 * Reads `text` as a duration: integer µs, or the reason it is not one (a sentence quoting the
 * text). Never throws; `parseDuration` and the schemas wrap it.
 */
function readDuration(text: unknown): number | { readonly problem: string } {
  if (typeof text === 'number') return { problem: bareNumber(String(text)) };
  if (typeof text !== 'string') return { problem: `a duration is text such as "10s", got ${describeValue(text)}` };
  const s = text.trim();
  if (s === '') return { problem: `a duration cannot be empty; write ${DURATION_FORMS}` };
  if (BARE_NUMBER.test(s)) return { problem: bareNumber(JSON.stringify(s)) };
  if (s.startsWith('-')) return { problem: `a duration cannot be negative, got ${JSON.stringify(s)}` };
  if (FRACTION.test(s)) return { problem: `${JSON.stringify(s)} has a fraction; write whole units instead ("1s500ms" or "1500ms" for 1.5 s)` };
  let total = 0n;
  let lastRank = -1;
  let at = 0;
  while (at < s.length) {
    PART.lastIndex = at;
    const m = PART.exec(s);
    if (m === null) return { problem: `${JSON.stringify(s)} is not a duration; write ${DURATION_FORMS}` };
    const rank = RANK[m[2] as string] as number;
    if (rank <= lastRank) return { problem: `${JSON.stringify(s)}: write each unit once, largest first ("1m30s", not "30s1m")` };
    lastRank = rank;
    total += BigInt(m[1] as string) * (UNITS[rank] as readonly [string, bigint])[1];
    at = PART.lastIndex;
  }
  if (total > MAX_US) return { problem: `${JSON.stringify(s)} is too long (at most ${Number.MAX_SAFE_INTEGER} µs, about 285 years)` };
  return Number(total);
}

function bareNumber(shown: string): string {
  const digits = shown.replace(/"/g, '');
  const examples = /^\d+$/.test(digits) ? `"${digits}ms" or "${digits}s"` : '"250ms" or "10s"';
  return `a bare number is not a duration: ${shown} needs a unit, e.g. ${examples} (${DURATION_FORMS})`;
}

function describeValue(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : JSON.stringify(value) ?? typeof value;
}

/**
 * Parses a duration (see the module comment) into integer microseconds; `"0s"` is 0. Throws
 * `TickflowError('CONFIG_INVALID')` quoting the text and saying what would be right, with
 * `context.text`; callers that know the config path add it.
 */
export function parseDuration(text: string): number {
  const us = readDuration(text);
  if (typeof us === 'number') return us;
  throw new TickflowError('CONFIG_INVALID', us.problem, { text });
}

/**
 * Formats integer microseconds in the grammar, largest units first and zero parts left out:
 * `90_000_000` → `"1m30s"`, `1_500` → `"1ms500us"`, `0` → `"0s"`. `parseDuration` reads it back to
 * the same number. Throws a `RangeError` (a programming error) unless `us` is a safe integer >= 0.
 */
export function formatDuration(us: number): string {
  if (!Number.isSafeInteger(us) || us < 0) throw new RangeError(`formatDuration: expected integer microseconds >= 0, got ${us}`);
  if (us === 0) return '0s';
  let rest = BigInt(us);
  let out = '';
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      out += `${rest / size}${unit}`;
      rest %= size;
    }
  }
  return out;
}

/** Options of the duration schemas. */
export interface DurationSchemaOptions {
  /** Accept a zero duration (`"0s"`). Default false: a limit of zero is refused, omit the key instead. */
  readonly allowZero?: boolean;
}

function checked(text: string, options: DurationSchemaOptions, ctx: z.RefinementCtx): number | undefined {
  const us = readDuration(text);
  if (typeof us !== 'number') {
    ctx.addIssue({ code: 'custom', message: us.problem });
    return undefined;
  }
  if (us === 0 && options.allowZero !== true) {
    ctx.addIssue({ code: 'custom', message: `must be longer than 0, got ${JSON.stringify(text.trim())} (omit the key to turn it off)` });
    return undefined;
  }
  return us;
}

// A non-string (a YAML number above all) gets the grammar's message, not zod's "expected string".
const durationText = () =>
  z.string({ error: (issue) => (issue.input === undefined ? undefined : (readDuration(issue.input) as { problem: string }).problem) });

/**
 * Zod schema of a config duration: text in the grammar, out integer microseconds. Issues quote
 * the text; zod's path names the key. Positive unless `allowZero`.
 */
export function durationSchema(options: DurationSchemaOptions = {}) {
  return durationText().transform((text, ctx) => checked(text, options, ctx) ?? z.NEVER);
}

/**
 * Zod schema of a config duration kept as its text (trimmed), checked against the grammar: for a
 * value handed as text to a reader that parses it with `parseDuration` (the bar spec's lateness),
 * so a bad value is still reported at config load, with its path.
 */
export function durationTextSchema(options: DurationSchemaOptions = {}) {
  return durationText().transform((text, ctx) => (checked(text, options, ctx) === undefined ? z.NEVER : text.trim()));
}

/**
 * Zod schema of a key ending in `Us`: integer microseconds, the unit named by the key. A duration
 * string there is refused with the number to write instead (`"60s"` → `60000000`).
 */
export function microsecondsSchema(options: DurationSchemaOptions = {}) {
  const min = options.allowZero === true ? 0 : 1;
  return z
    .int({
      error: (issue) => {
        if (issue.input === undefined) return undefined;
        const us = readDuration(issue.input);
        const hint = typeof issue.input === 'string' && typeof us === 'number' ? `: write ${us} for ${JSON.stringify(issue.input.trim())}` : '';
        return `this key is integer microseconds (its name ends in Us), got ${describeValue(issue.input)}${hint}`;
      },
    })
    .min(min, { error: `must be at least ${min} µs` })
    .max(Number.MAX_SAFE_INTEGER, { error: 'too long' });
}
