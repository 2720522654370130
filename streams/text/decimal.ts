/**
 * Number parsing straight from a region of a line, without slicing out a string: the hot path of
 * every wire parser. The results are bit-for-bit what `Number(str)` gives for the same text, so a
 * record decoded here equals one decoded through `JSON.parse`.
 */

/** Exact powers of ten: every 10^k for k <= 22 is a double without rounding. */
const POW10: readonly number[] = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];
const MAX_EXACT_INT = 9007199254740992; // 2^53

/**
 * Parses the decimal in `text[start, end)`: an optional sign, digits with at most one `.`, and
 * optionally an exponent. Returns `NaN` for anything else (empty text, stray characters, `Infinity`,
 * hex), so callers test the result with `x === x` or `Number.isNaN`.
 *
 * Fast path (Clinger): when the digits, read as an integer m, stay within 2^53 and there are at most
 * 22 fraction digits, m and 10^k are both exact doubles and one IEEE division rounds correctly, so
 * `m / 10^k` is the double nearest the decimal: the same as `Number`. Everything else (exponents,
 * more than 15-16 significant digits) goes to `Number` on a slice.
 */
export function parseDecimal(text: string, start: number, end: number): number {
  let i = start;
  if (i >= end) return NaN;
  let c = text.charCodeAt(i);
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
    c = text.charCodeAt(i);
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
      if (dot) fraction++;
    } else if (c === 46 /* . */ && !dot) {
      dot = true;
    } else if (c === 101 /* e */ || c === 69 /* E */) {
      return digits === 0 ? NaN : slowDecimal(text, start, end);
    } else {
      return NaN;
    }
  }
  if (digits === 0) return NaN;
  if (mantissa > MAX_EXACT_INT || fraction > 22) return slowDecimal(text, start, end);
  const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
  return negative ? -value : value;
}

/** `Number` on a slice, after checking the slice has the shape of a decimal (Number accepts more). */
function slowDecimal(text: string, start: number, end: number): number {
  const slice = text.slice(start, end);
  return DECIMAL_SHAPE.test(slice) ? Number(slice) : NaN;
}
const DECIMAL_SHAPE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses an unsigned integer in `text[start, end)` (digits only), or returns -1 if it is empty, has
 * another character, or exceeds `Number.MAX_SAFE_INTEGER`. For update ids, counts and times.
 */
export function parseUnsigned(text: string, start: number, end: number): number {
  if (start >= end) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  // Once past 2^53 the running value only grows, so a safe result means every step was exact.
  return value <= Number.MAX_SAFE_INTEGER ? value : -1;
}

/** Index of the first character at or after `i` that is not an ASCII digit (or `end`). */
export function skipDigits(text: string, i: number, end: number): number {
  while (i < end) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    i++;
  }
  return i;
}

/**
 * Integer nanoseconds written in `text[start, end)` to integer microseconds, truncating (the
 * nanoseconds since 1970 need 19 digits, past what a double holds exactly, so the last three digits
 * are dropped before converting). Returns -1 if the text is not all digits.
 */
export function nanosToMicros(text: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return -1;
  for (let i = end - 3 > start ? end - 3 : start; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
  }
  return n <= 3 ? 0 : parseUnsigned(text, start, end - 3);
}

/**
 * Decimal seconds (`1626992741.06217`) in `text[start, end)` to integer microseconds, rounding the
 * seventh fraction digit and beyond half up. Returns -1 if the text is not `digits[.digits]`.
 */
export function secondsToMicros(text: string, start: number, end: number): number {
  let dot = text.indexOf('.', start);
  if (dot < 0 || dot >= end) dot = end;
  const seconds = parseUnsigned(text, start, dot);
  if (seconds < 0) return -1;
  let micros = 0;
  let scale = 100000;
  let i = dot + 1;
  for (; i < end && scale >= 1; i++, scale /= 10) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    micros += d * scale;
  }
  if (i < end) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    if (d >= 5) micros++;
    for (i++; i < end; i++) {
      const e = text.charCodeAt(i) - 48;
      if (e < 0 || e > 9) return -1;
    }
  }
  return seconds * 1_000_000 + micros;
}
