/** Helpers for the stream tests: in-memory sources, draining sources, temporary files. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { MarketRecord } from '../../src/model/records.js';
import type { LineDecoder } from '../../streams/line-decoder.js';
import { createLineSource, type LineSourceOptions } from '../../streams/line-source.js';
import type { RecordSource } from '../../streams/record-source.js';

/** Pulls a source to its end; returns every record and the chunks' sizes. */
export async function readAll(source: RecordSource): Promise<MarketRecord[]> {
  const all: MarketRecord[] = [];
  for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
    if (chunk.length === 0) throw new Error('a source returned an empty chunk');
    for (const r of chunk) all.push(r);
  }
  return all;
}

/** Like `readAll`, but returns the error the source ended with (or null) beside the records. */
export async function readAllSettled(source: RecordSource): Promise<{ records: MarketRecord[]; error: unknown }> {
  const records: MarketRecord[] = [];
  try {
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) records.push(...chunk);
  } catch (error) {
    return { records, error };
  }
  return { records, error: null };
}

/** A line source over `text`, delivered in pieces of `pieceSize` bytes. */
export function textSource(text: string | Buffer, decoder: LineDecoder, options: Partial<LineSourceOptions> & { pieceSize?: number } = {}): RecordSource {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const pieceSize = options.pieceSize ?? 65536;
  return createLineSource({
    name: 'memory.txt',
    format: 'test',
    decoder,
    open: async function* () {
      for (let i = 0; i < bytes.length; i += pieceSize) yield bytes.subarray(i, i + pieceSize);
    },
    ...options,
  });
}

let dir: string | undefined;
// Registered while the importing test file is collected (each file imports this module afresh),
// so the folder goes when that file's tests are done.
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Writes a file in a fresh temporary folder (one per test file, removed after it) and returns its path. */
export function tmpFile(name: string, content: string | Buffer): string {
  dir ??= mkdtempSync(join(tmpdir(), 'tickflow-streams-'));
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
