/**
 * The paper venue's account: one pool of money in the quote currency (what `cash` in config starts
 * it at) and, per instrument, the position and the working orders' open quantity, kept from the
 * venue's own fills, so the venue can refuse an order the account cannot carry, as an exchange
 * does. Each exchange's instruments trade on the terms of its account (`AccountTerms`):
 *
 * - **cash** (spot): a sell needs the base currency held: `held − open sells ≥ quantity`, else it
 *   is refused with `NO_SHORT_SALE` (unless `borrowing`). A buy is paid from the pool, and at fill
 *   time never takes it below zero: a buy fill that would is cut to what the balance pays for (fee
 *   included) and the rest of the order is canceled with `INSUFFICIENT_BALANCE`.
 * - **margin** (derivatives): positions either way, against collateral at `leverage`. No
 *   liquidation and no funding are simulated: an account under water keeps its positions (the
 *   kill switch is the engine's guard), it only cannot add exposure.
 *
 * Admission, for both (at the order's arrival, on the venue's marks: the quote's mid, else the last
 * trade or bar close):
 *
 *     equity = pool + Σ lots × mark
 *     need   = Σ ceil(mark × max(|lots + open buys|, |lots − open sells|) / leverage)
 *            + Σ takerFee × mark × (open buys + open sells)
 *
 * An order that raises its instrument's worst-case exposure `max(|lots + buys|, |lots − sells|)`
 * is accepted only if `need ≤ equity` with it counted (cash terms count at leverage 1, so for a
 * spot-only account this is `cost of every open buy ≤ pool`); refused `INSUFFICIENT_BALANCE` (cash)
 * or `INSUFFICIENT_MARGIN`. An order that does not raise it (a sell that reduces a long) is never
 * refused for money, so a position can always be closed. An instrument with no price yet is
 * valued at the order's limit, and a market order for it is not valued (there is nothing to value
 * it at; the fill-time rule still guards the cash pool).
 */
import { feeFor, fillNotional } from '../../../../src/model/fill.js';
import { currencyPairOf } from '../../../../src/model/currency-pair.js';
import { formatUnits, type Decimal } from '../../../../src/model/money.js';
import { formatSize, priceToTicks, type Instrument } from '../../../../src/model/instrument.js';
import type { OrderSide } from '../../../../src/model/order.js';
import type { AccountTerms } from './paper-venue-config.js';

/** `cash` (spot) or `margin` (derivatives). */
export type AccountType = AccountTerms['type'];

/**
 * Account types of exchanges the config does not list: Binance spot is a cash account, USD-M
 * futures, BitMEX and the built-in simulated market (a perpetual-like instrument, so the demo can
 * go both ways) are margin accounts. Any other exchange (a CSV file's `csv`, LEAN's `lean`) is a
 * cash account: shorting is a permission a user grants, never one assumed.
 */
export const DEFAULT_ACCOUNT_TYPES: Readonly<Record<string, AccountType>> = {
  binance: 'cash',
  'binance-futures': 'margin',
  bitmex: 'margin',
  sim: 'margin',
};

/** An exchange's terms and where they came from. */
export interface ResolvedAccountTerms extends AccountTerms {
  readonly source: 'config' | 'default';
}

/** Why the account refused an order (or the rest of one). */
export type AccountRefusal = 'INSUFFICIENT_BALANCE' | 'INSUFFICIENT_MARGIN' | 'NO_SHORT_SALE';

/** The terms of `exchange`: configured, else by `DEFAULT_ACCOUNT_TYPES`, else cash. */
export function accountTermsOf(exchange: string, configured: Readonly<Record<string, AccountTerms>>): ResolvedAccountTerms {
  const own = configured[exchange];
  if (own !== undefined) return { ...own, source: 'config' };
  return { type: DEFAULT_ACCOUNT_TYPES[exchange] ?? 'cash', leverage: 1, borrowing: false, source: 'default' };
}

// One instrument's exposure, in lots (signed position, open buys, open sells). Every field set in the
// constructor (hidden class).
class Exposure {
  readonly instrument: Instrument;
  readonly terms: ResolvedAccountTerms;
  lots: number;
  buyOpen: number;
  sellOpen: number;
  /** The last limit admitted, in ticks: the price of an instrument with no mark yet. */
  fallbackTicks: number | undefined;

  constructor(instrument: Instrument, terms: ResolvedAccountTerms) {
    this.instrument = instrument;
    this.terms = terms;
    this.lots = 0;
    this.buyOpen = 0;
    this.sellOpen = 0;
    this.fallbackTicks = undefined;
  }

  worstCase(): number {
    const up = abs(this.lots + this.buyOpen);
    const down = abs(this.lots - this.sellOpen);
    return up > down ? up : down;
  }
}

/** An order as the account sees it (a `VenueOrder` fits). */
export interface AccountOrder {
  readonly exchange: string;
  readonly side: OrderSide;
  /** Ticks; 0 for a market order. */
  readonly limit: number;
  /** Lots. */
  readonly remaining: number;
}

/** The account as decimal strings, for the report. */
export interface AccountSnapshot {
  /** Terms by exchange, for every exchange the run traded. */
  readonly terms: Readonly<Record<string, ResolvedAccountTerms>>;
  /**
   * The pool under its quote currency, with margin positions (and borrowed short sales) counted
   * at their value at the last marks; cash-terms holdings under their base currencies.
   */
  readonly balances: Readonly<Record<string, string>>;
  /** Collateral the positions and working orders hold, at the last marks. */
  readonly marginUsed: string;
  readonly refused: Readonly<Record<AccountRefusal, number>>;
  /** Buy fills cut short so the pool would not go below zero. */
  readonly cutFills: number;
}

/** Gives the venue's mark of an instrument (market number), or `undefined` before any price. */
export type MarkLookup = (key: string) => number | undefined;

/** The account. Create one per venue. */
export class PaperAccount {
  /** The pool, at `quotePrecision`. */
  cash: bigint;
  readonly refused: Record<AccountRefusal, number>;
  cutFills: number;
  private readonly quotePrecision: number;
  private readonly takerRate: Decimal;
  private readonly configured: Readonly<Record<string, AccountTerms>>;
  private readonly exposures: Map<string, Exposure>;

  constructor(initialCash: bigint, quotePrecision: number, takerRate: Decimal, configured: Readonly<Record<string, AccountTerms>>) {
    this.cash = initialCash;
    this.refused = { INSUFFICIENT_BALANCE: 0, INSUFFICIENT_MARGIN: 0, NO_SHORT_SALE: 0 };
    this.cutFills = 0;
    this.quotePrecision = quotePrecision;
    this.takerRate = takerRate;
    this.configured = configured;
    this.exposures = new Map();
  }

  /**
   * An order reaching the venue: `undefined` when the account takes it (its quantity is then
   * counted open), else why not (counted). `key` is the order's instrument key.
   */
  admit(key: string, instrument: Instrument, o: AccountOrder, markOf: MarkLookup): AccountRefusal | undefined {
    const e = this.exposureOf(key, instrument, o.exchange);
    const buy = o.side === 'buy';
    if (!buy && e.terms.type === 'cash' && !e.terms.borrowing && e.sellOpen + o.remaining > e.lots) return this.refuse('NO_SHORT_SALE');
    const before = e.worstCase();
    if (buy) e.buyOpen += o.remaining;
    else e.sellOpen += o.remaining;
    if (o.limit > 0) e.fallbackTicks = o.limit;
    if (e.worstCase() <= before || this.need(markOf) <= this.equity(markOf)) return undefined;
    if (buy) e.buyOpen -= o.remaining;
    else e.sellOpen -= o.remaining;
    return this.refuse(e.terms.type === 'cash' ? 'INSUFFICIENT_BALANCE' : 'INSUFFICIENT_MARGIN');
  }

  /**
   * Lots of a buy fill of `quantity` at `notional` (+ fee) the account lets through: all of it,
   * except on cash terms where the pool would go below zero; then the most it pays for, fee
   * included (counted as a cut fill). `quantity` in lots, `price` in ticks.
   */
  affordable(key: string, quantity: number, price: number, rate: Decimal, notional: bigint, fee: bigint): number {
    const e = this.exposures.get(key);
    if (e === undefined || e.terms.type !== 'cash' || notional + fee <= this.cash) return quantity;
    this.cutFills++;
    if (this.cash <= 0n) return 0;
    const inc = e.instrument.sizeIncrementLots;
    // Proportional first guess on the grid, then down while it costs too much (at most a few steps).
    // The guess is exact money arithmetic (floored bigint quotients, as the cash is below the cost),
    // and below `quantity`, so it is a safe number of lots.
    const bigInc = BigInt(inc);
    let q = Number(((BigInt(quantity) * this.cash) / (notional + fee) / bigInc) * bigInc);
    while (q > 0) {
      const n = fillNotional(e.instrument, price, q, this.quotePrecision);
      if (n + feeFor(n, rate, this.quotePrecision) <= this.cash) break;
      q -= inc;
    }
    return q;
  }

  /** A fill of an admitted order: moves the pool and the position, and frees its open quantity. */
  onFill(key: string, side: OrderSide, quantity: number, notional: bigint, fee: bigint): void {
    const e = this.exposures.get(key) as Exposure;
    if (side === 'buy') {
      this.cash -= notional + fee;
      e.lots += quantity;
      e.buyOpen -= quantity;
    } else {
      this.cash += notional - fee;
      e.lots -= quantity;
      e.sellOpen -= quantity;
    }
  }

  /**
   * Recovery: a journaled fill applied again (the pool and the position move; no open quantity,
   * since the working orders are restored apart with `restoreOpen` at what they have left).
   */
  restoreFill(key: string, instrument: Instrument, exchange: string, side: OrderSide, quantity: number, notional: bigint, fee: bigint): void {
    const e = this.exposureOf(key, instrument, exchange);
    if (side === 'buy') {
      this.cash -= notional + fee;
      e.lots += quantity;
    } else {
      this.cash += notional - fee;
      e.lots -= quantity;
    }
  }

  /** Recovery: a working order restored, counted open by what it has left (no admission check: it was admitted). */
  restoreOpen(key: string, instrument: Instrument, exchange: string, side: OrderSide, remaining: number, limit: number): void {
    const e = this.exposureOf(key, instrument, exchange);
    if (side === 'buy') e.buyOpen += remaining;
    else e.sellOpen += remaining;
    if (limit > 0) e.fallbackTicks = limit;
  }

  /** An admitted order left the book with `remaining` unfilled (canceled, or cut). */
  release(key: string, side: OrderSide, remaining: number): void {
    const e = this.exposures.get(key);
    if (e === undefined) return;
    if (side === 'buy') e.buyOpen -= remaining;
    else e.sellOpen -= remaining;
  }

  /** Counts a refusal decided outside `admit` (the rest of a cut buy). */
  refuse(code: AccountRefusal): AccountRefusal {
    this.refused[code]++;
    return code;
  }

  /** The account as decimal strings, at the marks given. */
  snapshot(markOf: MarkLookup): AccountSnapshot {
    const terms: Record<string, ResolvedAccountTerms> = {};
    const quotes = new Set<string>();
    const holdings = new Map<string, string>();
    // Margin positions are not balances: the pool counts them at their value (Binance's margin
    // balance: wallet balance plus unrealized PnL), so a margin account's balance is its equity.
    let pool = this.cash;
    for (const [key, e] of this.exposures) {
      const exchange = e.instrument.exchange ?? '';
      terms[exchange] = e.terms;
      const pair = currencyPairOf(e.instrument.symbol);
      quotes.add(pair.quote);
      if (e.terms.type === 'cash' && !(e.terms.borrowing && e.lots < 0)) holdings.set(pair.base, formatSize(e.instrument, e.lots));
      else pool += this.value(key, e, markOf);
    }
    const balances: Record<string, string> = {};
    // One pool: instruments quoted in different currencies share it (the engine counts one money).
    balances[quotes.size === 0 ? 'cash' : [...quotes].sort().join('|')] = formatUnits(pool, this.quotePrecision);
    for (const [currency, amount] of [...holdings].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) balances[currency] = amount;
    return { terms: sortKeys(terms), balances, marginUsed: formatUnits(this.need(markOf), this.quotePrecision), refused: { ...this.refused }, cutFills: this.cutFills };
  }

  private exposureOf(key: string, instrument: Instrument, exchange: string): Exposure {
    let e = this.exposures.get(key);
    if (e === undefined) {
      e = new Exposure(instrument, accountTermsOf(exchange, this.configured));
      this.exposures.set(key, e);
    }
    return e;
  }

  private markTicks(key: string, e: Exposure, markOf: MarkLookup): number | undefined {
    const mark = markOf(key);
    return mark === undefined || !(mark > 0) ? e.fallbackTicks : priceToTicks(e.instrument, mark, 'ceil');
  }

  private equity(markOf: MarkLookup): bigint {
    let equity = this.cash;
    for (const [key, e] of this.exposures) equity += this.value(key, e, markOf);
    return equity;
  }

  // Signed value of a position at its mark (0 when flat or not valued yet).
  private value(key: string, e: Exposure, markOf: MarkLookup): bigint {
    if (e.lots === 0) return 0n;
    const ticks = this.markTicks(key, e, markOf);
    if (ticks === undefined) return 0n;
    const value = fillNotional(e.instrument, ticks, abs(e.lots), this.quotePrecision);
    return e.lots > 0 ? value : -value;
  }

  private need(markOf: MarkLookup): bigint {
    let need = 0n;
    for (const [key, e] of this.exposures) {
      const ticks = this.markTicks(key, e, markOf);
      if (ticks === undefined) continue;
      const worst = fillNotional(e.instrument, ticks, e.worstCase(), this.quotePrecision);
      const leverage = BigInt(e.terms.type === 'cash' ? 1 : e.terms.leverage);
      need += (worst + leverage - 1n) / leverage;
      need += feeFor(fillNotional(e.instrument, ticks, e.buyOpen + e.sellOpen, this.quotePrecision), this.takerRate, this.quotePrecision);
    }
    return need;
  }
}

function abs(x: number): number {
  return x < 0 ? -x : x;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] as T;
  return out;
}
