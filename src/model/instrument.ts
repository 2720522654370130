/**
 * Instruments: the grid that prices and sizes live on, and the precision money is counted at.
 *
 * Units. A price is held as **ticks**: an integer count of `10^-pricePrecision` (so
 * `pricePrecision` is the number of decimals of the price increment, and the increment is
 * `priceIncrementTicks` ticks, usually 1). A size is held as **lots**: a count of
 * `10^-sizePrecision`, the increment being `sizeIncrementLots` lots. Ticks and lots are `number`s:
 * every conversion onto the grid here refuses a count beyond 2^53 (`MAX_GRID_UNITS`), so they are
 * exact, and the hot path compares and adds them without BigInt. Money (notional, fees, cash, PnL)
 * is a `bigint` count of `10^-quotePrecision`.
 * Holding prices at a power-of-ten scale, not as multiples of an increment such as 0.5, keeps every
 * product a plain scaled integer; the increment is enforced on conversion.
 *
 * Instruments come from config; where none is configured they are inferred from the decimals seen
 * in market data (`createPrecisionTracker`, `inferInstrument`) and marked `source: 'inferred'`, so
 * the report can say so. Data with no size at all (bar files, quote files without size columns,
 * whose amounts decode as 0) gives no size sample; the size increment is then
 * `DEFAULT_SIZE_INCREMENT` and marked `sizeIncrementIsDefault`.
 */
import { TickflowError } from '../runtime/errors.js';
import { decimalOfNumber, decimalsOf, divRound, formatUnits, MAX_GRID_UNITS, parseDecimal, pow10, unitsOfNumberAt, unitsToNumber, type Decimal, type Rounding } from './money.js';
import type { MarketRecord } from './records.js';

/** Where an instrument's figures came from. */
export type InstrumentSource = 'config' | 'inferred';

/** A tradable instrument's grid and precisions. Immutable once created. */
export interface Instrument {
  readonly symbol: string;
  readonly exchange: string | undefined;
  /** Smallest price step as a decimal string (`"0.01"`). */
  readonly priceIncrement: string;
  /** Smallest size step as a decimal string (`"0.00001"`). */
  readonly sizeIncrement: string;
  /** Decimals of a price (scale of ticks). */
  readonly pricePrecision: number;
  /** Decimals of a size (scale of lots). */
  readonly sizePrecision: number;
  /** Decimals money in the quote currency is counted at (cash, fees, PnL, average prices). */
  readonly quotePrecision: number;
  /** The price increment in ticks (1 unless the increment is e.g. 0.5 or 5). */
  readonly priceIncrementTicks: number;
  /** The size increment in lots. */
  readonly sizeIncrementLots: number;
  readonly source: InstrumentSource;
  /**
   * True when the data held no size sample and `sizeIncrement` is `DEFAULT_SIZE_INCREMENT`, an
   * assumption rather than anything the venue or config said.
   */
  readonly sizeIncrementIsDefault: boolean;
  /** For inferred instruments: how many prices and sizes were seen, and how many exceeded the cap. */
  readonly inferredFrom: InferenceStats | undefined;
}

/** What an inference saw. */
export interface InferenceStats {
  readonly prices: number;
  /** Non-zero sizes (a zero amount means "size unknown" or an empty level, not a lot size). */
  readonly sizes: number;
  /**
   * Samples with more decimals than the inferred precision: beyond `MAX_INFERRED_PRECISION`, or
   * beyond what keeps the grid's counts exact below 2^53 (float noise, or a venue finer than that).
   */
  readonly overCap: number;
}

/** Figures for `createInstrument`, as config gives them. */
export interface InstrumentSpec {
  readonly symbol: string;
  readonly exchange?: string | undefined;
  readonly priceIncrement: string | number;
  readonly sizeIncrement: string | number;
  /** Defaults to `pricePrecision + sizePrecision`, which makes every notional exact. */
  readonly quotePrecision?: number | undefined;
  readonly source?: InstrumentSource | undefined;
  /** See `Instrument.sizeIncrementIsDefault` (default false). */
  readonly sizeIncrementIsDefault?: boolean | undefined;
  readonly inferredFrom?: InferenceStats | undefined;
}

/** Decimals above which an inferred precision is capped. */
export const MAX_INFERRED_PRECISION = 12;

/**
 * Room an inferred grid leaves above the largest price or size of the sample it was inferred from:
 * counts up to 1,024 times that value stay below 2^53 (a backtest infers from its first records,
 * and a later price may be higher). Only float noise is ever cut by it: a double holds about 16
 * significant digits, so 65,000.12345678 keeps its 8 decimals (6.5e12 ticks) and its 12-decimal
 * noise is dropped.
 */
const INFERRED_HEADROOM = 1024;

/**
 * The largest precision up to `decimals` at which `largest × 10^precision × INFERRED_HEADROOM`
 * stays within 2^53, so every count of the inferred grid is an exact number (0 at the least).
 */
function exactPrecision(decimals: number, largest: number): number {
  let precision = decimals;
  while (precision > 0 && largest * 10 ** precision * INFERRED_HEADROOM > MAX_GRID_UNITS) precision--;
  return precision;
}

/**
 * Size precision assumed when the data holds no size sample (bar files, quote files without
 * sizes). Eight decimals is the finest lot common venues use (Binance spot BTC, one satoshi), so any
 * size a strategy asks for with up to eight decimals is tradable: a default can only err on the side
 * of trading sizes the real venue would round, never of silently rounding a strategy's size to no
 * order (an increment of 1 made `size=0.5` trade nothing). It is not derived from the price
 * precision, which says nothing of the lot (USD/JPY quotes to 0.001, FX lots are whole units). The
 * report marks it as a default; configure `instruments` for the venue's real lot.
 */
export const DEFAULT_SIZE_PRECISION = 8;

/** The size increment of `DEFAULT_SIZE_PRECISION`: `"0.00000001"`. */
export const DEFAULT_SIZE_INCREMENT = formatUnits(1n, DEFAULT_SIZE_PRECISION);

function positiveIncrement(value: string | number, field: string, symbol: string): Decimal {
  const d = typeof value === 'string' ? parseDecimal(value) : decimalOfNumber(value);
  if (d.units <= 0n) {
    throw new TickflowError('MONEY_INVALID', `${symbol}: ${field} must be positive, got ${String(value)}`, { symbol, field, value });
  }
  if (d.units > BigInt(MAX_GRID_UNITS)) {
    throw new TickflowError('MONEY_INVALID', `${symbol}: ${field} ${String(value)} has more than 2^53 units at its own precision`, { symbol, field, value });
  }
  return d;
}

/**
 * Builds an instrument from its increments. Precisions are the increments' decimals; throws
 * `MONEY_INVALID` on a non-positive increment or a quote precision below zero.
 */
export function createInstrument(spec: InstrumentSpec): Instrument {
  const price = positiveIncrement(spec.priceIncrement, 'priceIncrement', spec.symbol);
  const size = positiveIncrement(spec.sizeIncrement, 'sizeIncrement', spec.symbol);
  const quotePrecision = spec.quotePrecision ?? price.scale + size.scale;
  if (!Number.isInteger(quotePrecision) || quotePrecision < 0) {
    throw new TickflowError('MONEY_INVALID', `${spec.symbol}: quotePrecision must be a whole number >= 0`, {
      symbol: spec.symbol,
      quotePrecision,
    });
  }
  return {
    symbol: spec.symbol,
    exchange: spec.exchange,
    priceIncrement: formatUnits(price.units, price.scale),
    sizeIncrement: formatUnits(size.units, size.scale),
    pricePrecision: price.scale,
    sizePrecision: size.scale,
    quotePrecision,
    priceIncrementTicks: Number(price.units),
    sizeIncrementLots: Number(size.units),
    source: spec.source ?? 'config',
    sizeIncrementIsDefault: spec.sizeIncrementIsDefault ?? false,
    inferredFrom: spec.inferredFrom,
  };
}

/** Decimals past an instrument's precision the number path of `toGrid` looks at (a mid adds one). */
const FAST_EXTRA_DECIMALS = 4;

/**
 * `toGrid` for a number, in number arithmetic, or `undefined` to take the exact path: a market
 * number on the grid (nearly always) or a few decimals finer (a mid, a size a strategy computed),
 * read exactly at the first scale from `precision` where it round-trips (`unitsOfNumberAt`, so the
 * same decimal the exact path parses), then rounded to the step once. Strict misses go to the exact
 * path, which says what is wrong.
 */
function gridOfNumber(value: number, precision: number, step: number, rounding: Rounding): number | undefined {
  for (let extra = 0; extra <= FAST_EXTRA_DECIMALS; extra++) {
    const units = unitsOfNumberAt(value, precision + extra);
    if (units === undefined) continue;
    const den = step * 10 ** extra;
    if (den > 2 ** 50) return undefined;
    const r = units % den; // exact: both are integers below 2^53
    if (r === 0) return units === 0 ? 0 : (units / den) * step; // -0 (a market -0) is 0 lots
    if (rounding === 'strict') return undefined;
    const q = (units - r) / den; // truncated toward zero, exact
    return roundedQuotient(q, r, den, rounding) * step;
  }
  return rounding === 'strict' ? undefined : gridOfDigits(value, precision, step, rounding);
}

/**
 * `gridOfNumber` for a number whose shortest decimal is too long for it (float noise such as
 * `0.30000000000000004`, a target a strategy computed): the digits of `String(value)` (the decimal
 * the exact path parses) up to `precision` as integer units, and of the digits after them only
 * whether they are zero, below, at or above half a unit, which is all rounding asks. `undefined`
 * (take the exact path) for exponent forms and more than 15 digits of units.
 */
function gridOfDigits(value: number, precision: number, step: number, rounding: Exclude<Rounding, 'strict'>): number | undefined {
  const text = String(value);
  const negative = text.charCodeAt(0) === 45; // '-'
  let units = 0;
  let decimals = -1; // digits read after the point; -1 before it
  let first = -1; // the first digit past `precision`
  let later = false; // a non-zero digit after that one
  for (let i = negative ? 1 : 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      decimals = 0;
      continue;
    }
    if (c < 48 || c > 57) return undefined; // 'e', 'Infinity', 'NaN'
    if (decimals < precision) {
      units = units * 10 + (c - 48);
      if (decimals >= 0) decimals++;
    } else if (first < 0) first = c - 48;
    else later ||= c !== 48;
  }
  for (let d = Math.max(decimals, 0); d < precision; d++) units *= 10;
  if (units > 1e15) return undefined;
  // The tail past `precision` against half a unit: 0 none, 1 below, 2 exactly, 3 above.
  const tail = first < 0 || (first === 0 && !later) ? 0 : first < 5 ? 1 : first === 5 && !later ? 2 : 3;
  const r = units % step;
  let q = (units - r) / step; // of the magnitude
  const inexact = r !== 0 || tail !== 0;
  if (rounding === 'halfEven') {
    // 2 × (r + tail) against `step`, both sides integers apart from the tail's share in [0, 2).
    const twice = 2 * r;
    const above = tail === 0 ? twice > step : tail === 1 ? twice >= step : tail === 2 ? twice + 1 > step : twice + 1 >= step;
    const tie = (tail === 0 && twice === step) || (tail === 2 && twice + 1 === step);
    if (above || (tie && q % 2 === 1)) q++;
  } else if (inexact && (rounding === 'ceil' ? !negative : rounding === 'floor' ? negative : false)) {
    q++;
  }
  return (negative && q !== 0 ? -q : q) * step; // never -0: a count of zero lots is 0
}

/** `divRound` for the truncated quotient `q` with remainder `r` (same sign as the dividend, not 0) of a division by `den` > 0. */
function roundedQuotient(q: number, r: number, den: number, rounding: Exclude<Rounding, 'strict'>): number {
  switch (rounding) {
    case 'down':
      return q;
    case 'floor':
      return r < 0 ? q - 1 : q;
    case 'ceil':
      return r < 0 ? q : q + 1;
    case 'halfEven': {
      const twice = Math.abs(r) * 2;
      const away = twice > den || (twice === den && Math.abs(q) % 2 === 1);
      if (!away) return q;
      return r < 0 ? q - 1 : q + 1;
    }
  }
}

/**
 * `value` on a grid of `step` units at `precision`, rounded once from the exact decimal (two
 * roundings, to the precision and then to the step, could round twice).
 */
function toGrid(
  value: string | number,
  precision: number,
  step: number,
  rounding: Rounding,
  field: 'price' | 'size',
  instrument: Instrument,
): number {
  if (typeof value === 'number') {
    const fast = gridOfNumber(value, precision, step, rounding);
    if (fast !== undefined) return fast;
  }
  const d = typeof value === 'string' ? parseDecimal(value) : decimalOfNumber(value);
  const num = d.scale <= precision ? d.units * pow10(precision - d.scale) : d.units;
  const den = d.scale <= precision ? BigInt(step) : BigInt(step) * pow10(d.scale - precision);
  if (rounding === 'strict' && num % den !== 0n) {
    const finer = d.scale > precision;
    throw new TickflowError(
      'MONEY_INVALID',
      `${instrument.symbol}: ${field} ${String(value)} is ${finer ? `finer than ${precision} decimals` : 'not a multiple of the increment'} (increment ${field === 'price' ? instrument.priceIncrement : instrument.sizeIncrement})`,
      { symbol: instrument.symbol, field, value },
    );
  }
  const units = divRound(num, den, rounding) * BigInt(step);
  if (units > BigInt(MAX_GRID_UNITS) || units < -BigInt(MAX_GRID_UNITS)) {
    throw new TickflowError(
      'MONEY_INVALID',
      `${instrument.symbol}: ${field} ${String(value)} is beyond the exact range of ${precision} decimals (2^53 ${field === 'price' ? 'ticks' : 'lots'})`,
      { symbol: instrument.symbol, field, value },
    );
  }
  return Number(units);
}

/**
 * A price (market number or decimal string) as ticks on the instrument's grid. `strict` (default)
 * throws `MONEY_INVALID` for a price off the increment; `halfEven`, `floor` (a buy limit that must
 * not pay more) and `ceil` (a sell limit) snap it to the increment.
 */
export function priceToTicks(instrument: Instrument, price: string | number, rounding: Rounding = 'strict'): number {
  return toGrid(price, instrument.pricePrecision, instrument.priceIncrementTicks, rounding, 'price', instrument);
}

/**
 * A size as lots on the grid. `strict` (default) throws `MONEY_INVALID` off the increment; `down`
 * (towards zero) is what a planner wants for a signed size that must never exceed its target,
 * `halfEven` the nearest.
 */
export function sizeToLots(instrument: Instrument, size: string | number, rounding: Rounding = 'strict'): number {
  return toGrid(size, instrument.sizePrecision, instrument.sizeIncrementLots, rounding, 'size', instrument);
}

/** Ticks as a decimal string at the instrument's price precision. */
export function formatPrice(instrument: Instrument, ticks: number): string {
  return formatUnits(ticks, instrument.pricePrecision);
}

/** Lots as a decimal string at the instrument's size precision. */
export function formatSize(instrument: Instrument, lots: number): string {
  return formatUnits(lots, instrument.sizePrecision);
}

/** Ticks as the nearest JavaScript number (for risk checks against market numbers, not for sums). */
export function ticksToNumber(instrument: Instrument, ticks: number): number {
  return unitsToNumber(ticks, instrument.pricePrecision);
}

/** Lots as the nearest JavaScript number. */
export function lotsToNumber(instrument: Instrument, lots: number): number {
  return unitsToNumber(lots, instrument.sizePrecision);
}

/** Accumulates the decimals seen in market data for one symbol; cheap enough to call per record. */
export interface PrecisionTracker {
  observePrice(price: number): void;
  /** A size; zero (size unknown, or an empty level) and non-finite values are not samples. */
  observeSize(size: number): void;
  /** Prices and sizes of a record; bars give prices only (their volume is a float sum). */
  observeRecord(record: MarketRecord): void;
  /** The instrument these samples imply, `source: 'inferred'`. */
  toInstrument(symbol: string, exchange?: string): Instrument;
}

/**
 * A tracker of the maximum decimals of prices and sizes, each capped at `maxPrecision`
 * (default `MAX_INFERRED_PRECISION`) and at what keeps the largest value's count of units 1,024
 * times below 2^53 (`exactPrecision`); samples finer than the result are counted in `overCap`. Zero sizes are
 * not samples: quote files without size columns decode their amounts as 0 ("size unknown"), and
 * taking those for lots of 0 decimals inferred a size increment of 1. With no size sample,
 * `sizePrecision` is `DEFAULT_SIZE_PRECISION` and the instrument says `sizeIncrementIsDefault`;
 * with no prices, 0. The inferred increments are one unit at each precision and the quote
 * precision is their sum (every notional exact).
 */
export function createPrecisionTracker(maxPrecision: number = MAX_INFERRED_PRECISION): PrecisionTracker {
  // Samples by their decimals (0..maxPrecision, and one more slot for beyond), so the cap the
  // largest magnitude sets at the end can still count the samples finer than it.
  const priceSamples = new Array<number>(maxPrecision + 2).fill(0);
  const sizeSamples = new Array<number>(maxPrecision + 2).fill(0);
  let largestPrice = 0;
  let largestSize = 0;
  const price = (x: number): void => {
    if (!Number.isFinite(x)) return;
    priceSamples[Math.min(decimalsOf(x), maxPrecision + 1)]!++;
    largestPrice = Math.max(largestPrice, Math.abs(x));
  };
  const size = (x: number): void => {
    if (!Number.isFinite(x) || x === 0) return;
    sizeSamples[Math.min(decimalsOf(x), maxPrecision + 1)]!++;
    largestSize = Math.max(largestSize, Math.abs(x));
  };
  /** The finest decimals sampled (capped) and the largest magnitude's bound on them. */
  const precisionOf = (samples: readonly number[], largest: number): number => {
    let finest = 0;
    for (let d = 0; d < samples.length; d++) if (samples[d]! > 0) finest = Math.min(d, maxPrecision);
    return exactPrecision(finest, largest);
  };
  const finerThan = (samples: readonly number[], precision: number): number => samples.slice(precision + 1).reduce((a, b) => a + b, 0);
  const total = (samples: readonly number[]): number => samples.reduce((a, b) => a + b, 0);
  const levels = (list: readonly { price: number; amount: number }[]): void => {
    for (const level of list) {
      price(level.price);
      size(level.amount);
    }
  };
  return {
    observePrice: price,
    observeSize: size,
    observeRecord(record: MarketRecord): void {
      switch (record.type) {
        case 'trade':
          price(record.price);
          size(record.amount);
          break;
        case 'book_ticker':
          price(record.bidPrice);
          price(record.askPrice);
          size(record.bidAmount);
          size(record.askAmount);
          break;
        case 'book_change':
        case 'depth_snapshot':
          levels(record.bids);
          levels(record.asks);
          break;
        case 'trade_bar':
          price(record.open);
          price(record.high);
          price(record.low);
          price(record.close);
          break;
      }
    },
    toInstrument(symbol: string, exchange?: string): Instrument {
      const prices = total(priceSamples);
      const sizes = total(sizeSamples);
      const priceDecimals = precisionOf(priceSamples, largestPrice);
      const sizeIncrementIsDefault = sizes === 0;
      const sizePrecision = sizeIncrementIsDefault ? DEFAULT_SIZE_PRECISION : precisionOf(sizeSamples, largestSize);
      const overCap = finerThan(priceSamples, priceDecimals) + (sizeIncrementIsDefault ? 0 : finerThan(sizeSamples, sizePrecision));
      return createInstrument({
        symbol,
        exchange,
        priceIncrement: formatUnits(1n, priceDecimals),
        sizeIncrement: formatUnits(1n, sizePrecision),
        quotePrecision: priceDecimals + sizePrecision,
        source: 'inferred',
        sizeIncrementIsDefault,
        inferredFrom: { prices, sizes, overCap },
      });
    },
  };
}

/** Sample numbers for `inferInstrument`. */
export interface InstrumentSamples {
  readonly prices: Iterable<number>;
  readonly sizes?: Iterable<number> | undefined;
}

/**
 * Infers an instrument from sample prices and sizes: each precision is the largest number of
 * decimals in the samples' shortest representations, capped (see `createPrecisionTracker`).
 */
export function inferInstrument(
  symbol: string,
  samples: InstrumentSamples,
  options: { exchange?: string; maxPrecision?: number } = {},
): Instrument {
  const tracker = createPrecisionTracker(options.maxPrecision);
  for (const p of samples.prices) tracker.observePrice(p);
  if (samples.sizes !== undefined) for (const s of samples.sizes) tracker.observeSize(s);
  return tracker.toInstrument(symbol, options.exchange);
}
