import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { createLineSource } from '../../streams/line-source.js';
import { createDecoder } from '../../streams/source-format.js';
import { inflateInput, type InflateInput } from '../../streams/inline-inflate.js';
import { probeFile } from '../../streams/text-stream.js';
import { inflateWorkerScript, openWorkerInflate } from '../../streams/worker-inflate.js';
import { gzipFile, inflatablePrefix, quotesCsv, readText, truncatedCopy } from './gzip-fixtures.js';

const CHUNK = 16 * 1024;
const big = gzipFile('worker-big.csv.gz', quotesCsv(200_000, 3));
const expected = gunzipSync(readFileSync(big));

async function input(path: string): Promise<InflateInput> {
  return inflateInput(await probeFile(path), CHUNK)!;
}

/** Resolves on the next turn of the event loop, after pending I/O callbacks and messages. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('the inflate worker', () => {
  it('is found beside the sources', () => {
    expect(inflateWorkerScript()?.pathname).toMatch(/streams\/inflate-worker\.cjs$/);
  });

  it('gives the text in order, transferring every block rather than copying it, and exits at the end', async () => {
    const stream = openWorkerInflate(await input(big));
    const { text, error } = await readText(stream);
    expect(error).toBeNull();
    expect(text.equals(expected)).toBe(true);
    expect(stream.stats.taken).toBe(stream.stats.received);
    expect(stream.stats.transferred).toBe(stream.stats.received);
    expect(stream.stats.copied).toBe(0);
    expect(stream.stats.exited).toBe(true);
  });

  it('copies blocks too small to own their buffer, and gives the same text', async () => {
    const stream = openWorkerInflate({ ...(await input(big)), blockBytes: 1024 });
    const { text, error } = await readText(stream);
    expect(error).toBeNull();
    expect(text.equals(expected)).toBe(true);
    expect(stream.stats.copied).toBe(stream.stats.received);
  });

  it('holds at most the window for a consumer that stops reading, and resumes when it reads again', async () => {
    const windowChunks = 8;
    const stream = openWorkerInflate(await input(big), { batchChunks: 2, windowChunks });
    const first = await stream.next();
    expect(first.done).toBe(false);
    await vi.waitFor(() => expect(stream.stats.stalls).toBe(1), { timeout: 10_000, interval: 5 });
    // The worker is stalled with the window full; more turns of the loop bring nothing more.
    for (let i = 0; i < 50; i++) await turn();
    const { received, taken } = stream.stats;
    expect(taken).toBe(1);
    expect(received - taken).toBeLessThanOrEqual(windowChunks);
    expect(Math.ceil(expected.length / (4 * CHUNK))).toBeGreaterThan(10 * received); // the file is far from read
    // A slow reader from here on never sees more than the window outstanding, and gets every byte.
    const parts = [Buffer.from((first as IteratorYieldResult<Buffer>).value)];
    for (let r = await stream.next(); r.done !== true; r = await stream.next()) {
      parts.push(Buffer.from(r.value));
      await turn();
    }
    expect(Buffer.concat(parts).equals(expected)).toBe(true);
    expect(stream.stats.maxOutstanding).toBeLessThanOrEqual(windowChunks);
  });

  it('terminates the worker when the consumer stops early', async () => {
    const stream = openWorkerInflate(await input(big));
    await stream.next();
    expect(stream.stats.exited).toBe(false);
    await stream.return();
    expect(stream.stats.exited).toBe(true);
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('terminates the worker when a line source over it is closed early', async () => {
    const stream = openWorkerInflate(await input(big));
    const decoder = createDecoder('quotes-csv', { symbol: 'EURUSD', symbolGiven: true });
    const source = createLineSource({ name: big, format: 'quotes-csv', open: () => stream, decoder, chunkSize: 100 });
    expect(await source.next()).toHaveLength(100);
    expect(stream.stats.exited).toBe(false);
    await source.close();
    expect(stream.stats.exited).toBe(true);
  });

  it('delivers everything a truncated gzip holds before the zlib error, and exits', async () => {
    const path = truncatedCopy(big, 'worker-cut.gz', 0.5);
    const stream = openWorkerInflate(await input(path), { batchChunks: 1, windowChunks: 1 });
    const { text, error } = await readText(stream);
    expect(error).toMatchObject({ code: 'Z_BUF_ERROR', message: 'unexpected end of file' });
    expect(text.equals(inflatablePrefix(path))).toBe(true);
    expect(stream.stats.exited).toBe(true);
  });

  it('reports an unreadable file with the fs error code', async () => {
    const stream = openWorkerInflate({ path: `${big}.missing`, start: 0, end: Infinity, method: 'gzip', readBufferSize: CHUNK, blockBytes: CHUNK });
    const { text, error } = await readText(stream);
    expect(text.length).toBe(0);
    expect(error).toMatchObject({ code: 'ENOENT', syscall: 'open' });
    expect(stream.stats.exited).toBe(true);
  });
});
