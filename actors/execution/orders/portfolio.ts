/**
 * Positions, cash and PnL, exact. Pure logic, no actor; the execution actor owns one and applies
 * fills to it.
 *
 * Netting: one signed position per instrument (lots at the instrument's size precision, a `number`
 * kept below 2^53 so it is exact), keyed by `instrumentKey(exchange, symbol)`: the same symbol on
 * two exchanges is two positions, each marked at its own venue's prices. Money (cash, cost basis,
 * realized PnL, fees) is one `bigint` each, at the portfolio's `quotePrecision`.
 *
 * Exactness. A fill's notional (`price × quantity`, multiplied exactly: `fillNotional`) is brought to
 * the quote precision half-even once (exact when the instrument's decimals fit), and cash moves by
 * exactly that notional plus the fee.
 * The cost basis is the signed sum of the notionals that opened the open position. Where a division
 * is unavoidable it is rounded half-even at the quote precision and the remainder stays in the cost
 * basis, so nothing is created or lost:
 * - a partial close removes `round(costBasis × closed / position)` from the cost basis;
 * - a fill that flips the position splits its notional into `round(price × closed)` for the closing
 *   part and the rest for the new position;
 * - the average price is `costBasis / position` (derived on demand, never stored).
 * So at every moment: initialCash + realizedPnl − fees − Σ costBasis = cash, exactly.
 *
 * Realized PnL is gross (fees are counted apart). A position with no mark is valued at its cost
 * basis (unrealized 0).
 *
 * Equity (cash + Σ market value) is kept current, O(1) per update, so it can be sampled at every
 * tick: a fill moves it by its cash flow plus the change in its position's value, a new mark for
 * an open position by the change in that position's value. Each position's value is the one
 * rounding `round(mark × lots)` (half-even at the quote precision), kept per position, so the
 * running total equals a full recomputation exactly; a delta `round(lots × (new − old mark))` would
 * drift from it by the roundings.
 */
import { TickflowError } from '../../../src/runtime/errors.js';
import { fillNotional, type Fill } from '../../../src/model/fill.js';
import type { Instrument } from '../../../src/model/instrument.js';
import { instrumentKey } from '../../../src/model/instrument-key.js';
import { markValue } from './mark-value.js';
import { decimalOfNumber, divHalfEven, divToScale, formatUnits, mulUnits, parseDecimal, toUnits, type Decimal } from '../../../src/model/money.js';

/** The parts of a fill the portfolio needs (a `Fill` fits). */
export type PortfolioFill = Pick<Fill, 'exchange' | 'symbol' | 'side' | 'quantity' | 'price' | 'fee'>;

/** Options for `Portfolio`. */
export interface PortfolioOptions {
  /** Decimals money is counted at; use the largest `quotePrecision` of the instruments traded. */
  readonly quotePrecision: number;
  /** Starting cash as a decimal (`"10000"`); must fit the quote precision exactly. */
  readonly initialCash: string | number;
}

/** What one fill did to its position. */
export interface FillOutcome {
  /** The position's instrument key (`exchange:SYMBOL`). */
  readonly key: string;
  readonly symbol: string;
  /** Signed lots before and after. */
  readonly before: number;
  readonly after: number;
  /** Realized PnL of this fill (gross of its fee), quote units. */
  readonly realizedPnl: bigint;
  /** The fill's notional, quote units (what cash moved by, fee apart). */
  readonly notional: bigint;
  /** True when the position went through zero to the other side. */
  readonly flipped: boolean;
}

/** One position, exact. Money at the portfolio's quote precision. */
export interface PositionView {
  /** `exchange:SYMBOL`. */
  readonly key: string;
  readonly exchange: string;
  readonly symbol: string;
  /** Signed lots: positive long, negative short (exact: below 2^53). */
  readonly quantity: number;
  readonly sizePrecision: number;
  readonly pricePrecision: number;
  /** Signed: what the open lots cost (negative for a short: what selling them brought in). */
  readonly costBasis: bigint;
  /** `costBasis / quantity` at the quote precision, half-even; `undefined` when flat. */
  readonly avgPrice: bigint | undefined;
  readonly realizedPnl: bigint;
  readonly fees: bigint;
  readonly fillCount: number;
}

/** A position as decimal strings. */
export interface PositionSnapshot {
  readonly quantity: string;
  readonly avgPrice: string | undefined;
  readonly costBasis: string;
  readonly markPrice: string | undefined;
  readonly marketValue: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly fees: string;
  readonly fills: number;
}

/** The portfolio as decimal strings, positions by instrument key, sorted (stable across runs for reports). */
export interface PortfolioSnapshot {
  readonly quotePrecision: number;
  readonly initialCash: string;
  readonly cash: string;
  readonly realizedPnl: string;
  readonly unrealizedPnl: string;
  readonly fees: string;
  readonly equity: string;
  readonly grossExposure: string;
  readonly positions: Readonly<Record<string, PositionSnapshot>>;
}

// Mutable state of one position. Every field set in the constructor, in one order (hidden class).
class PositionState {
  quantity: number;
  costBasis: bigint;
  realizedPnl: bigint;
  fees: bigint;
  fillCount: number;
  // The last mark as given (a market number or a decimal string). While the position is flat it is
  // read as an exact decimal only when a value is asked for; while it is open, at once (equity
  // follows every mark).
  markRaw: number | string | undefined;
  mark: Decimal | undefined;
  // Market value at the mark for the current quantity; dropped when either changes, recomputed
  // at once while the position is open (the running equity holds it).
  markValue: bigint | undefined;

  constructor(
    readonly key: string,
    readonly exchange: string,
    readonly symbol: string,
    readonly pricePrecision: number,
    readonly sizePrecision: number,
  ) {
    this.quantity = 0;
    this.costBasis = 0n;
    this.realizedPnl = 0n;
    this.fees = 0n;
    this.fillCount = 0;
    this.markRaw = undefined;
    this.mark = undefined;
    this.markValue = undefined;
  }
}

/** Cash and netted positions, in exact quote units. */
export class Portfolio {
  readonly quotePrecision: number;
  readonly initialCash: bigint;
  private cashUnits: bigint;
  private feeUnits: bigint;
  private realizedUnits: bigint;
  // cash + Σ valueOf(position), kept current by `applyFill` and `mark` (see the class comment).
  private equityUnits: bigint;
  private readonly positions: Map<string, PositionState>;
  private readonly earlyMarks: Map<string, number | string>;

  constructor(options: PortfolioOptions) {
    this.quotePrecision = options.quotePrecision;
    this.initialCash = toUnits(options.initialCash, options.quotePrecision, 'strict');
    this.cashUnits = this.initialCash;
    this.feeUnits = 0n;
    this.realizedUnits = 0n;
    this.equityUnits = this.initialCash;
    this.positions = new Map();
    this.earlyMarks = new Map();
  }

  /** Cash, quote units. */
  get cash(): bigint {
    return this.cashUnits;
  }

  /** Fees paid (negative part: rebates), quote units. */
  get fees(): bigint {
    return this.feeUnits;
  }

  /** Realized PnL over all instruments, gross of fees, quote units. */
  get realizedPnl(): bigint {
    return this.realizedUnits;
  }

  /**
   * Applies a fill: cash moves by the notional and the fee; the position grows, shrinks, closes or
   * flips. Throws `MONEY_INVALID` for a quantity that is not a positive whole number of lots, a
   * position that would reach 2^53 lots (beyond exact `number`s), or an instrument whose precisions
   * differ from the ones the position was opened with (all programming errors, not market events);
   * nothing has changed then.
   */
  applyFill(fill: PortfolioFill, instrument: Instrument): FillOutcome {
    if (!Number.isSafeInteger(fill.quantity) || fill.quantity <= 0) {
      throw new TickflowError('MONEY_INVALID', `${fill.symbol}: fill quantity must be a positive whole number of lots, got ${fill.quantity}`, { exchange: fill.exchange, symbol: fill.symbol });
    }
    const p = this.positionFor(fill.exchange, fill.symbol, instrument);
    const qp = this.quotePrecision;
    const buy = fill.side === 'buy';
    const before = p.quantity;
    const after = buy ? before + fill.quantity : before - fill.quantity; // never -0: x − x is +0
    if (!Number.isSafeInteger(after)) {
      throw new TickflowError('MONEY_INVALID', `${p.key}: a position of ${after} lots is beyond 2^53`, { exchange: fill.exchange, symbol: fill.symbol });
    }
    const notional = fillNotional(instrument, fill.price, fill.quantity, qp);
    const signedNotional = buy ? notional : -notional;
    const valueBefore = this.valueOf(p);

    this.cashUnits -= signedNotional + fill.fee;
    this.feeUnits += fill.fee;
    p.fees += fill.fee;
    p.fillCount++;

    let realized = 0n;
    if (before === 0 || before > 0 === buy) {
      p.costBasis += signedNotional;
    } else {
      const held = before < 0 ? -before : before;
      if (fill.quantity < held) {
        // Partial close: the closed share of the cost basis, rounded; the remainder stays open.
        const removed = divHalfEven(p.costBasis * BigInt(fill.quantity), BigInt(held));
        realized = -(signedNotional + removed);
        p.costBasis -= removed;
      } else {
        // Full close, or a flip: the closing part's notional, rounded; the rest opens the new side.
        const closing = fill.quantity === held ? notional : fillNotional(instrument, fill.price, held, qp);
        const signedClosing = buy ? closing : -closing;
        realized = -(signedClosing + p.costBasis);
        p.costBasis = signedNotional - signedClosing;
      }
    }
    p.quantity = after;
    p.markValue = undefined;
    this.equityUnits += this.valueOf(p) - valueBefore - (signedNotional + fill.fee);
    p.realizedPnl += realized;
    this.realizedUnits += realized;
    return {
      key: p.key,
      symbol: fill.symbol,
      before,
      after,
      realizedPnl: realized,
      notional,
      flipped: (before > 0 && after < 0) || (before < 0 && after > 0),
    };
  }

  /**
   * Sets the price an instrument (`instrumentKey(exchange, symbol)`) is marked at (last mid, last
   * trade or bar close of that venue, as the caller decides). A market number is read as its
   * shortest decimal, exactly. For an open position the equity moves at once by the change in its
   * value (O(1)); returns true when the equity changed, so the caller samples it only then.
   */
  mark(key: string, price: number | string): boolean {
    const p = this.positions.get(key);
    if (p === undefined) {
      // Not traded yet: kept until the first fill opens the position.
      this.earlyMarks.set(key, price);
      return false;
    }
    if (price === p.markRaw) return false;
    if (p.quantity === 0) {
      // Flat: valued 0 at any mark, read when asked.
      p.markRaw = price;
      p.mark = undefined;
      p.markValue = undefined;
      return false;
    }
    const before = this.valueOf(p);
    p.markRaw = price;
    p.mark = undefined;
    p.markValue = undefined;
    const delta = this.valueOf(p) - before;
    this.equityUnits += delta;
    return delta !== 0n;
  }

  /** Signed lots held in an instrument (`instrumentKey`; 0 when never traded). */
  positionQuantity(key: string): number {
    return this.positions.get(key)?.quantity ?? 0;
  }

  /** One position (by `instrumentKey`), exact, or `undefined` when the instrument was never traded. */
  position(key: string): PositionView | undefined {
    const p = this.positions.get(key);
    if (p === undefined) return undefined;
    return {
      key: p.key,
      exchange: p.exchange,
      symbol: p.symbol,
      quantity: p.quantity,
      sizePrecision: p.sizePrecision,
      pricePrecision: p.pricePrecision,
      costBasis: p.costBasis,
      avgPrice: this.avgPriceOf(p),
      realizedPnl: p.realizedPnl,
      fees: p.fees,
      fillCount: p.fillCount,
    };
  }

  /** Keys (`exchange:SYMBOL`) of the instruments ever traded, sorted. */
  keys(): string[] {
    return [...this.positions.keys()].sort();
  }

  /**
   * True when an order of `side` and `quantity` lots only reduces the position (opposite side, no
   * larger than it): what `REDUCING` lets through.
   */
  wouldReduce(key: string, side: 'buy' | 'sell', quantity: number): boolean {
    const q = this.positionQuantity(key);
    if (!(quantity > 0)) return false;
    return side === 'buy' ? q < 0 && quantity <= -q : q > 0 && quantity <= q;
  }

  /** Signed market value of a position at its mark (its cost basis when unmarked), quote units. */
  marketValue(key: string): bigint {
    const p = this.positions.get(key);
    return p === undefined ? 0n : this.valueOf(p);
  }

  /** Unrealized PnL of one instrument (`instrumentKey`), or of all when omitted, quote units. */
  unrealizedPnl(key?: string): bigint {
    if (key !== undefined) {
      const p = this.positions.get(key);
      return p === undefined ? 0n : this.valueOf(p) - p.costBasis;
    }
    let total = 0n;
    for (const p of this.positions.values()) total += this.valueOf(p) - p.costBasis;
    return total;
  }

  /** Cash plus every position at its mark, quote units; kept current, so O(1). */
  equity(): bigint {
    return this.equityUnits;
  }

  /** Σ |market value| over positions, quote units (for the gross-exposure check). */
  grossExposure(): bigint {
    let total = 0n;
    for (const p of this.positions.values()) {
      const v = this.valueOf(p);
      total += v < 0n ? -v : v;
    }
    return total;
  }

  /** Everything as decimal strings at the quote precision (prices at it too), instrument keys sorted. */
  snapshot(): PortfolioSnapshot {
    const qp = this.quotePrecision;
    const positions: Record<string, PositionSnapshot> = {};
    let unrealized = 0n;
    let gross = 0n;
    for (const key of this.keys()) {
      const p = this.positions.get(key) as PositionState;
      const value = this.valueOf(p);
      const avg = this.avgPriceOf(p);
      unrealized += value - p.costBasis;
      gross += value < 0n ? -value : value;
      positions[key] = {
        quantity: formatUnits(p.quantity, p.sizePrecision),
        avgPrice: avg === undefined ? undefined : formatUnits(avg, qp),
        costBasis: formatUnits(p.costBasis, qp),
        markPrice: markOf(p) === undefined ? undefined : formatUnits(markOf(p)!.units, markOf(p)!.scale),
        marketValue: formatUnits(value, qp),
        realizedPnl: formatUnits(p.realizedPnl, qp),
        unrealizedPnl: formatUnits(value - p.costBasis, qp),
        fees: formatUnits(p.fees, qp),
        fills: p.fillCount,
      };
    }
    return {
      quotePrecision: qp,
      initialCash: formatUnits(this.initialCash, qp),
      cash: formatUnits(this.cashUnits, qp),
      realizedPnl: formatUnits(this.realizedUnits, qp),
      unrealizedPnl: formatUnits(unrealized, qp),
      fees: formatUnits(this.feeUnits, qp),
      equity: formatUnits(this.cashUnits + this.costBasisTotal() + unrealized, qp),
      grossExposure: formatUnits(gross, qp),
      positions,
    };
  }

  /** Σ cost basis of open positions, quote units (the books: see the class comment). */
  costBasisTotal(): bigint {
    let total = 0n;
    for (const p of this.positions.values()) total += p.costBasis;
    return total;
  }

  private positionFor(exchange: string, symbol: string, instrument: Instrument): PositionState {
    const key = instrumentKey(exchange, symbol);
    let p = this.positions.get(key);
    if (p === undefined) {
      p = new PositionState(key, exchange, symbol, instrument.pricePrecision, instrument.sizePrecision);
      p.markRaw = this.earlyMarks.get(key);
      this.earlyMarks.delete(key);
      this.positions.set(key, p);
    } else if (p.pricePrecision !== instrument.pricePrecision || p.sizePrecision !== instrument.sizePrecision) {
      throw new TickflowError('MONEY_INVALID', `${key}: instrument precisions changed after the position opened`, {
        exchange,
        symbol,
        pricePrecision: instrument.pricePrecision,
        sizePrecision: instrument.sizePrecision,
      });
    }
    return p;
  }

  private valueOf(p: PositionState): bigint {
    if (p.quantity === 0) return 0n;
    if (p.markValue !== undefined) return p.markValue; // set only with a mark: no need to read it
    // A market number is valued in floats where that is provably exact (reading it as a decimal
    // is the costly part of following every tick and every fill); otherwise exactly, below.
    if (typeof p.markRaw === 'number') {
      const value = markValue(p.markRaw, p.quantity, p.sizePrecision, this.quotePrecision);
      if (value !== undefined) return (p.markValue = value);
    }
    const mark = markOf(p);
    if (mark === undefined) return p.costBasis;
    p.markValue = mulUnits(mark.units, mark.scale, BigInt(p.quantity), p.sizePrecision, this.quotePrecision);
    return p.markValue;
  }

  private avgPriceOf(p: PositionState): bigint | undefined {
    if (p.quantity === 0) return undefined;
    return divToScale(p.costBasis, this.quotePrecision, BigInt(p.quantity), p.sizePrecision, this.quotePrecision);
  }
}

/** The position's mark as an exact decimal, read from the raw mark on first use. */
function markOf(p: PositionState): Decimal | undefined {
  if (p.mark === undefined && p.markRaw !== undefined) {
    p.mark = typeof p.markRaw === 'number' ? decimalOfNumber(p.markRaw) : parseDecimal(p.markRaw);
  }
  return p.mark;
}
