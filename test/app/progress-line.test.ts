import { describe, expect, it } from 'vitest';
import { createProgressLine, formatBytes, formatDuration, formatProgress, NO_PROGRESS, type ProgressStream } from '../../src/app/progress-line.js';

/** A terminal that keeps what is written, and a clock the test moves. */
function fakeTerminal(isTTY: boolean | undefined, columns?: number): ProgressStream & { readonly writes: string[]; readonly times: number[] } {
  const writes: string[] = [];
  const times: number[] = [];
  return { isTTY, columns, writes, times, write: (text: string) => (writes.push(text), times.push(t)) };
}

let t = 0;
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  t = 1_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('progress line', () => {
  it('draws records, rate, share read and time left on one line, at most every 250 ms', () => {
    const stream = fakeTerminal(true);
    const clock = fakeClock();
    const total = 10_000;
    const line = createProgressLine({ stream, now: clock.now, fraction: (n) => n / total, totalBytes: () => 2_500_000 });
    // 1 record per ms: 1,000 records/s, 10 s for the whole input.
    for (let i = 0; i < 2_000; i++) {
      line.record();
      clock.advance(1);
    }
    // 2 s of records: a drawing per 250 ms, never two closer than that, each one line rewritten in place.
    expect(stream.writes.length).toBe(7);
    for (const w of stream.writes) expect(w).toMatch(/^\r[^\r\n]+\x1b\[K$/);
    for (let i = 1; i < stream.times.length; i++) expect(stream.times[i]! - stream.times[i - 1]!).toBeGreaterThanOrEqual(250);
    // The clock is read every ~31 records here (250 per interval / 8): the first drawing is at the
    // first read at or past 250 ms, record 266 (265 ms after the first).
    expect(stream.writes[0]).toBe('\r266 records  1,004 records/s  2.7% of 2.5 MB read  0:10 left\x1b[K');
    expect(stream.times[0]).toBe(1_265);
    const last = stream.writes.at(-1)!;
    // The time left: elapsed × (1 − f) / f = 1.939 s × 0.806 / 0.194 → 8.06 s, rounded up.
    expect(last).toBe('\r1,940 records  1,001 records/s  19.4% of 2.5 MB read  0:09 left\x1b[K');
  });

  it('reads the clock about eight times per interval, not per record, once the rate is known', () => {
    const stream = fakeTerminal(true);
    let reads = 0;
    t = 0;
    const line = createProgressLine({ stream, now: () => (reads++, t) });
    // 100 records per ms: 25,000 per interval, so a clock read every ~3,125 records.
    for (let i = 0; i < 100_000; i++) {
      line.record();
      if (i % 100 === 99) t += 1;
    }
    expect(reads).toBeLessThan(100);
    expect(stream.writes.length).toBeGreaterThanOrEqual(3);
    expect(stream.writes.length).toBeLessThanOrEqual(4);
  });

  it('draws nothing for a run that ends within the first interval, and erases nothing', () => {
    const stream = fakeTerminal(true);
    const clock = fakeClock();
    const line = createProgressLine({ stream, now: clock.now });
    for (let i = 0; i < 1_000; i++) {
      line.record();
      clock.advance(0.2);
    }
    line.finish();
    expect(stream.writes).toEqual([]);
  });

  it('erases the line on finish, once', () => {
    const stream = fakeTerminal(true);
    const clock = fakeClock();
    const line = createProgressLine({ stream, now: clock.now });
    for (let i = 0; i < 300; i++) {
      line.record();
      clock.advance(1);
    }
    expect(stream.writes).toHaveLength(1);
    line.finish();
    line.finish();
    expect(stream.writes.slice(1)).toEqual(['\r\x1b[K']);
  });

  it('is off when the stream is not a terminal, or with quiet', () => {
    const clock = fakeClock();
    expect(createProgressLine({ stream: fakeTerminal(false), now: clock.now })).toBe(NO_PROGRESS);
    expect(createProgressLine({ stream: fakeTerminal(undefined), now: clock.now })).toBe(NO_PROGRESS);
    const tty = fakeTerminal(true);
    const quiet = createProgressLine({ stream: tty, now: clock.now, quiet: true });
    expect(quiet).toBe(NO_PROGRESS);
    for (let i = 0; i < 1_000; i++) {
      quiet.record();
      clock.advance(10);
    }
    quiet.finish();
    expect(tty.writes).toEqual([]);
  });

  it('cuts the line to the terminal width, so it never wraps', () => {
    const stream = fakeTerminal(true, 20);
    const clock = fakeClock();
    const line = createProgressLine({ stream, now: clock.now, fraction: () => 0.5 });
    for (let i = 0; i < 300; i++) {
      line.record();
      clock.advance(1);
    }
    expect(stream.writes[0]).toBe('\r266 records  1,004 \x1b[K');
  });

  it('formats sizes, durations, and leaves out what is unknown', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_320_000_000)).toBe('1.3 GB');
    expect(formatDuration(7_000)).toBe('0:07');
    expect(formatDuration(754_100)).toBe('12:35');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatProgress(1_234, 0, undefined, undefined)).toBe('1,234 records');
    expect(formatProgress(1_000, 500, 0, 10)).toBe('1,000 records  2,000 records/s  0.0% of 10 B read');
  });
});
