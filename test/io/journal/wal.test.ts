import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { openWal, readWal } from '../../../src/io/journal/wal.js';
import type { WalEntry, WalEntryInput } from '../../../src/model/wal-entry.js';
import { isTickflowError } from '../../../src/runtime/errors.js';

const root = mkdtempSync(join(tmpdir(), 'tickflow-wal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `wal-${n++}`);

function audit(i: number): WalEntryInput {
  return { kind: 'audit', ts: i, command: 'test', by: 'test', ok: true, detail: `entry ${i}` };
}

/** A closed journal of `n` audit entries in a fresh folder, and its one segment file. */
function written(n: number): { dir: string; segment: string } {
  const dir = fresh();
  const wal = openWal({ dir, fsync: 'never' });
  for (let i = 1; i <= n; i++) wal.append(audit(i));
  wal.close();
  return { dir, segment: join(dir, readdirSync(dir).find((f) => f.endsWith('.wal'))!) };
}

function all(dir: string): WalEntry[] {
  const out: WalEntry[] = [];
  readWal(dir, 0, (e) => out.push(e));
  return out;
}

describe('the write-ahead log', () => {
  it('numbers entries from 1 without gaps, in append order whether durable or buffered, across segments', () => {
    const dir = fresh();
    const wal = openWal({ dir, fsync: 'never', segmentBytes: 400 });
    for (let i = 1; i <= 30; i++) {
      if (i % 3 === 0) wal.appendBuffered(audit(i));
      else wal.append(audit(i));
    }
    wal.close();
    const entries = all(dir);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(entries.map((e) => e.ts)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(readdirSync(dir).filter((f) => f.endsWith('.wal')).length).toBeGreaterThan(3);
  });

  it('writes a durable entry to the file before append returns (a crashed process loses nothing appended)', () => {
    const dir = fresh();
    const wal = openWal({ dir, fsync: 'never' });
    wal.append(audit(1));
    // Not closed, not flushed by a timer: read straight from the file.
    expect(all(dir).map((e) => e.seq)).toEqual([1]);
    wal.close();
  });

  it('continues the numbering after a reopen and cuts a torn tail', () => {
    const { dir, segment } = written(5);
    appendFileSync(segment, '{"seq":6,"kind":"aud'); // a crash mid-write
    const again = openWal({ dir, fsync: 'never' });
    expect(again.stats.repairedBytes).toBe(20);
    expect(again.lastSeq).toBe(5);
    expect(again.append(audit(6))).toBe(6);
    again.close();
    expect(all(dir).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses a journal with a malformed line before its tail, naming the file and line', () => {
    const { dir, segment } = written(3);
    const lines = readFileSync(segment, 'utf8').split('\n');
    lines[1] = '{"seq":2,"kind":'; // damaged in the middle: not a crash artefact
    writeFileSync(segment, lines.join('\n'));
    let error: unknown;
    try {
      all(dir);
    } catch (e) {
      error = e;
    }
    expect(isTickflowError(error, 'DATA_MALFORMED_LINE')).toBe(true);
    expect((error as Error).message).toContain(`${segment} line 2`);
  });

  it('refuses a gap in the sequence', () => {
    const { dir, segment } = written(3);
    const lines = readFileSync(segment, 'utf8').split('\n');
    writeFileSync(segment, [lines[0], lines[2], ''].join('\n'));
    expect(() => all(dir)).toThrow(/seq 3 follows 1/);
  });

  it('lets one writer in: a live holder of the lock is refused, a dead one is taken over', () => {
    const dir = fresh();
    openWal({ dir, fsync: 'never' }).close();
    writeFileSync(join(dir, 'LOCK'), `${process.ppid}\n`); // the test runner's parent: alive
    expect(() => openWal({ dir })).toThrow(/in use by process/);
    writeFileSync(join(dir, 'LOCK'), '4194000\n'); // no such process
    const wal = openWal({ dir, fsync: 'never' });
    expect(readFileSync(join(dir, 'LOCK'), 'utf8').trim()).toBe(String(process.pid));
    wal.close();
  });

  it('lets a reader follow the writer from any cursor, entry by entry, exactly once (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ buffered: fc.boolean(), flush: fc.boolean(), read: fc.integer({ min: 0, max: 7 }) }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 200, max: 2000 }),
        fc.integer({ min: 0, max: 5 }),
        (steps, segmentBytes, cursor) => {
          const dir = fresh();
          const wal = openWal({ dir, fsync: 'never', segmentBytes });
          const reader = wal.reader(cursor);
          const seen: number[] = [];
          steps.forEach((step, i) => {
            if (step.buffered) wal.appendBuffered(audit(i + 1));
            else wal.append(audit(i + 1));
            if (step.flush) wal.flush();
            for (const e of reader.read(step.read)) seen.push(e.seq);
          });
          wal.close();
          for (let batch = reader.read(5); batch.length > 0; batch = reader.read(5)) for (const e of batch) seen.push(e.seq);
          reader.close();
          const expected = Array.from({ length: Math.max(0, steps.length - cursor) }, (_, i) => cursor + i + 1);
          expect(seen).toEqual(expected);
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      { numRuns: 60 },
    );
  });
});
