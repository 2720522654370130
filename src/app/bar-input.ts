/**
 * What a backtest does with the bar spec when its input is bars (a bar file, klines) rather than
 * the trades or quotes bars are built from. Decided once, from the pre-scan, before anything runs:
 *
 * - the spec is the bars' own interval: the bars go to the strategy as they are (`as-is`);
 * - the spec is a time spec and a whole multiple of the bars' interval, and the bars start on
 *   their own grid: they are resampled into it by the bars actor (`resampled`: exact OHLCV,
 *   aligned to the spec's boundaries, see `BarResampler`);
 * - anything else is refused (`CLI_USAGE`, exit 64) naming what would work: a finer spec (bars
 *   cannot be split), one that is not a multiple (`--bar 90s` on 1m bars), a tick, volume or quote
 *   spec (those are built from trades or quotes, which the input lacks), venue time, or bars off
 *   their grid (they would straddle the new boundaries).
 *
 * One exception keeps bar files usable without `--bar`: the config's default spec (`1m`) finer
 * than the file's bars (a daily file) uses the bars as they are and says so. The engine cannot
 * tell that default from an explicit `--bar 1m`, which is therefore taken the same way.
 */
import type { TradeBar } from '../model/records.js';
import { TickflowError } from '../runtime/errors.js';
import type { BarSpec } from '../../streams/operators/bar-spec.js';
import { formatDurationUs } from '../../streams/text/time.js';

/** The config's default bar spec (`bars.spec` in `config.ts`). */
export const DEFAULT_BAR_SPEC = '1m';

/** What the pre-scan saw of an input's bars: per interval (µs), how many, and how many off its grid. */
export class BarShapes {
  private readonly byInterval = new Map<number, { bars: number; offGrid: number }>();

  /** Notes one bar of the input. */
  observe(bar: TradeBar): void {
    const interval = bar.closeTs - bar.openTs;
    let shape = this.byInterval.get(interval);
    if (shape === undefined) {
      shape = { bars: 0, offGrid: 0 };
      this.byInterval.set(interval, shape);
    }
    shape.bars++;
    if (interval > 0 && bar.openTs % interval !== 0) shape.offGrid++;
  }

  /** The intervals seen, shortest first. */
  get intervals(): number[] {
    return [...this.byInterval.keys()].sort((a, b) => a - b);
  }

  /** Bars seen that do not start on a multiple of their own interval. */
  get offGrid(): number {
    let n = 0;
    for (const s of this.byInterval.values()) n += s.offGrid;
    return n;
  }
}

/** The decision (see the module comment). `spec` is the spec in effect: the bars' own for `as-is`. */
export type BarInput =
  | { readonly mode: 'built'; readonly spec: string }
  | { readonly mode: 'as-is'; readonly spec: string; readonly source: string; readonly defaultSpecFiner: boolean }
  | { readonly mode: 'resampled'; readonly spec: string; readonly source: string };

/**
 * Decides what the run does with its bars. `barsOnly`: the input holds bars and nothing else;
 * otherwise bars are built from its records (`built`). Throws `CLI_USAGE` for a refused spec.
 */
export function decideBarInput(spec: BarSpec, barsOnly: boolean, shapes: BarShapes): BarInput {
  const intervals = shapes.intervals;
  if (!barsOnly || intervals.length === 0) return { mode: 'built', spec: spec.text };
  const source = intervals.map(formatDurationUs).join(', ');
  const coarsest = intervals[intervals.length - 1]!;
  const refuse = (why: string, instead: string): never => {
    throw new TickflowError('CLI_USAGE', `--bar ${spec.text} cannot be applied to this input's ${source} bars: ${why}; ${instead}`, { spec: spec.text, source });
  };
  const multiples = `give --bar ${source} (the bars as they are) or a multiple such as ${suggestions(coarsest)}`;
  if (spec.kind === 'time' && spec.timeBase === 'engine' && intervals.every((d) => d === spec.intervalUs)) {
    return { mode: 'as-is', spec: spec.text, source, defaultSpecFiner: false };
  }
  if (spec.text === DEFAULT_BAR_SPEC && intervals.length === 1 && coarsest > spec.intervalUs) {
    return { mode: 'as-is', spec: source, source, defaultSpecFiner: true };
  }
  if (spec.kind !== 'time') refuse(`${spec.kind} bars are built from ${spec.kind === 'quote' ? 'quotes' : 'trades'}, and the input holds bars only`, multiples);
  if (spec.timeBase !== 'engine') refuse('bars from bars are resampled on engine time only (bars.timeBase: venue)', 'set bars.timeBase to engine');
  if (intervals.some((d) => d > spec.intervalUs)) refuse('it is finer than the bars, which cannot be split', multiples);
  if (intervals.some((d) => d <= 0 || spec.intervalUs % d !== 0)) refuse(`it is not a whole multiple of ${source}, so bars would straddle its boundaries`, multiples);
  if (shapes.offGrid > 0) refuse(`${shapes.offGrid} of the bars read do not start on a multiple of their own interval, so they would straddle its boundaries`, `give --bar ${source} (the bars as they are)`);
  return { mode: 'resampled', spec: spec.text, source };
}

/** Three coarser specs that `interval` divides, for the refusal's hint. */
function suggestions(interval: number): string {
  const out: string[] = [];
  for (const factor of [5, 15, 60, 240, 1440, 7]) {
    const text = formatDurationUs(interval * factor);
    if (!text.endsWith('us') && !out.includes(text)) out.push(text);
    if (out.length === 3) break;
  }
  return out.join(', ');
}

/** The summary's row about bars from the input, or undefined when bars were built from records. */
export function barInputRow(input: BarInput, fileBars: number, resampled: number): [string, string] | undefined {
  switch (input.mode) {
    case 'built':
      return undefined;
    case 'as-is':
      return [
        'bar input',
        input.defaultSpecFiner
          ? `${fileBars.toLocaleString('en-US')} ${input.source} bars from the input, used as they are (the default bar spec ${DEFAULT_BAR_SPEC} is finer, and bars cannot be split; --bar with a multiple of ${input.source} resamples them)`
          : `${fileBars.toLocaleString('en-US')} ${input.source} bars from the input, used as they are`,
      ];
    case 'resampled':
      return ['bar input', `${fileBars.toLocaleString('en-US')} ${input.source} bars from the input resampled to ${resampled.toLocaleString('en-US')} ${input.spec} bars (exact OHLCV, aligned to ${input.spec} boundaries)`];
  }
}
