import { describe, expect, it } from 'vitest';
import { MutableSourceStats, type SourceIssue } from '../../streams/record-source.js';

describe('MutableSourceStats', () => {
  it('keeps issues up to maxIssues and tells the listener every one, kept or not', () => {
    const heard: SourceIssue[] = [];
    const stats = new MutableSourceStats('feed', 'binance-ws', 2, (issue) => void heard.push(issue));
    for (let i = 1; i <= 3; i++) stats.addIssue('DATA_GAP', i, `gap ${i}`);
    expect(stats.issues.map((i) => i.line)).toEqual([1, 2]);
    expect(heard.map((i) => i.line)).toEqual([1, 2, 3]);
    stats.pass({ code: 'IO_UNAVAILABLE', file: 'source', line: 0, message: 'passed, not kept' });
    expect(heard).toHaveLength(4);
    expect(stats.issues).toHaveLength(2);
  });

  it('ignores a listener that throws: its bug is not the source\'s failure', () => {
    const stats = new MutableSourceStats('feed', 'binance-ws', 5, () => {
      throw new Error('listener bug');
    });
    expect(() => stats.addIssue('DATA_GAP', 1, 'gap')).not.toThrow();
    expect(stats.issues).toHaveLength(1);
  });
});
