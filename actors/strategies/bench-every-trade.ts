/**
 * `bench-every-trade`: the strategy of the core-path benchmark.
 */
import { z } from 'zod';
import { defineStrategy } from './define-strategy.js';

/** Parameters of `bench-every-trade`. */
export const BenchEveryTradeParams = z.object({
  size: z.number().positive().default(1).describe('target size in base units'),
});

/**
 * Decides on every trade, so every record of the core-path benchmark yields an order decision:
 * per instrument, the target flips to `-size` when the current target is positive, else to
 * `+size` (the first trade sets `+size`). Every trade is therefore one signal. Not a trading idea:
 * it exists to load the path from feed to execution. Holds no state of its own.
 */
export const benchEveryTrade = defineStrategy({
  name: 'bench-every-trade',
  description: 'benchmark only: flips the target between +size and -size on every trade',
  internal: true, // the benches and tests name it; users are never offered it
  params: BenchEveryTradeParams,
  initParams: [], // `size` is read at every trade: a reconfigure changes it at once
  init: () => null,
  onTrade(_s, trade, api) {
    const size = api.params.size;
    api.target(trade.symbol, api.currentTarget(trade.symbol) > 0 ? -size : size);
  },
});
