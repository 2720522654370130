/**
 * The bars actor: builds bars from the trades (or quotes, for `:mid`/`:bid`/`:ask` specs) it
 * receives on the bus and publishes each closed bar on `md.<exchange>.<symbol>.trade_bar`.
 * Time bars close on record time: the first record (of any symbol or type) whose `tsRecv` is at or
 * past a bar's end closes it, so a bar holds exactly the records received in its interval, live or
 * replayed. In a quiet market the clock closes it instead, `grace` after its end (a timer from
 * `ctx.clock` at the earliest deadline over all symbols plus `grace`). Live, records reach this
 * actor a little after they were stamped; the grace is what they may lag by and still land in
 * their own bar, and so what makes a live run and the replay of its recording build the same bars
 * (a record later than that is carried into the next bar and counted in `carried`). Replay fires
 * the timer only when no record came between the bar's end and end + grace, which is exactly when
 * the live timer would have fired first. `flush` closes the forming bars at the end of input (and
 * replies the number flushed, so a driver can ask for it).
 *
 * It ignores records it does not build from, including `trade_bar`s (its own, or from bar files,
 * which reach strategies directly), unless it is told to build `from: 'bars'`: for an input of bars
 * alone whose bars are finer than the spec (1-minute bars, `--bar 1h`), it then resamples every bar
 * of another interval into the spec's time bars (`BarResampler`: exact OHLCV, aligned to the spec's
 * boundaries), closed as the last source bar of a bucket arrives, a later one does, the clock passes
 * its end plus the grace, or at `flush`. Across a restart the forming bars are lost: they are
 * rebuilt from the next interval on.
 */
import { recordTypeTopic, topicOf, type MarketRecord, type TradeBar } from '../../src/model/records.js';
import { defineActor, type ActorContext } from '../../src/runtime/actor.js';
import { z } from 'zod';
import { createBarAggregatorSet, type BarAggregatorSet } from '../../streams/operators/bar-aggregator-set.js';
import { NO_DEADLINE } from '../../streams/operators/bar-aggregator.js';
import { BarResampler } from '../../streams/operators/bar-resampler.js';
import { parseBarSpec } from '../../streams/operators/bar-spec.js';
import { parseDuration } from '../../src/model/duration.js';
import { TickflowError } from '../../src/runtime/errors.js';

/**
 * The default grace: far above the live path's lag (tens of microseconds; a garbage-collector pause
 * or a slow turn is milliseconds), and short enough that a quiet market's bar is still prompt.
 */
export const DEFAULT_BAR_GRACE = '250ms';

/** Config of the bars actor. */
export const BarsConfig = z.object({
  /** Bar spec: `1s`, `1m`, `100t`, `10v`, `1m:mid`, ... */
  spec: z.string(),
  timeBase: z.enum(['engine', 'venue']).default('engine'),
  /** Allowed lateness for venue-time bars (`500ms`, `2s`). */
  lateness: z.string().optional(),
  /** Topic prefix to build from (default every market-data topic). */
  prefix: z.string().default('md'),
  /** How long after its end the clock closes a time bar no record has closed (`250ms`, `0s`). */
  grace: z.string().default(DEFAULT_BAR_GRACE),
  /**
   * What bars are built from: `records` (trades, or quotes for quote specs) or `bars` (the bars of
   * a bar file, resampled into the spec, which must then be a time spec: see the module comment).
   */
  from: z.enum(['records', 'bars']).default('records'),
});
export type BarsConfig = z.input<typeof BarsConfig>;

/** Timer message: a bar deadline passed. */
export interface BarsTick {
  readonly type: 'bars_tick';
}
/** Closes every forming bar (end of input); replies with the number of bars flushed. */
export interface BarsFlush {
  readonly type: 'bars_flush';
}
/** Asks for counters; replies `BarsStats`. */
export interface BarsStatsQuery {
  readonly type: 'bars_stats';
}
export interface BarsStats {
  readonly emitted: number;
  readonly late: number;
  readonly carried: number;
  /** With `from: 'bars'`: source bars that ended past their bucket, so could not be resampled exactly. */
  readonly straddling: number;
}
export type BarsMessage = MarketRecord | BarsTick | BarsFlush | BarsStatsQuery;

interface BarsState {
  readonly set: BarAggregatorSet;
  /** With `from: 'bars'`: the resampler of the input's bars; null otherwise. */
  readonly resampler: BarResampler | null;
  readonly prefix: string;
  readonly graceUs: number;
  armed: number;
}


const TICK: BarsTick = { type: 'bars_tick' };

/** The bars actor definition. */
export const barsActor = defineActor<z.output<typeof BarsConfig>, BarsState, BarsMessage>({
  name: 'bars',
  config: BarsConfig,
  init: (config) => {
    const spec = parseBarSpec(config.spec, config.lateness === undefined ? { timeBase: config.timeBase } : { timeBase: config.timeBase, lateness: config.lateness });
    if (config.from === 'bars' && spec.kind !== 'time') {
      throw new TickflowError('CONFIG_INVALID', `bars resampled from bars need a time spec (1m, 1h, ...), got ${JSON.stringify(config.spec)}`, { spec: config.spec });
    }
    const resampler = config.from === 'bars' ? new BarResampler(spec) : null;
    return { set: createBarAggregatorSet(spec), resampler, prefix: config.prefix, graceUs: parseDuration(config.grace), armed: NO_DEADLINE };
  },
  onStart: (state, ctx) => {
    // Trades and quotes only: the records bars are built from and the ones that close them (a time
    // bar closes at the first trade or quote received after its end). Bars, depth diffs and
    // snapshots are ignored here, so they are not delivered at all.
    for (const type of BUILT_FROM) ctx.subscribe(recordTypeTopic(state.prefix, type));
    if (state.resampler !== null) ctx.subscribe(recordTypeTopic(state.prefix, 'trade_bar'));
    return state;
  },
  receive: (state, message, ctx) => {
    switch (message.type) {
      case 'trade':
      case 'book_ticker':
        publishAll(state.set.onRecord(message), ctx);
        break;
      case 'trade_bar':
        // Its own bars come back on the same topics: only bars of another interval are resampled.
        if (state.resampler === null || message.interval === state.resampler.spec.text) return state;
        publishAll(state.resampler.onBar(message), ctx);
        break;
      case 'bars_tick':
        state.armed = NO_DEADLINE;
        publishAll(state.set.onTime(ctx.clock.now() - state.graceUs), ctx);
        if (state.resampler !== null) publishAll(state.resampler.onTime(ctx.clock.now() - state.graceUs), ctx);
        break;
      case 'bars_flush': {
        const bars = state.set.flush();
        publishAll(bars, ctx);
        const resampled = state.resampler === null ? [] : state.resampler.flush();
        publishAll(resampled, ctx);
        ctx.reply(bars.length + resampled.length);
        break;
      }
      case 'bars_stats': {
        const r = state.resampler;
        ctx.reply({ emitted: state.set.emitted + (r === null ? 0 : r.emitted), late: state.set.late, carried: state.set.carried, straddling: r === null ? 0 : r.straddling } satisfies BarsStats);
        return state;
      }
      default:
        return state; // book_change, depth_snapshot: not ours to build from
    }
    const fromBars = state.resampler === null ? NO_DEADLINE : state.resampler.nextDeadline();
    const fromRecords = state.set.nextDeadline();
    const deadline = fromBars < fromRecords ? fromBars : fromRecords;
    if (deadline !== state.armed) {
      state.armed = deadline;
      if (deadline === NO_DEADLINE) ctx.clock.cancelTimer('close');
      else ctx.clock.startTimerAt('close', deadline + state.graceUs, TICK);
    }
    return state;
  },
});

const BUILT_FROM = ['trade', 'book_ticker'] as const;

function publishAll(bars: readonly TradeBar[], ctx: ActorContext<BarsMessage>): void {
  for (let i = 0; i < bars.length; i++) ctx.publish(topicOf(bars[i]!), bars[i]);
}
