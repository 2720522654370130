/**
 * What the paper venue's data shows at each price of one instrument, and what the venue's own
 * orders have already taken there (liquidity consumption). Internal to the paper venue.
 *
 * Displayed size (`shown(ask, price)`), at the instant of the record being matched:
 * - the latest `book_ticker` gives the touch: its size at its price, nothing at better prices;
 * - at worse prices, the venue's own L2 `OrderBook` (fed from the `depth_snapshot` and
 *   `book_change` records it receives, so it is exact at every record, not conflated like the book
 *   actor's published snapshots, and needs no other actor's ordering), while that book is valid and
 *   the price lies within its levels;
 * - with no quote on a side, the L2 book alone (nothing at prices better than its best level);
 * - anything else is `UNKNOWN` (a price beyond what the data covers), which offers nothing.
 *
 * Consumption. The data never contains the venue's own orders, so after a fill of `q` at a level
 * the real level holds `q` less than the data says. Per (side, price) the view keeps `taken`; a level
 * offers `available = max(0, shown - taken)`, and on every data update `taken <- min(taken, shown)`
 * (`taken` is dropped when the level shows 0 or disappears). So a level that stays, or shrinks, offers
 * nothing new; only an increase of the displayed size (the data showing the level refilled, or a
 * level that disappeared and came back) is offered again, and only by the increase. Where the price
 * is `UNKNOWN`, `taken` is kept unchanged until the data shows the level again.
 */
import { OrderBook } from '../../../../src/model/order-book.js';
import { sizeToLots, type Instrument } from '../../../../src/model/instrument.js';
import { divRound, MAX_GRID_UNITS, toUnits } from '../../../../src/model/money.js';
import type { BookChange, BookTicker, DepthSnapshot } from '../../../../src/model/records.js';

/** `shown` when the data says nothing about a price. */
export const UNKNOWN = -1;

// Below this many units at the size precision (2^52, with room for a double's rounding), a market
// size is well inside the grid's exact range and `sizeToLots` takes it.
const SAFE_SIZE_UNITS = 2 ** 52;
const MAX_GRID_BIGINT = BigInt(MAX_GRID_UNITS);

/**
 * A market size (`amount` > 0: a trade's amount, a level's displayed size) as lots of `instrument`,
 * rounded `down` (what the data offers) or `ceil` (a queue ahead of an order) onto the size
 * increment, saturating at `MAX_GRID_UNITS`: a size beyond 2^53 lots exceeds anything an order can
 * want, so it offers (or blocks) as much as an unbounded one would, where `sizeToLots` would refuse
 * it as off the grid's range. Exact either way.
 */
export function marketLots(instrument: Instrument, amount: number, rounding: 'down' | 'ceil'): number {
  if (amount * 10 ** instrument.sizePrecision < SAFE_SIZE_UNITS) return sizeToLots(instrument, amount, rounding);
  if (amount === Infinity) return MAX_GRID_UNITS;
  // Rounding to the precision and then to the increment is one rounding for positive sizes (nested
  // floors and nested ceilings of positive quotients compose).
  const inc = BigInt(instrument.sizeIncrementLots);
  const lots = divRound(toUnits(amount, instrument.sizePrecision, rounding), inc, rounding) * inc;
  return lots < MAX_GRID_BIGINT ? Number(lots) : MAX_GRID_UNITS;
}

// What the venue's orders took at one level, in lots of the instrument they were taken with.
class Taken {
  lots: number;
  readonly instrument: Instrument;

  constructor(lots: number, instrument: Instrument) {
    this.lots = lots;
    this.instrument = instrument;
  }
}

/** Displayed depth and consumption of one instrument. */
export class DepthView {
  /** The venue's own L2 book, made on the first L2 record. */
  book: OrderBook | undefined;
  bidPrice: number;
  bidAmount: number;
  askPrice: number;
  askAmount: number;
  /** A `book_ticker` has been seen. */
  quoted: boolean;
  /** The last quote carried no sizes at all (a quote file): unlimited size at its prices. */
  unsized: boolean;
  private readonly bidTaken: Map<number, Taken>;
  private readonly askTaken: Map<number, Taken>;

  constructor() {
    // Every field set here, in one order (hidden class).
    this.book = undefined;
    this.bidPrice = NaN;
    this.bidAmount = 0;
    this.askPrice = NaN;
    this.askAmount = 0;
    this.quoted = false;
    this.unsized = false;
    this.bidTaken = new Map();
    this.askTaken = new Map();
  }

  /** A top-of-book update. */
  onQuote(q: BookTicker): void {
    this.bidPrice = q.bidPrice;
    this.bidAmount = q.bidAmount;
    this.askPrice = q.askPrice;
    this.askAmount = q.askAmount;
    this.quoted = true;
    this.unsized = !(q.askAmount > 0) && !(q.bidAmount > 0);
    this.refresh();
  }

  /** An L2 snapshot. */
  onSnapshot(s: DepthSnapshot): void {
    this.bookFor(s.exchange, s.symbol).applySnapshot(s);
    this.refresh();
  }

  /** An L2 diff; returns whether the book changed (applied, or a gap that invalidated it). */
  onChange(c: BookChange): boolean {
    const result = this.bookFor(c.exchange, c.symbol).applyChange(c);
    if (result !== 'applied' && result !== 'gap') return false;
    this.refresh();
    return true;
  }

  /** True while the L2 book is valid. */
  get deep(): boolean {
    return this.book !== undefined && this.book.valid;
  }

  /** The quote's price on a side when that side shows size (or the quote is unsized), else NaN. */
  quoteTouch(ask: boolean): number {
    if (!this.quoted) return NaN;
    const p = ask ? this.askPrice : this.bidPrice;
    const a = ask ? this.askAmount : this.bidAmount;
    return p > 0 && (this.unsized || a > 0) ? p : NaN;
  }

  /** Best price of a side: the quote's, else the valid L2 book's; NaN when neither. */
  touch(ask: boolean): number {
    const q = this.quoteTouch(ask);
    if (q === q) return q;
    if (!this.deep) return NaN;
    return (this.book as OrderBook).levelCount(ask) > 0 ? (this.book as OrderBook).levelPrice(ask, 0) : NaN;
  }

  /** Size the data displays at `price` on a side (`Infinity` at an unsized quote), or `UNKNOWN`. */
  shown(ask: boolean, price: number): number {
    const q = this.quoteTouch(ask);
    if (q === q) {
      if (price === q) return this.unsized ? Infinity : ask ? this.askAmount : this.bidAmount;
      if (ask ? price < q : price > q) return 0;
    }
    if (!this.deep) return UNKNOWN;
    const book = this.book as OrderBook;
    const n = book.levelCount(ask);
    if (n === 0) return UNKNOWN;
    const best = book.levelPrice(ask, 0);
    if (ask ? price < best : price > best) return 0;
    const worst = book.levelPrice(ask, n - 1);
    if (ask ? price > worst : price < worst) return UNKNOWN;
    return book.sideAmountAt(ask, price);
  }

  /** Lots an order of `instrument` may take at `price` now (at most `want`): displayed less taken. */
  available(ask: boolean, price: number, instrument: Instrument, want: number): number {
    const s = this.shown(ask, price);
    if (s === Infinity) return want;
    if (!(s > 0)) return 0;
    let lots = marketLots(instrument, s, 'down');
    const taken = (ask ? this.askTaken : this.bidTaken).get(price);
    if (taken !== undefined) lots -= taken.lots;
    if (lots <= 0) return 0;
    return lots < want ? lots : want;
  }

  /** Records that `lots` were taken at `price` on a side (the level's consumption grows). */
  take(ask: boolean, price: number, lots: number, instrument: Instrument): void {
    const map = ask ? this.askTaken : this.bidTaken;
    const taken = map.get(price);
    if (taken === undefined) map.set(price, new Taken(lots, instrument));
    else taken.lots += lots;
  }

  /** Lots taken at `price` on a side and not yet forgotten (for tests and stats). */
  takenAt(ask: boolean, price: number): number {
    return (ask ? this.askTaken : this.bidTaken).get(price)?.lots ?? 0;
  }

  // taken <- min(taken, shown) at every level with consumption; gone when the level shows 0.
  private refresh(): void {
    if (this.bidTaken.size > 0) this.refreshSide(false, this.bidTaken);
    if (this.askTaken.size > 0) this.refreshSide(true, this.askTaken);
  }

  private refreshSide(ask: boolean, map: Map<number, Taken>): void {
    for (const [price, taken] of map) {
      const s = this.shown(ask, price);
      if (s === UNKNOWN) continue;
      const lots = s === Infinity ? taken.lots : s > 0 ? marketLots(taken.instrument, s, 'down') : 0;
      if (lots <= 0) map.delete(price);
      else if (taken.lots > lots) taken.lots = lots;
    }
  }

  private bookFor(exchange: string, symbol: string): OrderBook {
    if (this.book === undefined) this.book = new OrderBook(exchange, symbol);
    return this.book;
  }
}
