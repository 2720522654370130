/**
 * Exact money: amounts are counts of `10^-scale` units ("scaled integers"), with the scale stated
 * beside them by the caller (an instrument's price, size or quote precision). Prices and sizes on an
 * instrument's grid (ticks and lots) are `number`s, exact because an instrument's conversions keep
 * them below 2^53 (`MAX_GRID_UNITS`); amounts that grow without such a bound (notionals, cash,
 * fees, PnL, average prices at the quote precision) are `bigint`s. Values are plain numbers and
 * bigints, not wrapper objects, so a position or an order holds its money in ordinary fields.
 *
 * Rounding rules (DESIGN.md, Data model):
 * - Money that is divided (an average price, the cost-basis share of a partial close, a notional or
 *   fee brought down to the quote precision) is rounded **half-even** (`divHalfEven`, `rescale`).
 *   Callers keep the remainder where it belongs, so nothing is created or lost.
 * - Snapping a market number to an instrument's grid may also round `floor` or `ceil` (towards
 *   negative or positive infinity) or `down` (towards zero: a signed order size that must not
 *   exceed its target) where the caller says so; `strict` refuses any loss instead.
 *
 * Market-data numbers are JavaScript numbers parsed from the venue's decimal strings, so their
 * shortest round-trip representation (`String(x)`) is the venue's decimal. `decimalOfNumber` finds
 * that decimal exactly, with a float fast path that is checked, never trusted.
 */
import { TickflowError } from '../runtime/errors.js';

/** How a value that does not fit the target scale or grid is brought onto it. */
export type Rounding = 'strict' | 'halfEven' | 'floor' | 'ceil' | 'down';

/** A decimal read exactly: `units × 10^-scale`, with no trailing fractional zeros in `units`. */
export interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

/** Largest scale accepted anywhere (far beyond any venue; bounds the power tables). */
export const MAX_SCALE = 36;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= MAX_SCALE * 2; i++, p *= 10n) POW10.push(p);

// Exact powers of ten as doubles (10^22 is the last exact one; the fast path stops well before).
const POW10_NUMBER: number[] = [];
for (let i = 0; i <= 22; i++) POW10_NUMBER.push(10 ** i);

// |r| below 2^50 keeps a double's spacing under a quarter of 10^-scale, so at most one decimal of
// that scale rounds to the double: the fast path's answer is then the unique, hence shortest, one.
const FAST_LIMIT = 2 ** 50;
const FAST_MAX_SCALE = 17;

/**
 * Largest count of ticks or lots an instrument's grid holds (2^53 - 1): integers up to it are exact
 * as `number`s, and a product of two of them below it is exact too (`productUnits`).
 */
export const MAX_GRID_UNITS = Number.MAX_SAFE_INTEGER;

/**
 * `a × b` of two grid counts (ticks × lots, a notional at scale `pricePrecision + sizePrecision`) as
 * an exact bigint: the double product when it is below 2^53 (then exact, as IEEE products are
 * correctly rounded), else the product of the bigints.
 */
export function productUnits(a: number, b: number): bigint {
  const p = a * b;
  return Number.isSafeInteger(p) ? BigInt(p) : BigInt(a) * BigInt(b);
}

/** `10^n` as a bigint, from a table. */
export function pow10(n: number): bigint {
  const p = POW10[n];
  if (p === undefined) throw new TickflowError('MONEY_INVALID', `scale ${n} is out of range 0..${MAX_SCALE * 2}`, { scale: n });
  return p;
}

/**
 * Divides and rounds half-even (ties to the even quotient), for any signs. This is the one division
 * rule for money. Throws on a zero divisor (a programming error, never a market condition).
 */
export function divHalfEven(n: bigint, d: bigint): bigint {
  return divRound(n, d, 'halfEven');
}

/**
 * Divides with the given rounding; `strict` throws `MONEY_INVALID` when `d` does not divide `n`.
 * `floor` and `ceil` round towards negative and positive infinity, `down` towards zero.
 */
export function divRound(n: bigint, d: bigint, rounding: Rounding): bigint {
  if (d === 0n) throw new TickflowError('MONEY_INVALID', 'division by zero', {});
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const q = n / d; // truncates towards zero
  const r = n - q * d; // same sign as n
  if (r === 0n) return q;
  switch (rounding) {
    case 'strict':
      throw new TickflowError('MONEY_INVALID', `${n} is not a multiple of ${d}`, { dividend: n.toString(), divisor: d.toString() });
    case 'down':
      return q;
    case 'floor':
      return n < 0n ? q - 1n : q;
    case 'ceil':
      return n < 0n ? q : q + 1n;
    case 'halfEven': {
      const twice = (r < 0n ? -r : r) * 2n;
      const away = twice > d || (twice === d && (q & 1n) !== 0n);
      if (!away) return q;
      return n < 0n ? q - 1n : q + 1n;
    }
  }
}

/**
 * Moves `units` from scale `from` to scale `to`: exact when the scale grows, rounded by `rounding`
 * (half-even by default) when it shrinks.
 */
export function rescale(units: bigint, from: number, to: number, rounding: Rounding = 'halfEven'): bigint {
  if (to === from) return units;
  if (to > from) return units * pow10(to - from);
  return divRound(units, pow10(from - to), rounding);
}

/** `a × b` where `a` is at scale `aScale` and `b` at `bScale`, brought to scale `to` half-even. */
export function mulUnits(a: bigint, aScale: number, b: bigint, bScale: number, to: number): bigint {
  return rescale(a * b, aScale + bScale, to, 'halfEven');
}

/**
 * `num / den` at scale `to`, where `num` is at scale `numScale` and `den` at `denScale`, rounded
 * half-even (an average price: notional over quantity).
 */
export function divToScale(num: bigint, numScale: number, den: bigint, denScale: number, to: number): bigint {
  const shift = to - numScale + denScale;
  return shift >= 0 ? divHalfEven(num * pow10(shift), den) : divHalfEven(num, den * pow10(-shift));
}

const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Reads a decimal string (`-12.5`, `0.00010`, `1e-7`, `+3`) exactly. Trailing fractional zeros are
 * dropped, so `scale` is the number of significant decimals. Throws `MONEY_INVALID` on anything else.
 */
export function parseDecimal(text: string): Decimal {
  const m = DECIMAL_RE.exec(text.trim());
  const intDigits = m?.[2] ?? '';
  const fracDigits = m?.[3] ?? '';
  if (m === null || intDigits.length + fracDigits.length === 0) {
    throw new TickflowError('MONEY_INVALID', `not a decimal number: ${JSON.stringify(text)}`, { value: text });
  }
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  let digits = intDigits + fracDigits;
  let scale = fracDigits.length - exponent;
  // Drop trailing zeros that sit after the point, so the scale is minimal.
  let end = digits.length;
  while (scale > 0 && end > 0 && digits.charCodeAt(end - 1) === 48) {
    end--;
    scale--;
  }
  digits = digits.slice(0, end);
  if (scale < 0) {
    if (-scale > MAX_SCALE) throw new TickflowError('MONEY_INVALID', `decimal out of range: ${text}`, { value: text });
    digits += '0'.repeat(-scale);
    scale = 0;
  }
  if (scale > MAX_SCALE) throw new TickflowError('MONEY_INVALID', `too many decimals (> ${MAX_SCALE}): ${text}`, { value: text });
  let units = digits.length === 0 ? 0n : BigInt(digits);
  if (m[1] === '-') units = -units;
  return { units, scale };
}

/**
 * The exact decimal a JavaScript number stands for: the value of its shortest round-trip
 * representation (`String(x)`). A float fast path tries each scale and keeps the first whose integer
 * divides back to exactly `x`; beyond its safe range it falls back to parsing `String(x)`.
 * Throws `MONEY_INVALID` for NaN and infinities.
 */
export function decimalOfNumber(x: number): Decimal {
  if (!Number.isFinite(x)) throw new TickflowError('MONEY_INVALID', `not a finite number: ${x}`, { value: x });
  for (let s = 0; s <= FAST_MAX_SCALE; s++) {
    const p = POW10_NUMBER[s] as number;
    const r = Math.round(x * p);
    if (r > FAST_LIMIT || r < -FAST_LIMIT) break;
    if (r / p === x) return { units: BigInt(r), scale: s };
  }
  return parseDecimal(String(x));
}

/**
 * `x` as integer units at `scale`, as a number, when it has at most `scale` decimals and the units
 * stay within the fast range (2^50, where a double's product `x · 10^scale` rounds to the exact
 * integer); `undefined` otherwise (the caller takes the exact decimal path). The hot path's market
 * prices and sizes take this way: no `Decimal` and no BigInt arithmetic.
 */
export function unitsOfNumberAt(x: number, scale: number): number | undefined {
  if (scale > FAST_MAX_SCALE) return undefined;
  const p = POW10_NUMBER[scale] as number;
  const r = Math.round(x * p);
  return r <= FAST_LIMIT && r >= -FAST_LIMIT && r / p === x ? r : undefined;
}

/** Number of decimals in the shortest representation of `x` (`0.25` → 2, `100` → 0, `1e-7` → 7). */
export function decimalsOf(x: number): number {
  if (!Number.isFinite(x)) return 0;
  for (let s = 0; s <= FAST_MAX_SCALE; s++) {
    const p = POW10_NUMBER[s] as number;
    const r = Math.round(x * p);
    if (r > FAST_LIMIT || r < -FAST_LIMIT) break;
    if (r / p === x) return s;
  }
  return parseDecimal(String(x)).scale;
}

/**
 * A decimal string, a market-data number or a `Decimal`, as units at `scale`. `strict` (the default)
 * throws `MONEY_INVALID` when the value has more decimals than `scale`; other modes round.
 */
export function toUnits(value: string | number | Decimal, scale: number, rounding: Rounding = 'strict'): bigint {
  const d = typeof value === 'string' ? parseDecimal(value) : typeof value === 'number' ? decimalOfNumber(value) : value;
  if (d.scale <= scale) return d.units * pow10(scale - d.scale);
  if (rounding === 'strict') {
    throw new TickflowError('MONEY_INVALID', `${formatUnits(d.units, d.scale)} has more than ${scale} decimals`, {
      value: formatUnits(d.units, d.scale),
      scale,
    });
  }
  return divRound(d.units, pow10(d.scale - scale), rounding);
}

/**
 * Units at `scale` as a decimal string with exactly `scale` decimals (`12345n, 2` → `"123.45"`), or
 * with trailing fractional zeros removed when `trim` is set (for instruments, not for reports).
 */
export function formatUnits(units: bigint | number, scale: number, trim = false): string {
  const negative = units < 0;
  let digits = (negative ? -units : units).toString();
  let text: string;
  if (scale === 0) {
    text = digits;
  } else {
    if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
    const cut = digits.length - scale;
    let frac = digits.slice(cut);
    if (trim) {
      let end = frac.length;
      while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
      frac = frac.slice(0, end);
    }
    text = frac.length === 0 ? digits.slice(0, cut) : `${digits.slice(0, cut)}.${frac}`;
  }
  return negative ? `-${text}` : text;
}

/**
 * Units at `scale` as the nearest JavaScript number (for indicators and display, never for sums).
 * Grid counts (`number`s below 2^53) divide by an exact power of ten: one correctly rounded
 * division, the same double as parsing the decimal.
 */
export function unitsToNumber(units: bigint | number, scale: number): number {
  if (typeof units === 'number' && scale <= 22) return units / (POW10_NUMBER[scale] as number);
  return Number(formatUnits(units, scale));
}
