/**
 * FROZEN BASELINE: `streams/text/ascii-bytes.ts` as it was at commit
 * 9d02dea, the decoder before the keyed pass, kept unchanged (imports aside) as the baseline of the
 * replay benchmark's ratio over the previous decoder. Not used by the engine; do not improve it:
 * that would move the baseline.
 *
 * Number parsing straight from the bytes of a line (ASCII digits in a `Buffer`), the hot path of
 * the venue wire parsers: indexing a byte array is several times cheaper in V8 than `charCodeAt` on a
 * string, and no string is built for a number. Results are bit-for-bit what `Number(text)` gives for
 * the same text. `decimal.ts` has the same functions over strings, for CSV.
 */

/** Exact powers of ten: every 10^k for k <= 22 is a double without rounding. */
const POW10: readonly number[] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
const MAX_EXACT_INT = 9007199254740992; // 2^53
const DECIMAL_SHAPE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The decimal in `bytes[start, end)` (optional sign, digits, at most one `.`, optional exponent) as a
 * number, or NaN. Same fast path as `parseDecimal` (`decimal.ts`): m / 10^k is correctly rounded
 * while m < 2^53 and k <= 22; otherwise `Number` on the text.
 */
export function parseDecimalBytes(bytes: Buffer, start: number, end: number): number {
  let i = start;
  if (i >= end) return NaN;
  let c = bytes[i]!;
  let negative = false;
  if (c === 45 /* - */ || c === 43 /* + */) {
    negative = c === 45;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fraction = 0;
  let dot = false;
  for (; i < end; i++) {
    c = bytes[i]!;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (dot) fraction++;
    } else if (c === 46 /* . */ && !dot) {
      dot = true;
    } else if (c === 101 /* e */ || c === 69 /* E */) {
      return digits === 0 ? NaN : slowDecimal(bytes, start, end);
    } else {
      return NaN;
    }
  }
  if (digits === 0) return NaN;
  if (mantissa > MAX_EXACT_INT || fraction > 22) return slowDecimal(bytes, start, end);
  const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
  return negative ? -value : value;
}

function slowDecimal(bytes: Buffer, start: number, end: number): number {
  const text = bytes.toString('latin1', start, end);
  return DECIMAL_SHAPE.test(text) ? Number(text) : NaN;
}

/** The unsigned integer (digits only) in `bytes[start, end)`, or -1 if empty, not digits or unsafe. */
export function parseUnsignedBytes(bytes: Uint8Array, start: number, end: number): number {
  if (start >= end) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value <= Number.MAX_SAFE_INTEGER ? value : -1;
}

/**
 * Integer nanoseconds in `bytes[start, end)` to integer microseconds, truncating (19-digit
 * nanosecond times exceed what a double holds exactly, so the last three digits are dropped before
 * converting). Returns -1 unless the text is all digits.
 */
export function nanosToMicrosBytes(bytes: Uint8Array, start: number, end: number): number {
  if (end <= start) return -1;
  for (let i = end - 3 > start ? end - 3 : start; i < end; i++) {
    const d = bytes[i]! - 48;
    if (d < 0 || d > 9) return -1;
  }
  return end - start <= 3 ? 0 : parseUnsignedBytes(bytes, start, end - 3);
}

/** Text of `bytes[start, end)` read as Latin-1 (exact for ASCII; for ids, symbols, type names). */
export function latin1Text(bytes: Buffer, start: number, end: number): string {
  return bytes.toString('latin1', start, end);
}

/** True when `bytes[at, at + text.length)` spells `text` (ASCII). */
export function bytesEqual(bytes: Uint8Array, at: number, end: number, text: string): boolean {
  const n = text.length;
  if (end - at !== n) return false;
  for (let i = 0; i < n; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
}
