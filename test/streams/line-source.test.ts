import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../src/model/records.js';
import { TickflowError } from '../../src/runtime/errors.js';
import { DECODED, MALFORMED, SKIPPED, UNKNOWN, type LineDecoder } from '../../streams/line-decoder.js';
import { MAX_UNKNOWN_NAMES } from '../../streams/record-source.js';
import { BinanceCaptureDecoder } from '../../streams/venues/binance/binance-capture.js';
import { dataPath } from '../support/data.js';
import { readAll, readAllSettled, textSource } from './source-helpers.js';

/**
 * A toy format: `t <n>` is a trade at time n, `u <name>` an unknown type, `s` a skipped line,
 * `2 <n>` two trades, anything else malformed.
 */
class ToyDecoder implements LineDecoder {
  reason = '';
  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): 0 | 1 | 2 | 3 {
    const line = bytes.toString('utf8', start, end);
    const [kind, arg = ''] = line.split(' ');
    const trade = (n: number): MarketRecord => ({ type: 'trade', exchange: 'toy', symbol: 'T', ts: n, tsRecv: n, id: `${n}`, price: 1, amount: 1, side: 'buy' });
    if (kind === 't' && /^\d+$/.test(arg)) return out.push(trade(Number(arg))), DECODED;
    if (kind === '2' && /^\d+$/.test(arg)) return out.push(trade(Number(arg)), trade(Number(arg) + 1)), DECODED;
    if (kind === 'u') return (this.reason = arg), UNKNOWN;
    if (kind === 's') return SKIPPED;
    if (kind === 'throw') throw new Error('boom');
    this.reason = `bad line "${line}"`;
    return MALFORMED;
  }
  finish(): void {}
}

const toyLine = fc.oneof(
  { weight: 6, arbitrary: fc.nat(1000).map((n) => `t ${n}`) },
  { weight: 1, arbitrary: fc.nat(1000).map((n) => `2 ${n}`) },
  { weight: 1, arbitrary: fc.constantFrom('u x', 's', '', 'garbage', 'é') },
);

describe('line source', () => {
  it('gives the same records whatever the chunk size, read size and line endings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(toyLine, { maxLength: 60 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 50 }), fc.boolean(), fc.boolean(), async (lines, chunkSize, pieceSize, crlf, finalNewline) => {
        const text = lines.join(crlf ? '\r\n' : '\n') + (finalNewline && lines.length > 0 ? '\n' : '');
        const reference = await readAll(textSource(text, new ToyDecoder(), { maxLeadingMalformed: 0 }));
        const source = textSource(text, new ToyDecoder(), { chunkSize, pieceSize, maxLeadingMalformed: 0 });
        const chunks: (readonly MarketRecord[])[] = [];
        for (let c = await source.next(); c !== null; c = await source.next()) chunks.push(c);
        expect(chunks.every((c) => c.length >= 1 && c.length <= chunkSize)).toBe(true);
        expect(chunks.slice(0, -1).every((c) => c.length === chunkSize)).toBe(true);
        expect(chunks.flat()).toEqual(reference);
        const expected = lines.flatMap((l) => (l.startsWith('t ') ? [Number(l.slice(2))] : l.startsWith('2 ') ? [Number(l.slice(2)), Number(l.slice(2)) + 1] : []));
        expect(reference.map((r) => r.ts)).toEqual(expected);
        const newlines = text.split('\n').length - 1;
        expect(source.stats.lines).toBe(newlines + (text.length > 0 && !text.endsWith('\n') ? 1 : 0));
        expect(source.stats.malformed).toBe(lines.filter((l) => l === 'garbage' || l === 'é').length);
      }),
      { numRuns: 300 },
    );
  });

  const spot = dataPath('binance-spot/btcusdt_20240808.gz');
  it.skipIf(!spot)('decodes the real capture identically at chunk sizes 1, 7, 1024 and 100000 and read sizes 1 KiB to 1 MiB', async () => {
    const text = gunzipSync(readFileSync(spot!)).subarray(0, 2_000_000);
    const runs = await Promise.all(
      [
        [1, 1024],
        [7, 4096],
        [1024, 65536],
        [100_000, 1 << 20],
      ].map(([chunkSize, pieceSize]) => readAll(textSource(text, new BinanceCaptureDecoder({ symbol: 'X' }), { chunkSize, pieceSize }))),
    );
    expect(runs[0]!.length).toBeGreaterThan(5000);
    for (const run of runs.slice(1)) expect(run).toEqual(runs[0]);
  });

  it('counts malformed lines and keeps the first issues with their line numbers', async () => {
    const source = textSource('t 1\nbad one\nt 2\n\nbad two\nthrow\nt 3', new ToyDecoder(), { maxIssues: 2 });
    expect((await readAll(source)).map((r) => r.ts)).toEqual([1, 2, 3]);
    expect(source.stats).toMatchObject({ lines: 7, records: 3, malformed: 3, skipped: 1, done: true, failure: null });
    expect(source.stats.issues).toEqual([
      { code: 'DATA_MALFORMED_LINE', file: 'memory.txt', line: 2, message: 'bad line "bad one" (line starts "bad one")' },
      { code: 'DATA_MALFORMED_LINE', file: 'memory.txt', line: 5, message: 'bad line "bad two" (line starts "bad two")' },
    ]);
  });

  it('counts unknown types by name, reporting each name once, up to a bound', async () => {
    const names = Array.from({ length: MAX_UNKNOWN_NAMES + 3 }, (_, i) => `u n${i}`);
    const source = textSource(['u a', 'u a', 't 1', ...names].join('\n'), new ToyDecoder());
    await readAll(source);
    expect(source.stats.unknownTypes).toBe(names.length + 2);
    expect(source.stats.unknownByName.a).toBe(2);
    expect(source.stats.unknownByName['(other)']).toBe(4);
    expect(source.stats.issues[0]).toMatchObject({ code: 'DATA_UNKNOWN_TYPE', line: 1, message: expect.stringContaining('"a"') });
  });

  it('gives up with DATA_UNKNOWN_FORMAT when the first lines are all malformed', async () => {
    const source = textSource(Array.from({ length: 100 }, () => 'nope').join('\n'), new ToyDecoder(), { maxLeadingMalformed: 10 });
    const { records, error } = await readAllSettled(source);
    expect(records).toEqual([]);
    expect(error).toBeInstanceOf(TickflowError);
    expect(error).toMatchObject({ code: 'DATA_UNKNOWN_FORMAT', context: { file: 'memory.txt' } });
    expect(source.stats.lines).toBe(10);
    expect(await source.next()).toBeNull();
  });

  it('skips an overlong line, counting it once', async () => {
    const { MAX_LINE_LENGTH } = await import('../../streams/line-source.js');
    const long = Buffer.alloc(MAX_LINE_LENGTH + 10, 'x');
    const text = Buffer.concat([Buffer.from('t 1\n'), long, Buffer.from('\nt 2\n')]);
    const source = textSource(text, new ToyDecoder(), { pieceSize: 1 << 20 });
    expect((await readAll(source)).map((r) => r.ts)).toEqual([1, 2]);
    expect(source.stats).toMatchObject({ lines: 3, malformed: 1 });
  });

  it('reads nothing before the first pull and nothing after close', async () => {
    let opened = 0;
    const source = textSource('t 1\nt 2\n', new ToyDecoder(), {
      chunkSize: 1,
      open: async function* () {
        opened++;
        yield Buffer.from('t 1\nt 2\n');
      },
    });
    expect(opened).toBe(0);
    expect(await source.next()).toHaveLength(1);
    expect(opened).toBe(1);
    await source.close();
    await source.close();
    expect(await source.next()).toBeNull();
    expect(source.stats.done).toBe(true);
  });

  it('delivers what was read before a stream error, then rejects once, then ends', async () => {
    const source = textSource('', new ToyDecoder(), {
      open: async function* () {
        yield Buffer.from('t 1\nt 2\nt 3x');
        throw new Error('disk on fire');
      },
    });
    expect((await source.next())!.map((r) => r.ts)).toEqual([1, 2]);
    await expect(source.next()).rejects.toMatchObject({ code: 'DATA_FILE_UNREADABLE', context: { file: 'memory.txt' } });
    expect(await source.next()).toBeNull();
    expect(source.stats.malformed).toBe(1);
    expect(source.stats.failure).toMatchObject({ code: 'DATA_FILE_UNREADABLE' });
  });
});
