/**
 * The `bars` RxJS operator: bar aggregation for consumers of a record stream (a replay, the
 * actor-to-Observable bridge, a test), on the same state machine as the bars actor.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { BookTicker, Trade, TradeBar } from '../../src/model/records.js';
import { BarAggregatorSet } from './bar-aggregator-set.js';
import { parseBarSpec, type BarSpec, type BarSpecOptions } from './bar-spec.js';

/**
 * Aggregates trades (or quotes, for `1m:mid`-style specs) of any number of instruments into bars.
 * `spec` is a spec text (parsed here with `options`, eagerly, so a bad spec throws `CONFIG_INVALID`
 * when the pipeline is built, not on the first record) or an already parsed `BarSpec` (then `options`
 * are not used: they were given to `parseBarSpec`).
 *
 * The operator has no clock: time bars close on the data's own engine time, when a later record of
 * any instrument (trades and quotes alike) reaches the bar's end (plus lateness on venue time), and
 * every forming bar is flushed when the source completes. So over a finished stream it yields the
 * same bars as the bars actor; a consumer that needs a bar to close on the wall clock while the
 * market is quiet should subscribe to the bars actor instead, whose clock timers close it on time.
 *
 * Each subscription has its own state. On a source error the forming bars are discarded (they are
 * incomplete) and the error is passed on. Late and ignored records are counted inside and not
 * reported; the actor exposes those counters.
 */
export function bars(spec: string | BarSpec, options?: BarSpecOptions): OperatorFunction<Trade | BookTicker, TradeBar> {
  const parsed = typeof spec === 'string' ? parseBarSpec(spec, options) : spec;
  return (source) =>
    new Observable<TradeBar>((subscriber) => {
      const set = new BarAggregatorSet(parsed);
      return source.subscribe({
        next(record) {
          const closed = set.onRecord(record);
          for (let i = 0; i < closed.length; i++) subscriber.next(closed[i] as TradeBar);
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          const closed = set.flush();
          for (let i = 0; i < closed.length; i++) subscriber.next(closed[i] as TradeBar);
          subscriber.complete();
        },
      });
    });
}
