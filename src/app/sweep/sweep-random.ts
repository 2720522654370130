/**
 * Seeded random search: `n` distinct combinations of the grid drawn at random, the same ones for the
 * same axes, `n` and seed on every machine (`createRandom`, sfc32). Each draw picks one value per
 * axis uniformly, so every combination is equally likely however large the product; a combination
 * drawn twice is drawn again. Asking for as many as the grid holds, or more, gives the whole grid.
 */
import { createRandom } from '../../runtime/random.js';
import { combinationCount, type ParamAxis } from './sweep-grid.js';

/** Most combinations a random search may ask for. */
export const MAX_RANDOM = 100_000;

/**
 * Indices (`combinationAt`) of `n` distinct combinations of `axes`, in the order drawn; every index
 * in ascending order when `n` reaches the grid's size.
 */
export function sampleCombinations(axes: readonly ParamAxis[], n: number, seed: number): number[] {
  const total = combinationCount(axes);
  if (n >= total) return Array.from({ length: total }, (_, i) => i);
  const random = createRandom(seed).fork('sweep');
  const seen = new Set<number>();
  const drawn: number[] = [];
  while (drawn.length < n) {
    let index = 0;
    for (const axis of axes) index = index * axis.values.length + random.int(axis.values.length);
    if (seen.has(index)) continue;
    seen.add(index);
    drawn.push(index);
  }
  return drawn;
}
