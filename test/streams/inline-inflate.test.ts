import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inflateInput, openInlineInflate, type InlineInflateStream } from '../../streams/inline-inflate.js';
import { probeFile, type FileProbe } from '../../streams/text-stream.js';
import { corruptCopy, gzipFile, inflatablePrefix, quotesCsv, truncatedCopy } from './gzip-fixtures.js';

const CHUNK = 64 * 1024;
const big = gzipFile('inline-big.csv.gz', quotesCsv(150_000, 5));

/**
 * Reads every chunk, pausing `lagMs` between chunks: a consumer slower than zlib, which lets the
 * inflater run ahead of it (nothing is timed; the result must not depend on the pace). Iterating
 * the zlib stream itself lost the last 45 KB of a cut file at a 2 ms pace.
 */
async function readSlowly(stream: InlineInflateStream, lagMs: number): Promise<{ text: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for (let r = await stream.next(); r.done !== true; r = await stream.next()) {
      parts.push(r.value);
      if (lagMs > 0) await new Promise((resolve) => setTimeout(resolve, lagMs));
    }
  } catch (error) {
    return { text: Buffer.concat(parts), error };
  }
  return { text: Buffer.concat(parts), error: null };
}

async function open(path: string): Promise<InlineInflateStream> {
  return openInlineInflate(inflateInput(await probeFile(path), CHUNK)!);
}

describe('inflating on this thread', () => {
  it('gives the whole text, at any pace', async () => {
    const expected = gunzipSync(readFileSync(big));
    for (const lag of [0, 1]) expect((await readSlowly(await open(big), lag)).text.equals(expected)).toBe(true);
  });

  it('delivers every byte inflated before a truncation or corruption, however slow the consumer', async () => {
    const cut = truncatedCopy(big, 'inline-cut.gz', 0.7);
    const corrupt = corruptCopy(big, 'inline-corrupt.gz');
    const corruptTexts: Buffer[] = [];
    for (const lag of [0, 2]) {
      const a = await readSlowly(await open(cut), lag);
      expect(a.error).toMatchObject({ code: 'Z_BUF_ERROR' });
      expect(a.text.equals(inflatablePrefix(cut))).toBe(true);
      const b = await readSlowly(await open(corrupt), lag);
      expect(b.error).toMatchObject({ code: 'Z_DATA_ERROR' });
      corruptTexts.push(b.text);
    }
    // Corrupt input inflates to what it inflates to up to the error: the same at every pace.
    expect(corruptTexts[0]!.length).toBeGreaterThan(gunzipSync(readFileSync(big)).length / 3);
    for (const text of corruptTexts) expect(text.equals(corruptTexts[0]!)).toBe(true);
  });

  it('stops reading when closed, and ends', async () => {
    const stream = await open(big);
    expect((await stream.next()).done).toBe(false);
    await stream.return();
    expect(await stream.next()).toEqual({ done: true, value: undefined });
  });

  it('maps a gzip to its whole file and a deflated zip entry to its byte range; nothing for plain text', () => {
    const base = { path: 'f', size: 1000, head: '', headError: null } as const;
    const gzip: FileProbe = { ...base, compression: 'gzip', zipEntry: null };
    expect(inflateInput(gzip, 4096)).toEqual({ path: 'f', start: 0, end: Infinity, method: 'gzip', readBufferSize: 4096, blockBytes: 16384 });
    const zip: FileProbe = { ...base, compression: 'zip', zipEntry: { name: 'e', dataStart: 40, compressedSize: 100, method: 8 } };
    expect(inflateInput(zip, 4096)).toMatchObject({ start: 40, end: 139, method: 'deflate-raw' });
    expect(inflateInput({ ...zip, zipEntry: { name: 'e', dataStart: 40, compressedSize: -1, method: 8 } }, 4096)).toMatchObject({ end: Infinity });
    expect(inflateInput({ ...zip, zipEntry: { name: 'e', dataStart: 40, compressedSize: 100, method: 0 } }, 4096)).toBeNull();
    expect(inflateInput({ ...base, compression: 'none', zipEntry: null }, 4096)).toBeNull();
  });
});
