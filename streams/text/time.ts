/**
 * Timestamps as written in CSV files, to integer microseconds since the epoch (engine time units).
 */
import { parseUnsigned, secondsToMicros } from './decimal.js';

/**
 * Parses a timestamp in `text[start, end)` to integer microseconds since the epoch, or `NaN`.
 *
 * Accepted:
 * - ISO dates `YYYY-MM-DD`, and date-times `YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]` with an optional
 *   zone `Z`, `±HH:MM`, `±HHMM` or `±HH`. Without a zone the time is taken as UTC (recordings are
 *   kept in UTC; a file in local time must say so with an offset). Fraction digits past the sixth are
 *   truncated.
 * - Epoch numbers: an integer's unit follows from its digit count (up to 11 digits seconds, up to 14
 *   milliseconds, up to 17 microseconds, more nanoseconds, truncated to µs); a number with a
 *   fraction is seconds.
 */
export function parseTimeUs(text: string, start: number, end: number): number {
  if (end - start >= 10 && text.charCodeAt(start + 4) === 45 /* - */) return parseIsoUs(text, start, end);
  return parseEpochUs(text, start, end);
}

function parseEpochUs(text: string, start: number, end: number): number {
  const dot = text.indexOf('.', start);
  if (dot >= 0 && dot < end) {
    const us = secondsToMicros(text, start, end);
    return us < 0 ? NaN : us;
  }
  const n = end - start;
  if (n > 17) {
    const us = parseUnsigned(text, start, end - 3);
    return us < 0 || parseUnsigned(text, end - 3, end) < 0 ? NaN : us;
  }
  const value = parseUnsigned(text, start, end);
  if (value < 0) return NaN;
  if (n <= 11) return value * 1_000_000;
  if (n <= 14) return value * 1_000;
  return value;
}

function parseIsoUs(text: string, start: number, end: number): number {
  const year = parseUnsigned(text, start, start + 4);
  const month = parseUnsigned(text, start + 5, start + 7);
  const day = parseUnsigned(text, start + 8, start + 10);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || text.charCodeAt(start + 7) !== 45) return NaN;
  let i = start + 10;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let micros = 0;
  let offsetMinutes = 0;
  if (i < end) {
    const sep = text.charCodeAt(i);
    if (sep !== 84 /* T */ && sep !== 32 /* space */) return NaN;
    hour = parseUnsigned(text, i + 1, i + 3);
    minute = parseUnsigned(text, i + 4, i + 6);
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || text.charCodeAt(i + 3) !== 58 /* : */) return NaN;
    i += 6;
    if (i < end && text.charCodeAt(i) === 58) {
      second = parseUnsigned(text, i + 1, i + 3);
      if (second < 0 || second > 60) return NaN;
      i += 3;
      if (i < end && text.charCodeAt(i) === 46 /* . */) {
        i++;
        let scale = 100000;
        const fractionStart = i;
        for (; i < end; i++) {
          const d = text.charCodeAt(i) - 48;
          if (d < 0 || d > 9) break;
          if (scale >= 1) micros += d * scale;
          scale /= 10;
        }
        if (i === fractionStart) return NaN;
      }
    }
    if (i < end) {
      offsetMinutes = parseZone(text, i, end);
      if (Number.isNaN(offsetMinutes)) return NaN;
    }
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  return (ms - offsetMinutes * 60_000) * 1000 + micros;
}

/** `Z`, `±HH:MM`, `±HHMM` or `±HH` to minutes east of UTC, or NaN. */
function parseZone(text: string, i: number, end: number): number {
  const c = text.charCodeAt(i);
  if (c === 90 /* Z */ && i + 1 === end) return 0;
  if (c !== 43 && c !== 45) return NaN;
  const sign = c === 45 ? -1 : 1;
  const hours = parseUnsigned(text, i + 1, i + 3);
  let minutes = 0;
  const rest = end - (i + 3);
  if (rest === 3 && text.charCodeAt(i + 3) === 58) minutes = parseUnsigned(text, i + 4, i + 6);
  else if (rest === 2) minutes = parseUnsigned(text, i + 3, i + 5);
  else if (rest !== 0) return NaN;
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return NaN;
  return sign * (hours * 60 + minutes);
}

const DURATION_UNITS: readonly (readonly [number, string])[] = [
  [86_400_000_000, 'd'],
  [3_600_000_000, 'h'],
  [60_000_000, 'm'],
  [1_000_000, 's'],
  [1_000, 'ms'],
];

/** A duration in µs as the largest whole unit: `60000000` → `1m`, `86400000000` → `1d`, `1500` → `1500us`. */
export function formatDurationUs(us: number): string {
  for (const [size, unit] of DURATION_UNITS) if (us % size === 0) return `${us / size}${unit}`;
  return `${us}us`;
}
