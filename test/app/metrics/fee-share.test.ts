import { describe, expect, it } from 'vitest';
import { feeShare } from '../../../src/app/metrics/fee-share.js';

describe('feeShare', () => {
  it('is fees over the PnL before fees', () => {
    // made 40 before costs, paid 10: a quarter of it
    expect(feeShare(10n, 40n)).toBe(0.25);
    // fees larger than what was made: 12 / 4 = 3 (the run lost money after costs)
    expect(feeShare(12n, 4n)).toBe(3);
  });

  it('is null when nothing was made before fees', () => {
    expect(feeShare(10n, 0n)).toBeNull();
    expect(feeShare(10n, -5n)).toBeNull();
  });
});
