import { readFileSync, unlinkSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openSource } from '../../streams/open-source.js';
import { chooseInflate, openTextChunks, type InflateMode } from '../../streams/text-chunks.js';
import { probeFile } from '../../streams/text-stream.js';
import { dataPath } from '../support/data.js';
import { corruptCopy, drain, gzipFile, inflatablePrefix, quotesCsv, readText, truncatedCopy, type Drained } from './gzip-fixtures.js';
import { tmpFile } from './source-helpers.js';

const MODES: readonly InflateMode[] = ['inline', 'worker'];

/** Opens `path` once per mode with the same options and drains each. */
async function bothWays(path: string, options: { format?: string; symbol?: string; allowEmpty?: boolean } = {}): Promise<Drained[]> {
  const out: Drained[] = [];
  for (const inflate of MODES) out.push(await drain(await openSource(path, { ...options, inflate })));
  return out;
}

describe('choosing where to inflate', () => {
  it('does what it is told, and inflates inline on auto', () => {
    expect(chooseInflate('worker')).toBe('worker');
    expect(chooseInflate('inline')).toBe('inline');
    expect(chooseInflate('auto')).toBe('inline');
  });
});

const captures = ['binance-spot/btcusdt_20240808.gz', 'binance-spot/btcusdt_20240809.gz'].map((f) => dataPath(f));

describe.skipIf(captures.some((p) => p === undefined))('inflating the Binance captures', () => {
  it.each(captures.map((p) => [p!]))('gives identical text and records inline and in a worker: %s', async (path) => {
    const expected = gunzipSync(readFileSync(path));
    const probe = await probeFile(path);
    for (const inflate of MODES) expect((await readText(openTextChunks(probe, 64 * 1024, inflate))).text.equals(expected)).toBe(true);
    const [inline, worker] = await bothWays(path);
    expect(inline!.error).toBeNull();
    expect(inline!.records.length).toBeGreaterThan(40_000);
    expect(worker).toEqual(inline);
  });
});

describe('inflating small gzip fixtures', () => {
  const big = gzipFile('quotes-big.csv.gz', quotesCsv(120_000));

  it('gives identical records from a gzip of many windows, and from concatenated members', async () => {
    const [inline, worker] = await bothWays(big, { symbol: 'EURUSD' });
    expect(inline!.records).toHaveLength(120_000);
    expect(worker).toEqual(inline);
    const text = quotesCsv(3_000, 7);
    const cut = text.indexOf('\n', text.length >> 1) + 1;
    const members = tmpFile('members.gz', Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]));
    const [a, b] = await bothWays(members, { symbol: 'EURUSD' });
    expect(a!.records).toHaveLength(3_000);
    expect(b).toEqual(a);
  });

  it('delivers everything a truncated gzip holds, then the same DATA_TRUNCATED, either way', async () => {
    const path = truncatedCopy(big, 'quotes-cut.csv.gz', 0.6);
    const [inline, worker] = await bothWays(path, { symbol: 'EURUSD' });
    expect(inline!.error).toMatchObject({ code: 'DATA_TRUNCATED', context: { file: path, zlibCode: 'Z_BUF_ERROR' } });
    expect(worker).toEqual(inline);
    // Every complete line that inflates is a record (the header is skipped, the cut line malformed).
    const lines = inflatablePrefix(path).toString('latin1').split('\n').length - 1;
    expect(inline!.records).toHaveLength(lines - 1);
  });

  it('delivers what decodes of a corrupt gzip, then the same DATA_TRUNCATED, either way', async () => {
    const path = corruptCopy(big, 'quotes-corrupt.csv.gz');
    const [inline, worker] = await bothWays(path, { symbol: 'EURUSD' });
    expect(inline!.error).toMatchObject({ code: 'DATA_TRUNCATED', context: { file: path } });
    expect(inline!.records.length).toBeGreaterThan(1_000);
    expect(worker).toEqual(inline);
  });

  it('reads an empty gzip and an empty file as no records, either way (where empty is allowed)', async () => {
    for (const path of [tmpFile('empty-member.gz', gzipSync('')), tmpFile('zero-bytes.gz', '')]) {
      const [inline, worker] = await bothWays(path, { format: 'quotes-csv', allowEmpty: true });
      expect(inline).toMatchObject({ records: [], error: null, counts: { lines: 0 } });
      expect(worker).toEqual(inline);
    }
  });

  it('fails a file gone after opening with the same DATA_FILE_UNREADABLE, either way', async () => {
    const errors: unknown[] = [];
    for (const inflate of MODES) {
      const path = gzipFile(`vanishing-${inflate}.csv.gz`, quotesCsv(10));
      const source = await openSource(path, { inflate, symbol: 'EURUSD' });
      unlinkSync(path);
      const { error } = await drain(source);
      expect(error).toMatchObject({ code: 'DATA_FILE_UNREADABLE', context: { file: path, reason: 'no such file' } });
      errors.push((error as { message: string }).message.replace(inflate, 'MODE'));
    }
    expect(errors[1]).toBe(errors[0]);
  });
});
