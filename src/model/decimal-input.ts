/**
 * Decimals written as text or as numbers (config files, `TICKFLOW_*` variables, code), made exact
 * decimal text once, at the edge. Text is kept as written (`"2500.50"` stays `"2500.50"`); a number
 * becomes the plain decimal of its shortest round-trip form (`0.0004` → `"0.0004"`, `1e-7` →
 * `"0.0000001"`). A number therefore says exactly what its source said only when that source fit a
 * double: the config's YAML reader (`src/app/exact-yaml.ts`) hands every longer one over as its text.
 */
import { z } from 'zod';
import { decimalOfNumber, formatUnits } from './money.js';

/** `value` as decimal text: text trimmed, a number as its shortest form without an exponent (NaN and infinities as `String` gives them, for the caller's check to refuse). */
export function exactDecimalText(value: string | number): string {
  if (typeof value === 'string') return value.trim();
  if (!Number.isFinite(value)) return String(value);
  const d = decimalOfNumber(value);
  return formatUnits(d.units, d.scale);
}

/**
 * A decimal given as a string or a number, out as exact decimal text (`exactDecimalText`). Checks
 * of the value (grammar, range) are the caller's, refined on the text.
 */
export function decimalInput() {
  return z.union([z.string(), z.number()], { error: 'expected a decimal number or a decimal string, such as 0.01 or "0.01"' }).transform(exactDecimalText);
}
