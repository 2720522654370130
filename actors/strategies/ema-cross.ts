/**
 * `ema-cross`: the momentum strategy of issue 4.
 */
import { z } from 'zod';
import { EMA } from '../indicators/ema.js';
import { defineStrategy } from './define-strategy.js';

/** Parameters of `ema-cross`. */
export const EmaCrossParams = z
  .object({
    fast: z.number().int().positive().default(10).describe('period of the fast EMA'),
    slow: z.number().int().positive().default(30).describe('period of the slow EMA'),
    size: z.number().positive().default(1).describe('target size in base units'),
    seed: z.enum(['sma', 'first']).default('sma').describe('EMA seeding'),
    longOnly: z.boolean().default(false).describe('target 0 instead of -size while fast < slow'),
  })
  .refine((p) => p.fast < p.slow, { message: 'fast must be less than slow', path: ['fast'] });

/**
 * EMA crossover on closed bars. Per instrument, each bar's close updates `EMA(fast)` and
 * `EMA(slow)` (with `seed`). Once both have values (after `slow` bars), the target is `+size` while
 * fast > slow, `-size` (or 0 when `longOnly`) while fast < slow, and unchanged when they are equal.
 *
 * Signals: each change of target is one signal; the instrument starts at target 0, so the first
 * target set after warm-up counts as one when it is `±size`. When it is 0 (`longOnly` with
 * fast < slow at warm-up) the target has not changed and there is no signal: the first signal is
 * then the first cross upward. Nothing is emitted before warm-up ends.
 *
 * Restart: targets are kept, indicators re-warm (see `defineStrategy`).
 *
 * Reconfigure: `size` and `longOnly` are read at every bar and change at once; `fast`, `slow` and
 * `seed` build the EMAs (`initParams`), so a change of them is refused and needs a restart.
 */
export const emaCross = defineStrategy({
  name: 'ema-cross',
  description: 'EMA crossover on closed bars: long while fast > slow, short (or flat) while fast < slow',
  params: EmaCrossParams,
  initParams: ['fast', 'slow', 'seed'],
  // Both EMAs have a value after `period` closes, with either seed.
  warmUp: (p) => Math.max(p.fast, p.slow),
  init: (p) => ({ fast: new EMA(p.fast, { seed: p.seed }), slow: new EMA(p.slow, { seed: p.seed }) }),
  onBar(s, bar, api) {
    const fast = s.fast.update(bar.close);
    const slow = s.slow.update(bar.close);
    if (fast === undefined || slow === undefined) return;
    const { size, longOnly } = api.params;
    if (fast > slow) api.target(bar.symbol, size);
    else if (fast < slow) api.target(bar.symbol, longOnly ? 0 : -size);
  },
});
