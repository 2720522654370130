import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isTickflowError } from '../../src/runtime/errors.js';
import { parseDataArg, symbolFromPath } from '../../streams/data-arg.js';
import { openDataArgs, openSource } from '../../streams/open-source.js';
import { parseSourceFormat } from '../../streams/source-format.js';
import { probeFile } from '../../streams/text-stream.js';
import { detectFormat } from '../../streams/source-format.js';
import { dataPath } from '../support/data.js';
import { readAll, readAllSettled, tmpFile } from './source-helpers.js';

describe('format detection on the real recordings', () => {
  it.each([
    ['binance-spot/btcusdt_20240808.gz', 'binance'],
    ['binance-usdm/btcusdt_20240808.gz', 'binance'],
    ['cryptofeed/BINANCE_FUTURES.ws.1.0', 'cryptofeed'],
    ['nautilus/truefx-usdjpy-ticks.csv', 'quotes-csv'],
    ['nautilus/tardis-bitmex-trades-XBTUSD.csv', 'trades-csv'],
    ['nautilus/btc-perp-20211231-20220201_1m.csv', 'bars-csv'],
    ['vega/sp500-2000.csv', 'bars-csv'],
    ['lean/spy-20131007-trade.zip', 'lean-trades'],
  ])('recognises %s as %s', async (file, format) => {
    const path = dataPath(file);
    if (!path) return;
    expect(detectFormat(await probeFile(path))).toBe(format);
  });

  it('rejects a file it cannot recognise, quoting its first line', async () => {
    const path = dataPath('lean/spy_with_indicators.txt');
    if (!path) return;
    const error = await openSource(path).catch((e: unknown) => e);
    expect(isTickflowError(error, 'DATA_UNKNOWN_FORMAT')).toBe(true);
    expect(error).toMatchObject({ context: { file: path } });
    expect((error as Error).message).toContain('SMA14');
  });
});

describe('opening files', () => {
  it('rejects a missing file and a directory with DATA_FILE_UNREADABLE naming the path', async () => {
    const missing = join(dirname(tmpFile('x', '')), 'does-not-exist.gz');
    await expect(openSource(missing)).rejects.toMatchObject({ code: 'DATA_FILE_UNREADABLE', context: { file: missing, reason: 'no such file' } });
    const dir = join(dirname(tmpFile('x', '')), 'a-dir');
    mkdirSync(dir, { recursive: true });
    await expect(openSource(dir, { format: 'binance' })).rejects.toMatchObject({ code: 'DATA_FILE_UNREADABLE', context: { file: dir } });
  });

  it('rejects an empty file, plain or gzip, with DATA_EMPTY naming it, whatever the format', async () => {
    for (const [name, content, why] of [['empty.csv', '', /a 0-byte file/], ['zero.gz', '', /a 0-byte file/], ['empty.gz', gzipSync(''), /gzip content is empty/]] as const) {
      const path = tmpFile(name, content);
      const error = await openSource(path).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'DATA_EMPTY', context: { file: path } });
      expect((error as Error).message).toMatch(why);
      await expect(openSource(path, { format: 'binance' })).rejects.toMatchObject({ code: 'DATA_EMPTY' });
    }
  });

  it('reads an empty file as a source with no records when told empty is fine (allowEmpty)', async () => {
    for (const [name, content] of [['empty3.csv', ''], ['empty3.gz', gzipSync('')]] as const) {
      const source = await openSource(tmpFile(name, content), { allowEmpty: true });
      expect(await source.next()).toBeNull();
      expect(source.stats).toMatchObject({ records: 0, malformed: 0, failure: null, done: true });
    }
    const declared = await openSource(tmpFile('empty4.gz', gzipSync('')), { format: 'binance', allowEmpty: true });
    expect(await readAll(declared)).toEqual([]);
  });

  it('fails an input whose lines give no record: DATA_EMPTY for a header alone, DATA_UNKNOWN_FORMAT for lines not in the format', async () => {
    const header = tmpFile('header-only.csv', 'timestamp,open,high,low,close,volume\n\n');
    const headerOnly = await readAllSettled(await openSource(header));
    expect(headerOnly.records).toEqual([]);
    expect(headerOnly.error).toMatchObject({ code: 'DATA_EMPTY', context: { file: header, lines: 2, skipped: 2 } });
    expect((headerOnly.error as Error).message).toContain(`${header} holds no record: its 2 lines`);

    // Three lines: far fewer than the 64 malformed lines after which a source gives up on its own.
    const garbage = tmpFile('garbage.txt', 'hello\nworld\n{"type":"nope"}\n');
    const notJournal = await readAllSettled(await openSource(garbage, { format: 'journal' }));
    expect(notJournal.error).toMatchObject({ code: 'DATA_UNKNOWN_FORMAT', context: { file: garbage, lines: 3 } });
    expect((notJournal.error as Error).message).toMatch(/garbage\.txt has no line in the journal format: of its 3 lines, \d malformed/);

    const allowed = await readAllSettled(await openSource(garbage, { format: 'journal', allowEmpty: true }));
    expect(allowed).toMatchObject({ records: [], error: null });
  });

  it('rejects an unknown format name, listing the known ones', async () => {
    expect(() => parseSourceFormat('parquet')).toThrow(/binance, cryptofeed, journal/);
    expect(parseSourceFormat('Tardis')).toBe('trades-csv');
    await expect(openSource(tmpFile('f.csv', 'a,b\n'), { format: 'parquet' })).rejects.toMatchObject({ code: 'DATA_UNKNOWN_FORMAT' });
  });

  it('fails a file read in the wrong declared format with DATA_UNKNOWN_FORMAT after a few lines', async () => {
    const csv = 'timestamp,bid,ask\n' + Array.from({ length: 500 }, (_, i) => `2013-01-01 22:00:${String(i % 60).padStart(2, '0')}+00:00,1,2`).join('\n');
    const path = tmpFile('quotes.csv', csv);
    const source = await openSource(path, { format: 'binance' });
    const { records, error } = await readAllSettled(source);
    expect(records).toEqual([]);
    expect(error).toMatchObject({ code: 'DATA_UNKNOWN_FORMAT', context: { file: path, format: 'binance' } });
    expect(source.stats.lines).toBe(64);
    expect(source.stats.issues[0]).toMatchObject({ file: path, line: 1, code: 'DATA_MALFORMED_LINE' });
  });

  it('detects a gzip by its magic bytes whatever the name, and CSV inside it', async () => {
    const path = tmpFile('quotes.data', gzipSync('timestamp,bid,ask\n2013-01-01T00:00:00Z,1,2\n'));
    const source = await openSource(path, { symbol: 'EURUSD' });
    expect(await readAll(source)).toEqual([
      { type: 'book_ticker', exchange: 'csv', symbol: 'EURUSD', ts: Date.UTC(2013, 0, 1) * 1000, tsRecv: Date.UTC(2013, 0, 1) * 1000, bidPrice: 1, bidAmount: 0, askPrice: 2, askAmount: 0 },
    ]);
  });
});

const spot = dataPath('binance-spot/btcusdt_20240808.gz');

describe.skipIf(!spot)('bad copies of the real Binance capture', () => {
  const compressed = spot ? readFileSync(spot) : Buffer.alloc(0);
  const text = spot ? gunzipSync(compressed) : Buffer.alloc(0);

  it('skips and reports corrupted lines with file and line number, keeping every other record', async () => {
    const lines = text.toString('latin1').split('\n');
    lines[99] = lines[99]!.slice(0, 70); // cut short
    lines[199] = '\u0000\u00ff garbage \u0007'; // junk
    lines[299] = lines[299]!.replace('"p":"', '"p":"x'); // bad price, if a trade; else a bad field elsewhere
    lines[299] = lines[299]!.replace(/"[bBaAu]":"?/, '"Z":"');
    const path = tmpFile('corrupt-lines.gz', gzipSync(lines.join('\n')));
    const source = await openSource(path);
    const records = await readAll(source);
    expect(source.stats.malformed).toBe(3);
    expect(source.stats.issues.map((i) => [i.file, i.line, i.code])).toEqual([
      [path, 100, 'DATA_MALFORMED_LINE'],
      [path, 200, 'DATA_MALFORMED_LINE'],
      [path, 300, 'DATA_MALFORMED_LINE'],
    ]);
    expect(records).toHaveLength(41_249 - 3);
    expect(source.stats.failure).toBeNull();
  });

  it('delivers what a truncated gzip holds, then ends with DATA_TRUNCATED naming the file', async () => {
    const full = await readAll(await openSource(spot!));
    const path = tmpFile('truncated.gz', compressed.subarray(0, Math.floor(compressed.length * 0.6)));
    const source = await openSource(path);
    const { records, error } = await readAllSettled(source);
    expect(error).toMatchObject({ code: 'DATA_TRUNCATED', context: { file: path } });
    expect((error as Error).message).toContain(path);
    expect(records.length).toBeGreaterThan(10_000);
    expect(records.length).toBeLessThan(full.length);
    expect(records).toEqual(full.slice(0, records.length));
    // the line cut by the truncation, at most
    expect(source.stats.malformed).toBeLessThanOrEqual(1);
    expect(source.stats.failure).toBe(error);
    expect(await source.next()).toBeNull();
  });

  it('delivers what decodes of a corrupted gzip, then ends with DATA_TRUNCATED naming the file', async () => {
    const corrupt = Buffer.from(compressed);
    for (let i = 0; i < 64; i++) {
      const at = Math.floor(corrupt.length / 2) + i * 7;
      corrupt[at] = corrupt[at]! ^ 0x5a;
    }
    const path = tmpFile('corrupt.gz', corrupt);
    const source = await openSource(path);
    const { records, error } = await readAllSettled(source);
    expect(error).toMatchObject({ code: 'DATA_TRUNCATED', context: { file: path } });
    expect(records.length).toBeGreaterThan(1_000);
    expect(source.stats.records).toBe(records.length);
  });

  it('fails at open when even the start of a gzip is corrupt', async () => {
    const corrupt = Buffer.from(compressed.subarray(0, 5000));
    corrupt.fill(0x41, 10, 60);
    const path = tmpFile('corrupt-head.gz', corrupt);
    await expect(openSource(path)).rejects.toMatchObject({ code: 'DATA_TRUNCATED', context: { file: path } });
  });
});

describe('data arguments', () => {
  it('split path@SYMBOL at the last @ unless the tail is a path', () => {
    expect(parseDataArg('data/ticks.csv@EURUSD')).toEqual({ path: 'data/ticks.csv', symbol: 'EURUSD' });
    expect(parseDataArg('data/ticks.csv')).toEqual({ path: 'data/ticks.csv', symbol: undefined });
    expect(parseDataArg('/runs/a@b/ticks.csv')).toEqual({ path: '/runs/a@b/ticks.csv', symbol: undefined });
    expect(parseDataArg('ticks.csv@')).toEqual({ path: 'ticks.csv@', symbol: undefined });
  });

  it('derive a symbol from the file name without its extensions', () => {
    expect(symbolFromPath('/x/btc-perp_1m.csv.gz')).toBe('btc-perp_1m');
    expect(symbolFromPath('BINANCE_FUTURES.ws.1.0')).toBe('BINANCE_FUTURES');
    expect(symbolFromPath('.hidden')).toBe('.hidden');
  });

  it('open several files as one merged source, each with its own symbol', async () => {
    const a = tmpFile('a.csv', 'timestamp,bid,ask\n1000,1,2\n3000,1,2\n');
    const b = tmpFile('b.csv', 'timestamp,bid,ask\n2000,5,6\n');
    const source = await openDataArgs([`${a}@AAA`, b], { symbol: 'DEFAULT' });
    expect((await readAll(source)).map((r) => [r.symbol, r.tsRecv])).toEqual([
      ['AAA', 1_000_000_000],
      ['DEFAULT', 2_000_000_000],
      ['AAA', 3_000_000_000],
    ]);
    await expect(openDataArgs([a, join(dirname(a), 'missing.csv')])).rejects.toMatchObject({ code: 'DATA_FILE_UNREADABLE' });
  });
});
