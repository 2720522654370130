import { describe, expect, it } from 'vitest';
import { exposure } from '../../../src/app/metrics/exposure.js';
import { A, B, fill } from './metrics-fixtures.js';

describe('exposure', () => {
  it('is the share of the run with a position open, overall and per instrument', () => {
    // Run [0, 100]. A open 10..30 (20), B open 20..50 (30); any open 10..50 (40).
    const e = exposure([fill(A, 'buy', '1', '1', '0', 10), fill(B, 'sell', '2', '1', '0', 20), fill(A, 'sell', '1', '1', '0', 30), fill(B, 'buy', '2', '1', '0', 50)], 0, 100);
    expect(e.total).toBe(0.4);
    expect([...e.byKey]).toEqual([
      ['x:A', 0.2],
      ['x:B', 0.3],
    ]);
  });

  it('counts a position still open at the end until the end, and a flip as staying in the market', () => {
    // A: long 10, flipped short at 20, flat at 40 (30), long again at 80 until the end 100 (20): 50.
    const e = exposure([fill(A, 'buy', '1', '1', '0', 10), fill(A, 'sell', '2', '1', '0', 20), fill(A, 'buy', '1', '1', '0', 40), fill(A, 'buy', '1', '1', '0', 80)], 0, 100);
    expect(e.total).toBe(0.5);
    expect(e.byKey.get('x:A')).toBe(0.5);
  });

  it('is 0 with no fills, and null for a run with no length', () => {
    expect(exposure([], 0, 100).total).toBe(0);
    expect(exposure([], 5, 5).total).toBeNull();
  });
});
