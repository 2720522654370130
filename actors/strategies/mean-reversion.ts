/**
 * `mean-reversion`: trades against moves beyond k standard deviations of the rolling mean.
 */
import { z } from 'zod';
import { RollingStdDev } from '../indicators/rolling-std-dev.js';
import { SMA } from '../indicators/sma.js';
import { defineStrategy } from './define-strategy.js';

/** Parameters of `mean-reversion`. */
export const MeanReversionParams = z.object({
  period: z.number().int().min(2).default(20).describe('bars in the rolling window'),
  k: z.number().positive().default(2).describe('entry distance from the mean, in standard deviations'),
  size: z.number().positive().default(1).describe('target size in base units'),
});

/**
 * Mean reversion on closed bars. Per instrument, each close `c` updates `mean = SMA(period)` and
 * `sd = RollingStdDev(period)` (population) over the last `period` closes, `c` included. Once both
 * have values (after `period` bars), in this order:
 *
 * - `c > mean + k·sd` → target `-size` (enter short against the rise);
 * - `c < mean − k·sd` → target `+size` (enter long against the fall);
 * - otherwise, holding short and `c <= mean`, or holding long and `c >= mean` → target 0 (exit: the
 *   price is back at the mean or crossed it);
 * - otherwise unchanged.
 *
 * Entries come first, so a close beyond the opposite band flips the position directly. "Holding" is
 * the last published target (`api.currentTarget`), which a restart keeps: a restarted instance
 * still exits a position entered before it failed. A flat window (`sd = 0`) never enters. Each
 * change of target is one signal; nothing is emitted before warm-up ends.
 *
 * Reconfigure: `k` and `size` change at once; `period` sizes the windows (`initParams`), so a change
 * of it is refused and needs a restart.
 */
export const meanReversion = defineStrategy({
  name: 'mean-reversion',
  description: 'enters against a close beyond k rolling standard deviations of the mean, exits at the mean',
  params: MeanReversionParams,
  initParams: ['period'],
  // The SMA and the standard deviation have values after `period` closes.
  warmUp: (p) => p.period,
  init: (p) => ({ mean: new SMA(p.period), sd: new RollingStdDev(p.period) }),
  onBar(s, bar, api) {
    const c = bar.close;
    const mean = s.mean.update(c);
    const sd = s.sd.update(c);
    if (mean === undefined || sd === undefined) return;
    const { k, size } = api.params;
    const held = api.currentTarget(bar.symbol);
    if (c > mean + k * sd) api.target(bar.symbol, -size);
    else if (c < mean - k * sd) api.target(bar.symbol, size);
    else if ((held < 0 && c <= mean) || (held > 0 && c >= mean)) api.target(bar.symbol, 0);
  },
});
