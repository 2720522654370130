import { describe, expect, it } from 'vitest';
import { batchStart, parseCursor } from '../../../src/io/redis/redis-cursor.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { trade } from './wal-fixtures.js';

const batch = (...seqs: number[]) => seqs.map((seq) => trade(seq, 1));

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('batchStart', () => {
  it('starts at the first entry when the batch follows the cursor', () => {
    expect(batchStart(batch(4, 5, 6), 3)).toBe(0);
    expect(batchStart([], 3)).toBe(0);
  });

  it('skips entries at or below the cursor (a replay)', () => {
    expect(batchStart(batch(2, 3, 4, 5), 3)).toBe(2);
    expect(batchStart(batch(1, 2, 3), 3)).toBe(3);
    expect(batchStart(batch(1, 2), 3)).toBe(2);
  });

  it('refuses a batch that starts after a gap', () => {
    const error = refusal(() => batchStart(batch(5, 6), 3));
    expect(isTickflowError(error, 'DATA_GAP')).toBe(true);
    expect((error as Error).message).toContain('expected 4');
  });

  it('refuses a batch with a gap or a reorder inside it', () => {
    expect(isTickflowError(refusal(() => batchStart(batch(4, 6), 3)), 'DATA_GAP')).toBe(true);
    expect(isTickflowError(refusal(() => batchStart(batch(4, 4), 3)), 'DATA_GAP')).toBe(true);
    expect(isTickflowError(refusal(() => batchStart(batch(2, 1), 3)), 'DATA_GAP')).toBe(true);
  });
});

describe('parseCursor', () => {
  it('reads an absent cursor as 0 and a number as itself', () => {
    expect(parseCursor(null, 'k')).toBe(0);
    expect(parseCursor('42', 'k')).toBe(42);
  });

  it('refuses a cursor key that does not hold a seq', () => {
    for (const bad of ['x', '-1', '1.5', '', ' 7', '1e3']) {
      expect(isTickflowError(refusal(() => parseCursor(bad, 'p:cursor')), 'IO_UNAVAILABLE'), bad).toBe(true);
    }
  });
});
