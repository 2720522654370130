/**
 * The market value of `lots` at a market-number mark, exact, without reading the mark as a decimal:
 * the fast path behind following equity at every tick.
 *
 * The exact value is `round_halfEven(dec(x) × lots × 10^(quotePrecision − sizePrecision))`, with
 * `dec(x)` the shortest decimal of `x` (the portfolio's rule). `dec(x)` is within half an ulp of
 * `x`, and the float product below adds at most two more roundings, so the float result `y` is
 * within `3 × 2^-53 × |y|` (plus a hair) of the exact real value. Whenever the fraction of `y` is
 * farther than `2^-48 × |y|` from one half, the exact value rounds to the same integer as `y` does,
 * so that integer is the answer; otherwise (near a tie, a huge value or lot count) this gives
 * `undefined` and the caller does the exact decimal arithmetic.
 */
const MAX_LOTS = 2 ** 53;
const MAX_VALUE = 2 ** 40;
const MARGIN = 2 ** -48;
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** `round_halfEven(dec(x) × lots / 10^(sizePrecision − quotePrecision))` in quote units, or `undefined` when floats cannot be sure. */
export function markValue(x: number, lots: number, sizePrecision: number, quotePrecision: number): bigint | undefined {
  if (!(lots < MAX_LOTS && lots > -MAX_LOTS)) return undefined; // lots are exact below 2^53 (also NaN)
  const shift = quotePrecision - sizePrecision;
  const p = POW10[shift < 0 ? -shift : shift];
  if (p === undefined) return undefined;
  const y = shift < 0 ? (x * lots) / p : x * lots * p;
  if (!(y < MAX_VALUE && y > -MAX_VALUE)) return undefined; // also NaN
  const f = Math.floor(y);
  const frac = y - f; // exact: |y| < 2^40
  const off = frac - 0.5;
  if ((off < 0 ? -off : off) <= MARGIN * (y < 0 ? -y : y) + 2 ** -60) return undefined;
  return BigInt(off > 0 ? f + 1 : f);
}
