/**
 * Fixed text and digits of Binance messages read 4 bytes at a time, as one little-endian int32
 * (a "word"), for the parser's fast paths (`binance-values.ts`, `binance-keyed-pass.ts`,
 * `binance-ordered-pass.ts`) and the capture's receive times (`binance-capture.ts`).
 */

/**
 * The 4 bytes at `at` as one little-endian int32 (a byte past the buffer counts as 0), so fixed text
 * is compared 4 bytes at a time in straight-line code: a loop comparing byte by byte cost several
 * times more here (V8 re-checks the buffer on every iteration).
 */
export function word(bytes: Buffer, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/** `word` of 4 characters of text. */
export function wordOf(text: string): number {
  return text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16) | (text.charCodeAt(3) << 24);
}

/**
 * The 8 digits at `i` as an int32, or -1 if one is not a digit: exactly 8 fraction digits, as
 * Binance spot sends every decimal. Read 4 at a time (SWAR: each 4 digits as one int32, the digit
 * checks and the arithmetic done on all 4 bytes at once), where a byte at a time took 8 loads, 16
 * tests and a chain of multiply-adds. The 8 bytes must be in the buffer.
 */
export function eightDigits(bytes: Buffer, i: number): number {
  const high = (word(bytes, i) - 0x30303030) | 0;
  const low = (word(bytes, i + 4) - 0x30303030) | 0;
  // A byte is a digit exactly when, less `0`, neither it nor it plus 0x76 has its top bit set; a
  // byte that is not borrows from the next, but only bytes after the first such are then wrong.
  if (((high | low | (high + 0x76767676) | (low + 0x76767676)) & 0x80808080) !== 0) return -1;
  return fourDigits(high) * 10000 + fourDigits(low);
}

/** The value of 4 digits (0..9 each, the first in the lowest byte) held as one int32. */
function fourDigits(x: number): number {
  // Neighbouring digits paired (d0 × 10 + d1 in the low byte, d2 × 10 + d3 in the third), then the pairs.
  x = (Math.imul(x, 10) + (x >>> 8)) & 0x00ff00ff;
  return (Math.imul(x, 100) + (x >>> 16)) & 0xffff;
}
