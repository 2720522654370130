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
 * which reach strategies directly). Across a restart the forming bars are lost: they are rebuilt
 * from the next interval on.
 */
import { topicOf, type MarketRecord, type TradeBar } from '../../src/model/records.js';
import { defineActor, type ActorContext } from '../../src/runtime/actor.js';
import { z } from 'zod';
import { createBarAggregatorSet, type BarAggregatorSet } from '../../streams/operators/bar-aggregator-set.js';
import { NO_DEADLINE } from '../../streams/operators/bar-aggregator.js';
import { parseBarSpec } from '../../streams/operators/bar-spec.js';
import { parseDuration } from '../../src/model/duration.js';

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
}
export type BarsMessage = MarketRecord | BarsTick | BarsFlush | BarsStatsQuery;

interface BarsState {
  readonly set: BarAggregatorSet;
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
    return { set: createBarAggregatorSet(spec), prefix: config.prefix, graceUs: parseDuration(config.grace), armed: NO_DEADLINE };
  },
  onStart: (state, ctx) => {
    // Trades and quotes only: the records bars are built from and the ones that close them (a time
    // bar closes at the first trade or quote received after its end). Bars, depth diffs and
    // snapshots are ignored here, so they are not delivered at all.
    for (const type of BUILT_FROM) ctx.subscribe(typeTopic(state.prefix, type));
    return state;
  },
  receive: (state, message, ctx) => {
    switch (message.type) {
      case 'trade':
      case 'book_ticker':
        publishAll(state.set.onRecord(message), ctx);
        break;
      case 'bars_tick':
        state.armed = NO_DEADLINE;
        publishAll(state.set.onTime(ctx.clock.now() - state.graceUs), ctx);
        break;
      case 'bars_flush': {
        const bars = state.set.flush();
        publishAll(bars, ctx);
        ctx.reply(bars.length);
        break;
      }
      case 'bars_stats':
        ctx.reply({ emitted: state.set.emitted, late: state.set.late, carried: state.set.carried } satisfies BarsStats);
        return state;
      default:
        return state; // trade_bar, book_change, depth_snapshot: not ours to build from
    }
    const deadline = state.set.nextDeadline();
    if (deadline !== state.armed) {
      state.armed = deadline;
      if (deadline === NO_DEADLINE) ctx.clock.cancelTimer('close');
      else ctx.clock.startTimerAt('close', deadline + state.graceUs, TICK);
    }
    return state;
  },
});

const BUILT_FROM = ['trade', 'book_ticker'] as const;

/** The pattern for records of `type` under `prefix` (`md` → `md.*.*.trade`; a whole topic is kept). */
function typeTopic(prefix: string, type: string): string {
  const segments = prefix === '' ? [] : prefix.split('.');
  if (segments.length >= 4) return prefix;
  while (segments.length < 3) segments.push('*');
  return `${segments.join('.')}.${type}`;
}

function publishAll(bars: readonly TradeBar[], ctx: ActorContext<BarsMessage>): void {
  for (let i = 0; i < bars.length; i++) ctx.publish(topicOf(bars[i]!), bars[i]);
}
