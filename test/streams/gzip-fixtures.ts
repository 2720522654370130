/**
 * Compressed fixtures for the inflate tests, written to a temporary folder: a quotes CSV large enough
 * to pass the worker's window many times over (its digits vary, so it compresses about as much as a
 * capture), and bad copies of a gzip (cut short, bytes flipped).
 */
import { readFileSync } from 'node:fs';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import type { MarketRecord } from '../../src/model/records.js';
import type { RecordSource } from '../../streams/record-source.js';
import { tmpFile } from './source-helpers.js';

/** `lines` rows of a quotes CSV (header first), the same for the same `seed`. */
export function quotesCsv(lines: number, seed = 1): string {
  let x = seed >>> 0;
  const rows = ['timestamp,bid,ask'];
  for (let i = 0; i < lines; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    const bid = 100 + (x % 100_000) / 1000;
    rows.push(`${new Date(Date.UTC(2024, 0, 1) + i * 137).toISOString()},${bid.toFixed(3)},${(bid + 0.001 + (x >>> 24) / 1000).toFixed(3)}`);
  }
  return rows.join('\n') + '\n';
}

/** Writes `text` gzipped as `name` in the temporary folder; returns the path. */
export function gzipFile(name: string, text: string | Buffer): string {
  return tmpFile(name, gzipSync(text));
}

/** A copy of the gzip at `path` cut to `fraction` of its length. */
export function truncatedCopy(path: string, name: string, fraction: number): string {
  const bytes = readFileSync(path);
  return tmpFile(name, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}

/** A copy of the gzip at `path` with 64 bytes flipped from its middle on. */
export function corruptCopy(path: string, name: string): string {
  const bytes = Buffer.from(readFileSync(path));
  for (let i = 0; i < 64; i++) {
    const at = Math.floor(bytes.length / 2) + i * 7;
    bytes[at] = bytes[at]! ^ 0x5a;
  }
  return tmpFile(name, bytes);
}

/** Everything a gzip file cut short holds (what a reader must deliver before its error). */
export function inflatablePrefix(path: string): Buffer {
  return gunzipSync(readFileSync(path), { finishFlush: constants.Z_SYNC_FLUSH });
}

/** Pulls text chunks to the end; returns the bytes and the error the iteration ended with (or null). */
export async function readText(chunks: AsyncIterable<Buffer>): Promise<{ text: Buffer; error: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of chunks) parts.push(Buffer.from(chunk));
  } catch (error) {
    return { text: Buffer.concat(parts), error };
  }
  return { text: Buffer.concat(parts), error: null };
}

/** What a drained source gave: records, the error it ended with, and its final counters. */
export interface Drained {
  readonly records: MarketRecord[];
  readonly error: { code: unknown; message: unknown; context: unknown } | null;
  readonly counts: Record<string, unknown>;
}

/** Pulls a source to its end, keeping the error (code, message, context) and a copy of its counters. */
export async function drain(source: RecordSource): Promise<Drained> {
  const records: MarketRecord[] = [];
  let error: Drained['error'] = null;
  try {
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) records.push(...chunk);
  } catch (e) {
    const { code, message, context } = e as { code: unknown; message: unknown; context: unknown };
    error = { code, message, context };
  }
  const { lines, records: count, byType, skipped, malformed, unknownTypes, unknownByName, issues } = source.stats;
  return { records, error, counts: { lines, records: count, byType: { ...byType }, skipped, malformed, unknownTypes, unknownByName: { ...unknownByName }, issues: [...issues] } };
}
