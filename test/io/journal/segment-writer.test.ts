import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createSegmentWriter } from '../../../src/io/journal/segment-writer.js';
import { SimulatedClock } from '../../../src/runtime/clock.js';
import { isTickflowError } from '../../../src/runtime/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-segments-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function lines(file: string): string[] {
  return gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((l) => l !== '');
}

describe('SegmentWriter', () => {
  it('rotates by size before a line that would overflow, and every line lands once, in order', async () => {
    const dir = join(tmp, 'size');
    const w = createSegmentWriter({ dir, prefix: 'j', extension: 'ndjson.gz', maxBytes: 25, clock: new SimulatedClock(0) });
    for (let i = 0; i < 10; i++) w.write(`line-${i}`); // 7 bytes each with the newline: 3 a segment
    await w.close();
    expect(readdirSync(dir).sort()).toEqual(['j-000001.ndjson.gz', 'j-000002.ndjson.gz', 'j-000003.ndjson.gz', 'j-000004.ndjson.gz']);
    expect(w.completed.flatMap(lines)).toEqual(Array.from({ length: 10 }, (_, i) => `line-${i}`));
    expect(lines(join(dir, 'j-000001.ndjson.gz'))).toEqual(['line-0', 'line-1', 'line-2']);
  });

  it('rotates by age on the injected clock', async () => {
    const dir = join(tmp, 'age');
    const clock = new SimulatedClock(0);
    const w = createSegmentWriter({ dir, prefix: 'r', extension: 'raw.gz', maxAgeUs: 1_000_000, clock });
    w.write('a');
    clock.advanceTo(999_999);
    w.write('b');
    clock.advanceTo(1_000_000);
    w.write('c');
    await w.close();
    expect(w.completed.map(lines)).toEqual([['a', 'b'], ['c']]);
  });

  it('keeps an unfinished segment under .part, readable up to its last flush', async () => {
    const dir = join(tmp, 'part');
    const clock = new SimulatedClock(0);
    const w = createSegmentWriter({ dir, prefix: 'j', extension: 'ndjson.gz', flushEveryUs: 1_000_000, clock });
    w.write('first');
    clock.advanceTo(2_000_000);
    w.write('flushed with this write');
    w.write('not yet flushed');
    const part = join(dir, 'j-000001.ndjson.gz.part');
    const partial = () => (existsSync(part) ? gunzipSync(readFileSync(part), { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8') : '');
    // The file stream opens and writes what gzip flushed on later ticks: poll, bounded.
    for (let i = 0; i < 400 && partial() === ''; i++) await new Promise((r) => setTimeout(r, 5));
    expect(readdirSync(dir)).toEqual(['j-000001.ndjson.gz.part']);
    expect(partial()).toBe('first\nflushed with this write\n');
    await w.close();
    expect(readdirSync(dir)).toEqual(['j-000001.ndjson.gz']);
    expect(w.stats).toMatchObject({ lines: 3, segments: 1 });
  });

  it('refuses writes after close, and bad sizes at creation', async () => {
    const w = createSegmentWriter({ dir: join(tmp, 'closed'), prefix: 'j', extension: 'ndjson.gz', clock: new SimulatedClock(0) });
    await w.close();
    expect(() => w.write('x')).toThrow(/closed/);
    try {
      createSegmentWriter({ dir: join(tmp, 'bad'), prefix: 'j', extension: 'ndjson.gz', maxBytes: 0, clock: new SimulatedClock(0) });
      expect.unreachable();
    } catch (e) {
      expect(isTickflowError(e, 'CONFIG_INVALID')).toBe(true);
    }
  });

  it('turns a file that cannot be written into an IO_UNAVAILABLE naming it, never a crash', async () => {
    const dir = join(tmp, 'unwritable');
    // A segment name inside a folder that does not exist: opening its file fails asynchronously (ENOENT).
    const writer = createSegmentWriter({ dir, prefix: 'x', extension: 'gz', clock: new SimulatedClock(0), fileName: () => 'no/such/folder/segment' });
    writer.write('a line');
    await expect(writer.close()).rejects.toMatchObject({ code: 'IO_UNAVAILABLE', message: expect.stringContaining('no/such/folder/segment.part') });
    expect(writer.error?.code).toBe('IO_UNAVAILABLE');
    expect(() => writer.write('another')).toThrow(/cannot write/);
    await expect(writer.drained()).rejects.toMatchObject({ code: 'IO_UNAVAILABLE' });
  });
});
