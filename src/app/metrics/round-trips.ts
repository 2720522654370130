/**
 * Round trips: per instrument, a position from flat back to flat. A fill that takes the position
 * through zero closes one round trip and opens the next with what is left (a flip is two round
 * trips, never one). Adding to a position and reducing it without closing stay in the same trip.
 *
 * Money is exact and agrees with the portfolio to the unit (`portfolio.ts`): a fill's notional is
 * `round(price × lots)` at the quote precision; a flipping fill's closing part is
 * `round(price × lots held)` and the rest opens the new trip, as the portfolio splits it. So a
 * trip's gross PnL (exit notional − entry notional for a long, the reverse for a short) is exactly
 * the realized PnL the portfolio booked for its fills. A flipping fill's fee is split in proportion
 * to the lots: `round(fee × held / quantity)` (half-even) to the trip it closes, the rest to the one
 * it opens. Net PnL is gross minus the trip's fees.
 *
 * Times are the fills' engine times; the average prices are notional over lots at the quote
 * precision, half-even (as a position's `avgPrice`).
 */
import { fillNotional, type Fill } from '../../model/fill.js';
import type { Instrument } from '../../model/instrument.js';
import { instrumentKey } from '../../model/instrument-key.js';
import { divHalfEven, divToScale } from '../../model/money.js';
import { TickflowError } from '../../runtime/errors.js';

/** Which way a round trip held its position. */
export type TripSide = 'long' | 'short';

/**
 * A closed round trip. Money at the quote precision (`bigint`), quantities in lots of the
 * instrument (`number`s, exact below 2^53).
 */
export interface RoundTrip {
  /** `exchange:SYMBOL`. */
  readonly key: string;
  readonly side: TripSide;
  readonly openTs: number;
  readonly closeTs: number;
  /** Lots bought in (= lots sold out), positive. */
  readonly quantity: number;
  readonly sizePrecision: number;
  readonly entryNotional: bigint;
  readonly exitNotional: bigint;
  /** Average entry and exit prices at the quote precision. */
  readonly entryPrice: bigint;
  readonly exitPrice: bigint;
  /** Realized PnL before fees. */
  readonly grossPnl: bigint;
  readonly fees: bigint;
  /** `grossPnl − fees`. */
  readonly netPnl: bigint;
  readonly holdingUs: number;
  /** Fills that took part (a flipping fill counts in both trips). */
  readonly fills: number;
}

/** A round trip still open when the fills end. */
export interface OpenTrip {
  readonly key: string;
  readonly side: TripSide;
  readonly openTs: number;
  /** Signed lots held at the end. */
  readonly position: number;
}

/** Every closed round trip in close order, and the trips still open (by instrument key). */
export interface RoundTrips {
  readonly closed: readonly RoundTrip[];
  readonly open: readonly OpenTrip[];
}

// A trip being built. Every field set in the constructor (hidden class).
class TripBuilder {
  entered: number;
  exited: number;
  entryNotional: bigint;
  exitNotional: bigint;
  fees: bigint;
  fills: number;

  constructor(
    readonly side: TripSide,
    readonly openTs: number,
  ) {
    this.entered = 0;
    this.exited = 0;
    this.entryNotional = 0n;
    this.exitNotional = 0n;
    this.fees = 0n;
    this.fills = 0;
  }
}

interface Book {
  position: number;
  trip: TripBuilder | undefined;
}

/**
 * The round trips of `fills` (in the order they were applied). `instruments` by
 * `instrumentKey(exchange, symbol)`; throws a `TypeError` for a fill of an instrument not in it (the
 * backtest never makes one), and `MONEY_INVALID` when a position or the lots a trip takes in reach
 * 2^53 (beyond exact `number`s; the portfolio refuses such a position before).
 */
export function roundTrips(fills: readonly Fill[], instruments: ReadonlyMap<string, Instrument>, quotePrecision: number): RoundTrips {
  const closed: RoundTrip[] = [];
  const books = new Map<string, Book>();
  for (const fill of fills) {
    const key = instrumentKey(fill.exchange, fill.symbol);
    const instrument = instruments.get(key);
    if (instrument === undefined) throw new TypeError(`roundTrips: no instrument for ${key}`);
    let book = books.get(key);
    if (book === undefined) {
      book = { position: 0, trip: undefined };
      books.set(key, book);
    }
    const qp = quotePrecision;
    const buy = fill.side === 'buy';
    const notional = fillNotional(instrument, fill.price, fill.quantity, qp);
    const before = book.position;
    // Never -0: `x − x` is +0 (an `OpenTrip` holds no -0 position).
    book.position = buy ? before + fill.quantity : before - fill.quantity;
    if (!Number.isSafeInteger(book.position)) throw beyondExact(key, 'a position of', book.position);
    if (before === 0 || before > 0 === buy) {
      // Opens or adds.
      book.trip ??= new TripBuilder(buy ? 'long' : 'short', fill.ts);
      enter(key, book.trip, fill.quantity, notional, fill.fee);
      continue;
    }
    const held = before < 0 ? -before : before;
    const trip = book.trip!;
    if (fill.quantity <= held) {
      trip.exited += fill.quantity;
      trip.exitNotional += notional;
      trip.fees += fill.fee;
      trip.fills++;
      if (fill.quantity === held) {
        closed.push(close(key, trip, fill.ts, instrument.sizePrecision, qp));
        book.trip = undefined;
      }
      continue;
    }
    // A flip: the held lots close this trip, the rest open the next on the other side.
    const closing = fillNotional(instrument, fill.price, held, qp);
    const closingFee = divHalfEven(fill.fee * BigInt(held), BigInt(fill.quantity));
    trip.exited += held;
    trip.exitNotional += closing;
    trip.fees += closingFee;
    trip.fills++;
    closed.push(close(key, trip, fill.ts, instrument.sizePrecision, qp));
    book.trip = new TripBuilder(buy ? 'long' : 'short', fill.ts);
    enter(key, book.trip, fill.quantity - held, notional - closing, fill.fee - closingFee);
  }
  const open: OpenTrip[] = [];
  for (const key of [...books.keys()].sort()) {
    const book = books.get(key)!;
    if (book.trip !== undefined) open.push({ key, side: book.trip.side, openTs: book.trip.openTs, position: book.position });
  }
  return { closed, open };
}

// `exited` never passes `entered` (a trip closes when they meet), so checking `entered` keeps both
// sums exact.
function enter(key: string, trip: TripBuilder, lots: number, notional: bigint, fee: bigint): void {
  trip.entered += lots;
  if (!Number.isSafeInteger(trip.entered)) throw beyondExact(key, 'a round trip taking in', trip.entered);
  trip.entryNotional += notional;
  trip.fees += fee;
  trip.fills++;
}

function close(key: string, trip: TripBuilder, closeTs: number, sizePrecision: number, qp: number): RoundTrip {
  const grossPnl = trip.side === 'long' ? trip.exitNotional - trip.entryNotional : trip.entryNotional - trip.exitNotional;
  return {
    key,
    side: trip.side,
    openTs: trip.openTs,
    closeTs,
    quantity: trip.entered,
    sizePrecision,
    entryNotional: trip.entryNotional,
    exitNotional: trip.exitNotional,
    entryPrice: divToScale(trip.entryNotional, qp, BigInt(trip.entered), sizePrecision, qp),
    exitPrice: divToScale(trip.exitNotional, qp, BigInt(trip.exited), sizePrecision, qp),
    grossPnl,
    fees: trip.fees,
    netPnl: grossPnl - trip.fees,
    holdingUs: closeTs - trip.openTs,
    fills: trip.fills,
  };
}

function beyondExact(key: string, what: string, lots: number): TickflowError {
  return new TickflowError('MONEY_INVALID', `${key}: ${what} ${lots} lots is beyond 2^53`, { key });
}
