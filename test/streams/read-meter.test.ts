import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDataArgs } from '../../streams/open-source.js';
import { ReadMeter } from '../../streams/read-meter.js';

// A plain CSV of trades and the same text gzipped (a different size on disk: the meter counts file bytes).
const tmp = mkdtempSync(join(tmpdir(), 'tickflow-meter-'));
const plain = join(tmp, 'trades.csv');
const gz = join(tmp, 'other.csv.gz');
function tradesCsv(n: number, seed: number): string {
  const lines = ['timestamp,price,quantity,side'];
  for (let i = 0; i < n; i++) lines.push(`${1_700_000_000_000 + i * 250},${(100 + ((i * seed) % 97) / 100).toFixed(2)},${(1 + (i % 7)).toFixed(3)},${i % 2 === 0 ? 'buy' : 'sell'}`);
  return lines.join('\n') + '\n';
}
beforeAll(() => {
  writeFileSync(plain, tradesCsv(40_000, 7));
  writeFileSync(gz, gzipSync(tradesCsv(40_000, 13)));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('read meter', () => {
  it('counts the bytes read of every file, compressed bytes for a .gz, up to their total size on disk', async () => {
    const meter = new ReadMeter();
    const source = await openDataArgs([`${plain}@AAA`, `${gz}@BBB`], { meter, readBufferSize: 16 * 1024, chunkSize: 256 });
    const total = statSync(plain).size + statSync(gz).size;
    expect(meter.totalBytes).toBe(total);
    expect(meter.bytesRead).toBe(0);
    const seen: number[] = [];
    let records = 0;
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
      records += chunk.length;
      seen.push(meter.bytesRead);
    }
    await source.close();
    expect(records).toBe(80_000);
    // Grows as the files are read, never past their size, and ends at all of it.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(Math.max(...seen)).toBeLessThanOrEqual(total);
    const midway = seen[Math.floor(seen.length / 2)]!;
    expect(midway).toBeGreaterThan(0);
    expect(midway).toBeLessThan(total);
    expect(meter.bytesRead).toBe(total);
    expect(meter.fraction()).toBe(1);
  });

  it('knows no share before a file is registered', () => {
    expect(new ReadMeter().fraction()).toBeUndefined();
  });

  it('costs a file opened without one nothing and changes none of its records', async () => {
    const read = async (meter?: ReadMeter) => {
      const source = await openDataArgs([`${gz}@BBB`], { meter });
      const out: string[] = [];
      for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) for (const r of chunk) out.push(JSON.stringify(r));
      return out;
    };
    expect(await read(new ReadMeter())).toEqual(await read());
    expect(readFileSync(gz).length).toBeLessThan(tradesCsv(40_000, 13).length);
  });
});
