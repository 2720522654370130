/**
 * Fills: what a venue reports when an order trades, in exact units, and the two sums a venue makes
 * from one (notional and fee). Both are brought to the quote precision half-even, once per fill; the
 * portfolio then moves cash by exactly these amounts, so the books always balance.
 */
import { parseDecimal, productUnits, rescale, type Decimal } from './money.js';
import type { Instrument } from './instrument.js';
import type { OrderSide } from './order.js';

/** Maker (rested on the book) or taker (crossed it). */
export type Liquidity = 'maker' | 'taker';

/** One fill. `fee` is at the portfolio's quote precision; negative for a rebate. */
export interface Fill {
  readonly clientOrderId: string;
  /** The venue it traded on (with `symbol`, the instrument). */
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  /** Lots, positive. */
  readonly quantity: number;
  /** Ticks. */
  readonly price: number;
  /** Quote units at the portfolio's quote precision. */
  readonly fee: bigint;
  readonly liquidity: Liquidity;
  /** Engine time (µs) of the fill. */
  readonly ts: number;
}

/**
 * `price × quantity` in quote units at `quotePrecision`: exact when the instrument's price and size
 * decimals fit in it, else rounded half-even.
 */
export function fillNotional(instrument: Instrument, price: number, quantity: number, quotePrecision: number): bigint {
  return rescale(productUnits(price, quantity), instrument.pricePrecision + instrument.sizePrecision, quotePrecision, 'halfEven');
}

/** A fee rate read exactly from config (`"0.0004"` is 4 bps); `number`s use their shortest decimal. */
export function parseFeeRate(rate: string | number): Decimal {
  return parseDecimal(typeof rate === 'string' ? rate : String(rate));
}

/**
 * The fee on a notional (quote units at `quotePrecision`) at `rate`, half-even at the quote
 * precision. Sign follows the rate: a negative maker rate is a rebate.
 */
export function feeFor(notional: bigint, rate: Decimal, quotePrecision: number): bigint {
  return rescale(notional * rate.units, quotePrecision + rate.scale, quotePrecision, 'halfEven');
}
