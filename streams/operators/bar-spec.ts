/**
 * Bar specifications: the text a user writes (`--bar 1m`, `100t`, `10v`, `1m:mid`) parsed once, at
 * the edge, into a `BarSpec` value the aggregator trusts. Every unit is integer microseconds, like
 * engine time.
 */
import { parseDuration } from '../../src/model/duration.js';
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
 * Options beside the spec text. The lateness applies to venue time only: `lateness` as a duration
 * (`500ms`, `2s`, `0s`; the one grammar of `src/model/duration.ts`) or `latenessUs` as integer
 * microseconds, not both. A non-zero lateness on engine time, or venue time on tick or volume bars
 * (which have no interval to wait for), is a configuration error rather than a silent no-op.
 */
export interface BarSpecOptions {
  readonly timeBase?: TimeBase;
  readonly lateness?: string;
  readonly latenessUs?: number;
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

const TICK_SPEC = /^(\d+)t$/;
const VOLUME_SPEC = /^(\d+(?:\.\d+)?|\.\d+)v$/;
const QUOTE_SOURCES: readonly string[] = ['mid', 'bid', 'ask'];

/** The valid forms, listed in every spec error so the user can fix the text without the docs. */
export const BAR_SPEC_FORMS =
  'a duration for time bars (1s, 5s, 1m, 15m, 1h, 1d, 1m30s; units d, h, m, s, ms, us), <N>t for tick bars (100t: every 100 trades), ' +
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
  const latenessUs = parseLateness(spec, options);
  if (timeBase === 'engine' && latenessUs !== 0) {
    throw optionError(spec, 'lateness', 'lateness applies to venue time only (timeBase: venue); engine time is never late');
  }

  const tick = TICK_SPEC.exec(spec);
  const volume = tick === null ? VOLUME_SPEC.exec(spec) : null;
  if (tick === null && volume === null) {
    // A time bar: `<duration>` or `<duration>:<source>`, the duration in the project's one grammar.
    const colon = spec.indexOf(':');
    const head = colon < 0 ? spec : spec.slice(0, colon);
    const source = colon < 0 ? null : spec.slice(colon + 1);
    if (/\s/.test(spec) || (source !== null && !QUOTE_SOURCES.includes(source))) throw specError(spec, 'unrecognised form');
    let intervalUs: number;
    try {
      intervalUs = parseDuration(head);
    } catch (error) {
      throw specError(spec, (error as Error).message);
    }
    if (intervalUs === 0) throw specError(spec, 'the interval must be positive');
    const quoteSource = source as QuoteSource | null;
    return makeSpec(spec, quoteSource === null ? 'time' : 'quote', intervalUs, 0, 0, quoteSource, timeBase, latenessUs);
  }
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

function parseLateness(spec: string, options: BarSpecOptions): number {
  const { lateness, latenessUs } = options;
  if (lateness !== undefined && latenessUs !== undefined) throw optionError(spec, 'lateness', 'give lateness (a duration) or latenessUs (microseconds), not both');
  if (latenessUs !== undefined) {
    if (Number.isSafeInteger(latenessUs) && latenessUs >= 0) return latenessUs;
    throw optionError(spec, 'latenessUs', `latenessUs must be a non-negative integer of microseconds, got ${latenessUs}`);
  }
  if (lateness === undefined) return 0;
  try {
    return parseDuration(lateness);
  } catch (error) {
    throw optionError(spec, 'lateness', `lateness: ${(error as Error).message}`);
  }
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
