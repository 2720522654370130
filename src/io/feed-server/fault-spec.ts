/**
 * The `--fault` grammar of `serve-feed`: comma-separated `name=value` parts, each a fault the
 * server injects on purpose so clients can be tested against the failures a real exchange has.
 *
 * | part | meaning |
 * |---|---|
 * | `drop-every=30s` | every 30 s of replay time, every WebSocket connection is dropped (no close frame) |
 * | `stall=5s@60s` | at replay time 60 s the replay stops for 5 s of replay time: no frames at all |
 * | `garbage=0.001` | that fraction of frames (0 to 1) is replaced by a malformed one (seeded) |
 * | `skip-trades=3@45s` | from 45 s, the next 3 trades of every symbol are not sent (a trade-id gap) |
 * | `skip-depth=1@50s` | from 50 s, the next depth diff of every symbol is not sent (an update-id gap) |
 * | `http429=10s@20s` | from 20 s for 10 s, REST answers 429 with `Retry-After` |
 * | `http418=10s@20s` | the same with 418 (Binance's "IP banned") |
 *
 * Times are replay time: offsets from the recording's first receive time (in each pass with
 * `--loop`), written in the project's one duration grammar (`src/model/duration.ts`). Timed parts
 * (`stall`, `skip-*`, `http*`) may repeat; `drop-every` and `garbage` may appear once. A bad part is
 * a `TickflowError('CONFIG_INVALID')` quoting that part and saying what would be right.
 */
import { DURATION_FORMS, parseDuration } from '../../model/duration.js';
import { isTickflowError, TickflowError } from '../../runtime/errors.js';

/** A fault active for `durationUs` of replay time from `atUs`. */
export interface TimedWindow {
  readonly atUs: number;
  readonly durationUs: number;
}

/** A number of frames skipped from `atUs` on. */
export interface TimedSkip {
  readonly atUs: number;
  readonly count: number;
}

/** A window during which REST answers `status`. */
export interface HttpFault extends TimedWindow {
  readonly status: 429 | 418;
}

/** Every fault of one server, parsed. `NO_FAULTS` is the empty plan. */
export interface FaultPlan {
  /** Period of connection drops, µs of replay time; 0 for none. */
  readonly dropEveryUs: number;
  /** Fraction of frames replaced by malformed ones, in [0, 1]. */
  readonly garbage: number;
  readonly stalls: readonly TimedWindow[];
  readonly skipTrades: readonly TimedSkip[];
  readonly skipDepth: readonly TimedSkip[];
  readonly http: readonly HttpFault[];
}

/** A plan with no fault. */
export const NO_FAULTS: FaultPlan = { dropEveryUs: 0, garbage: 0, stalls: [], skipTrades: [], skipDepth: [], http: [] };

/** The grammar in one line, for usage text and error messages. */
export const FAULT_FORMS =
  'drop-every=<duration>, stall=<duration>@<time>, garbage=<fraction 0..1>, skip-trades=<n>@<time>, skip-depth=<n>@<time>, http429=<duration>@<time>, http418=<duration>@<time>';

const NAMES = ['drop-every', 'stall', 'garbage', 'skip-trades', 'skip-depth', 'http429', 'http418'] as const;
const FRACTION = /^(0|1|0?\.\d+|0\.|1\.0*)$/;
const COUNT = /^[1-9]\d{0,8}$/;

/**
 * Parses a fault spec (see the file comment). An empty or blank spec is `NO_FAULTS`. Throws
 * `TickflowError('CONFIG_INVALID')` with `context.part` (the offending part) and `context.spec`.
 */
export function parseFaultSpec(spec: string): FaultPlan {
  const stalls: TimedWindow[] = [];
  const skipTrades: TimedSkip[] = [];
  const skipDepth: TimedSkip[] = [];
  const http: HttpFault[] = [];
  let dropEveryUs = 0;
  let garbage = 0;
  const seen = new Set<string>();
  if (spec.trim() === '') return NO_FAULTS;
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    const fail = (why: string): never => {
      throw new TickflowError('CONFIG_INVALID', `fault "${part}": ${why}`, { part, spec });
    };
    if (part === '') fail(`empty part in "${spec}" (parts are separated by single commas: ${FAULT_FORMS})`);
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(NAMES as readonly string[]).includes(name)) fail(`unknown fault "${name}"; faults: ${FAULT_FORMS}`);
    if (value === '') fail(`needs a value: ${formOf(name)}`);
    if ((name === 'drop-every' || name === 'garbage') && seen.has(name)) fail(`${name} is given twice; give it once`);
    seen.add(name);
    switch (name) {
      case 'drop-every':
        dropEveryUs = positiveDuration(value, fail);
        break;
      case 'garbage':
        if (!FRACTION.test(value)) fail(`garbage is a fraction of frames from 0 to 1 such as 0.001, got "${value}"`);
        garbage = Number(value);
        break;
      case 'stall': {
        const [length, at] = timed(value, name, fail);
        stalls.push({ atUs: at, durationUs: positiveDuration(length, fail) });
        break;
      }
      case 'http429':
      case 'http418': {
        const [length, at] = timed(value, name, fail);
        http.push({ status: name === 'http429' ? 429 : 418, atUs: at, durationUs: positiveDuration(length, fail) });
        break;
      }
      default: {
        const [count, at] = timed(value, name, fail);
        if (!COUNT.test(count)) fail(`${name} counts frames: a whole number from 1, got "${count}" (${formOf(name)})`);
        (name === 'skip-trades' ? skipTrades : skipDepth).push({ atUs: at, count: Number(count) });
      }
    }
  }
  const byTime = (a: { atUs: number }, b: { atUs: number }) => a.atUs - b.atUs;
  return { dropEveryUs, garbage, stalls: stalls.sort(byTime), skipTrades: skipTrades.sort(byTime), skipDepth: skipDepth.sort(byTime), http: http.sort(byTime) };
}

/** True when the plan injects nothing. */
export function isNoFaults(plan: FaultPlan): boolean {
  return plan.dropEveryUs === 0 && plan.garbage === 0 && plan.stalls.length === 0 && plan.skipTrades.length === 0 && plan.skipDepth.length === 0 && plan.http.length === 0;
}

/** Splits `<what>@<time>` and parses the time (zero allowed: a fault from the first record). */
function timed(value: string, name: string, fail: (why: string) => never): [string, number] {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) fail(`needs <value>@<replay time>: ${formOf(name)}`);
  return [value.slice(0, at).trim(), duration(value.slice(at + 1).trim(), fail)];
}

function positiveDuration(text: string, fail: (why: string) => never): number {
  const us = duration(text, fail);
  if (us === 0) fail(`a duration of zero does nothing; leave the fault out instead`);
  return us;
}

function duration(text: string, fail: (why: string) => never): number {
  try {
    return parseDuration(text);
  } catch (error) {
    if (isTickflowError(error, 'CONFIG_INVALID')) return fail(`${error.message} (${DURATION_FORMS})`);
    throw error;
  }
}

function formOf(name: string): string {
  switch (name) {
    case 'drop-every':
      return 'drop-every=<duration>, e.g. drop-every=30s';
    case 'garbage':
      return 'garbage=<fraction>, e.g. garbage=0.001';
    case 'stall':
      return 'stall=<duration>@<time>, e.g. stall=5s@60s';
    case 'skip-trades':
    case 'skip-depth':
      return `${name}=<count>@<time>, e.g. ${name}=3@45s`;
    default:
      return `${name}=<duration>@<time>, e.g. ${name}=10s@20s`;
  }
}
