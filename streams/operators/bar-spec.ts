/**
 * Bar specifications: the text a user writes (`--bar 1m`, `100t`, `10v`, `1m:mid`) parsed once, at
 * the edge, into a `BarSpec` value the aggregator trusts. Every unit is integer microseconds, like
 * engine time.
 */
import { TickflowError } from '../../src/runtime/errors.js';

/**
 * What closes a bar: the end of a clock interval (`time`), every N trades (`tick`), a cumulative
 * volume threshold (`volume`), or the end of a clock interval over quotes (`quote`).
 */
export type BarKind = 'time' | 'tick' | 'volume' | 'quote';

/** Which price of a `book_ticker` a quote bar follows. `mid` is `(bidPrice + askPrice) / 2`. */
export type QuoteSource = 'mid' | 'bid' | 'ask';

/**
 * Which timestamp places a record in a time bar. `engine` (the default) is `tsRecv`, the time the
 * engine acts on (DESIGN.md, Data model). `venue` is `ts`, the venue's event time; since venue times
 * arrive out of order, a venue-time bar waits `lateness` of engine time past its end before closing.
 */
export type TimeBase = 'engine' | 'venue';

/**
 * Options beside the spec text. `lateness` applies to venue time only: a duration string (`500ms`,
 * `2s`) or a number of microseconds. A non-zero lateness on engine time, or venue time on tick or
 * volume bars (which have no interval to wait for), is a configuration error rather than a silent
 * no-op.
 */
export interface BarSpecOptions {
  readonly timeBase?: TimeBase;
  readonly lateness?: string | number;
}

/**
 * A parsed bar specification. Every field is always present (unused ones are 0 or null) so specs
 * share one shape. `text` is the spec as written, trimmed; it becomes the bars' `interval` field.
 */
export interface BarSpec {
  readonly text: string;
  readonly kind: BarKind;
  /** Interval length in µs for `time` and `quote` bars; 0 otherwise. */
  readonly intervalUs: number;
  /** Trades per bar for `tick` bars; 0 otherwise. */
  readonly tickCount: number;
  /** Volume at or above which a `volume` bar closes; 0 otherwise. */
  readonly volumeThreshold: number;
  /** The quote price followed by `quote` bars; null otherwise. */
  readonly quoteSource: QuoteSource | null;
  readonly timeBase: TimeBase;
  /** Engine time a venue-time bar waits past its end before closing, in µs; 0 on engine time. */
  readonly latenessUs: number;
}

const UNIT_US: Readonly<Record<string, number>> = {
  us: 1,
  ms: 1_000,
  s: 1_000_000,
  m: 60_000_000,
  h: 3_600_000_000,
  d: 86_400_000_000,
};

const TIME_SPEC = /^(\d+)(ms|s|m|h|d)(?::(mid|bid|ask))?$/;
const TICK_SPEC = /^(\d+)t$/;
const VOLUME_SPEC = /^(\d+(?:\.\d+)?|\.\d+)v$/;
const DURATION = /^(\d+)(us|ms|s|m|h|d)$/;

/** The valid forms, listed in every spec error so the user can fix the text without the docs. */
export const BAR_SPEC_FORMS =
  '<N>ms|s|m|h|d for time bars (1s, 5s, 1m, 15m, 1h, 1d), <N>t for tick bars (100t: every 100 trades), ' +
  '<X>v for volume bars (10v: close when volume reaches 10), <time>:mid|bid|ask for quote bars from ' +
  'book tickers (1m:mid)';

/**
 * Parses a bar spec such as `1m`, `100t`, `10v` or `1m:mid`, with optional venue time and lateness.
 * Throws `TickflowError('CONFIG_INVALID')` naming the text and listing the valid forms when the text
 * or the options are not valid; the context carries `spec` (and `option` when an option is at fault).
 */
export function parseBarSpec(text: string, options: BarSpecOptions = {}): BarSpec {
  const spec = text.trim();
  const timeBase = options.timeBase ?? 'engine';
  if (timeBase !== 'engine' && timeBase !== 'venue') {
    throw optionError(spec, 'timeBase', `timeBase must be 'engine' or 'venue', got ${JSON.stringify(timeBase)}`);
  }
  const latenessUs = parseLateness(spec, options.lateness);
  if (timeBase === 'engine' && latenessUs !== 0) {
    throw optionError(spec, 'lateness', 'lateness applies to venue time only (timeBase: venue); engine time is never late');
  }

  const time = TIME_SPEC.exec(spec);
  if (time !== null) {
    const intervalUs = Number(time[1]) * (UNIT_US[time[2] ?? ''] ?? 0);
    if (!(intervalUs > 0) || !Number.isSafeInteger(intervalUs)) throw specError(spec, 'the interval must be positive');
    const quoteSource = (time[3] ?? null) as QuoteSource | null;
    return makeSpec(spec, quoteSource === null ? 'time' : 'quote', intervalUs, 0, 0, quoteSource, timeBase, latenessUs);
  }

  const tick = TICK_SPEC.exec(spec);
  const volume = tick === null ? VOLUME_SPEC.exec(spec) : null;
  if (tick === null && volume === null) throw specError(spec, 'unrecognised form');
  if (timeBase === 'venue') {
    throw optionError(spec, 'timeBase', 'venue time applies to time and quote bars only; tick and volume bars have no interval');
  }
  if (tick !== null) {
    const count = Number(tick[1]);
    if (!(count > 0) || !Number.isSafeInteger(count)) throw specError(spec, 'the trade count must be a positive integer');
    return makeSpec(spec, 'tick', 0, count, 0, null, timeBase, 0);
  }
  const threshold = Number(volume?.[1]);
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw specError(spec, 'the volume must be positive');
  return makeSpec(spec, 'volume', 0, 0, threshold, null, timeBase, 0);
}

/**
 * Parses a duration such as `0`, `250ms`, `2s` or `1m` into integer microseconds (units `us`, `ms`,
 * `s`, `m`, `h`, `d`). Returns undefined when the text is not a duration; callers own the error.
 */
export function parseDurationUs(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const match = DURATION.exec(trimmed);
  if (match === null) return undefined;
  const us = Number(match[1]) * (UNIT_US[match[2] ?? ''] ?? 0);
  return Number.isSafeInteger(us) ? us : undefined;
}

function parseLateness(spec: string, lateness: string | number | undefined): number {
  if (lateness === undefined) return 0;
  if (typeof lateness === 'number') {
    if (Number.isSafeInteger(lateness) && lateness >= 0) return lateness;
    throw optionError(spec, 'lateness', `lateness in microseconds must be a non-negative integer, got ${lateness}`);
  }
  const us = parseDurationUs(lateness);
  if (us === undefined) {
    throw optionError(spec, 'lateness', `lateness ${JSON.stringify(lateness)} is not a duration (e.g. 0, 500ms, 2s, 1m)`);
  }
  return us;
}

// One object literal, fields in one order, so every spec has the same hidden class.
function makeSpec(
  text: string,
  kind: BarKind,
  intervalUs: number,
  tickCount: number,
  volumeThreshold: number,
  quoteSource: QuoteSource | null,
  timeBase: TimeBase,
  latenessUs: number,
): BarSpec {
  return Object.freeze({ text, kind, intervalUs, tickCount, volumeThreshold, quoteSource, timeBase, latenessUs });
}

function specError(spec: string, reason: string): TickflowError {
  return new TickflowError(
    'CONFIG_INVALID',
    `invalid bar spec ${JSON.stringify(spec)} (${reason}); valid forms: ${BAR_SPEC_FORMS}`,
    { spec },
  );
}

function optionError(spec: string, option: string, reason: string): TickflowError {
  return new TickflowError('CONFIG_INVALID', `invalid bar spec ${JSON.stringify(spec)}: ${reason}`, { spec, option });
}
