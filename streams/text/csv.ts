/**
 * CSV lines (RFC 4180) split into fields, and headers mapped to column indices. CSV files are not
 * the hot path (the venue captures are), so fields are plain strings.
 */
import { parseDecimal } from './decimal.js';
import { parseTimeUs } from './time.js';

/**
 * Splits the CSV line `text[start, end)` into its fields. Quoted fields may hold commas and `""`
 * for a quote; a field is trimmed of surrounding spaces unless quoted. Returns `null` when a quote
 * is left open (the line is malformed; multi-line quoted fields are not supported).
 */
export function splitCsvLine(text: string, start: number, end: number): string[] | null {
  const fields: string[] = [];
  let i = start;
  if (text.indexOf('"', start) < 0 || text.indexOf('"', start) >= end) {
    // Fast path: no quotes anywhere on the line.
    while (true) {
      let comma = text.indexOf(',', i);
      if (comma < 0 || comma > end) comma = end;
      fields.push(text.slice(i, comma).trim());
      if (comma === end) return fields;
      i = comma + 1;
    }
  }
  while (true) {
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i < end && text.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let from = i + 1;
      while (true) {
        const quote = text.indexOf('"', from);
        if (quote < 0 || quote >= end) return null;
        value += text.slice(from, quote);
        if (quote + 1 < end && text.charCodeAt(quote + 1) === 34) {
          value += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      while (i < end && text.charCodeAt(i) === 32) i++;
      fields.push(value);
      if (i === end) return fields;
      if (text.charCodeAt(i) !== 44 /* , */) return null;
      i++;
    } else {
      let comma = text.indexOf(',', i);
      if (comma < 0 || comma > end) comma = end;
      fields.push(text.slice(i, comma).trim());
      if (comma === end) return fields;
      i = comma + 1;
    }
  }
}

/** Lower-cased, trimmed header names, so column lookups ignore case and padding. */
export function normalizeHeader(fields: readonly string[]): string[] {
  return fields.map((f) => f.trim().toLowerCase().replace(/^\ufeff/, ''));
}

/** Index of the first header among `names` present, or -1. */
export function columnOf(header: readonly string[], ...names: string[]): number {
  for (const name of names) {
    const i = header.indexOf(name);
    if (i >= 0) return i;
  }
  return -1;
}

/** A CSV field as a time in µs (see `parseTimeUs`), or NaN. */
export function csvTime(field: string): number {
  return parseTimeUs(field, 0, field.length);
}

/** A CSV field as a decimal number (see `parseDecimal`), or NaN. */
export function csvDecimal(field: string): number {
  return parseDecimal(field, 0, field.length);
}
