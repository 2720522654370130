import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSource } from '../../streams/open-source.js';

describe('a file whose first lines are all malformed', () => {
  it('fails as not in its format, quoting the first bad line with its number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickflow-leading-malformed-'));
    try {
      const file = join(dir, 'quotes.csv');
      writeFileSync(file, ['timestamp,bid,ask', ...Array.from({ length: 80 }, (_, i) => `garbage ${i}`)].join('\n') + '\n');
      const source = await openSource(file, { format: 'quotes-csv', symbol: 'X' });
      await expect(source.next()).rejects.toMatchObject({ code: 'DATA_UNKNOWN_FORMAT' });
      expect(source.stats.failure?.message).toMatch(/first 64 lines are malformed \(line 2: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
