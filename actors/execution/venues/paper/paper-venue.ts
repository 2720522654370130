/**
 * The paper venue: a simulated exchange that matches orders against the market data the engine
 * sees, with no look-ahead. Pure logic on engine time, no actor: the execution actor feeds it market
 * records (`onMarket`), requests (`submit`, `cancel`) and the clock (`onTime` at `nextDeadline`),
 * and publishes and applies the events it returns. The same object serves backtests and paper
 * trading.
 *
 * Time. A request made at engine time `ts` reaches the venue at `ts + latencyUs`; before that it
 * does nothing. Requests reach the venue in order of arrival time, then of submission. Market data
 * is stamped with its engine time `tsRecv`. When `onMarket` gets a record at `T`, every request due
 * at or before `T` is handled first (so at equal times a request comes before the market), then the
 * record is matched. Events come back in engine-time order: arrivals (`accepted`, `rejected`) and
 * cancels (`canceled`, `cancelRejected`) at their arrival times, then fills at `T`.
 *
 * Fills (no look-ahead: only updates with `tsRecv >=` the arrival, never the quote standing at
 * arrival). An instrument whose data shows depth (quotes, or L2 `depth_snapshot`/`book_change`
 * records, from which the venue keeps its own book) follows `paper-depth-matching.ts`: liquidity is
 * consumed, market orders walk the L2 book, resting limits keep a queue position, and trades only
 * move queues. Otherwise trades, else bars, price fills by `paper-matching.ts`. An
 * instrument is a symbol on one exchange (`instrumentKey(exchange, symbol)`): one paper venue may
 * serve several exchanges, and an order only ever matches its own exchange's data.
 *
 * Fees. `notional = price × quantity` (`fillNotional`) and `fee = notional × rate` (`feeFor`), each
 * rounded half-even at the quote precision: the instrument's, unless `quotePrecision` is given
 * (the portfolio's, which the `Fill` must be at). Maker rate for resting fills, taker otherwise.
 *
 * Cost. `onMarket` is called on every tick: with no working order for the symbol and no request
 * due it does one map lookup (plus, for depth records, keeping the depth current: a quote is four
 * stores, an L2 diff is applied to the venue's book) and returns the shared `NO_VENUE_EVENTS`; market numbers are turned
 * into exact units only when something fills. Closed orders are forgotten (the order registry keeps
 * history and enforces client order id idempotency; the venue only ignores, and counts, a second
 * submission of an id it still holds).
 */
import { feeFor, fillNotional, parseFeeRate, type Fill, type Liquidity } from '../../../../src/model/fill.js';
import { formatSize, ticksToNumber, type Instrument } from '../../../../src/model/instrument.js';
import { InstrumentKeys, instrumentKey } from '../../../../src/model/instrument-key.js';
import { formatUnits, toUnits, type Decimal } from '../../../../src/model/money.js';
import { validateNewOrder, type NewOrder } from '../../../../src/model/order.js';
import type { MarketRecord } from '../../../../src/model/records.js';
import { ordersOpenAfterRestart, type RecoveredTrading } from '../../../../src/model/trading-recovery.js';
import { PaperAccount, type AccountSnapshot } from './paper-account.js';
import { matchDepth, matchDepthTrade } from './paper-depth-matching.js';
import { matchBar, matchTrade, type FillSink, type MatchRules } from './paper-matching.js';
import { LEVEL_BAR, LEVEL_QUOTE, LEVEL_TRADE, SymbolBook, VenueOrder, cancelRefusal } from './paper-order.js';
import { PendingAction, RequestQueue } from './paper-requests.js';
import { parsePaperVenueConfig, type PaperVenueConfig, type PaperVenueConfigInput } from './paper-venue-config.js';
import { NO_VENUE_EVENTS, fillEvent, statusEvent, type FillSource, type VenueEvent, type VenueReasonCode } from '../venue-events.js';

/** Instruments by `instrumentKey(exchange, symbol)`: a map, or a function (for instruments inferred as data arrives). */
export type InstrumentLookup = ReadonlyMap<string, Instrument> | ((symbol: string) => Instrument | undefined);

/** What the venue needs besides its config. */
export interface PaperVenueOptions {
  readonly instruments: InstrumentLookup;
  /** Precision of notionals and fees (the portfolio's); default: each instrument's `quotePrecision`. */
  readonly quotePrecision?: number | undefined;
  /**
   * Starting balance of the account (`paper-account.ts`), a decimal in the quote currency, at
   * `quotePrecision` (required with it). Without it the venue keeps no account and refuses no
   * order for money: a bare matching engine, as unit tests of the fill rules use it.
   */
  readonly initialCash?: string | undefined;
}

/** Counts since the venue was made. */
export interface PaperVenueCounters {
  submitted: number;
  /** Submissions ignored because the venue still held an order with that client order id. */
  duplicates: number;
  accepted: number;
  rejected: number;
  fills: number;
  canceled: number;
  cancelRejected: number;
}

/** The paper venue. Create with `createPaperVenue`. */
export class PaperVenue implements FillSink {
  readonly config: PaperVenueConfig;
  readonly counters: PaperVenueCounters;
  private readonly makerRate: Decimal;
  private readonly takerRate: Decimal;
  private readonly rules: MatchRules;
  private readonly lookup: InstrumentLookup;
  private readonly quotePrecision: number | undefined;
  // By instrument key; `keys` interns the keys of market records (one lookup per tick).
  private readonly books: Map<string, SymbolBook>;
  private readonly keys: InstrumentKeys;
  // Orders pending or working, by client order id.
  private readonly live: Map<string, VenueOrder>;
  private readonly requests: RequestQueue;
  private seq: number;
  /** The account, when `initialCash` was given. */
  readonly account: PaperAccount | undefined;
  /** The venue's price of an instrument (bound once: the account calls it at arrivals). */
  readonly markOf: (key: string) => number | undefined;
  // Events of the call in progress (allocated on the first one) and whether an order closed in it.
  private out: VenueEvent[] | undefined;
  private closed: boolean;

  constructor(config: PaperVenueConfig, options: PaperVenueOptions) {
    // Fields in one fixed order (hidden class).
    this.config = config;
    this.counters = { submitted: 0, duplicates: 0, accepted: 0, rejected: 0, fills: 0, canceled: 0, cancelRejected: 0 };
    this.makerRate = parseFeeRate(config.makerFee);
    this.takerRate = parseFeeRate(config.takerFee);
    this.rules = {
      partialFills: config.partialFills,
      crossOnTouch: config.limitCross === 'touch',
      barVolumeShare: config.barVolumeShare,
      barSlippageBps: config.barSlippageBps,
    };
    this.lookup = options.instruments;
    this.quotePrecision = options.quotePrecision;
    this.books = new Map();
    this.keys = new InstrumentKeys();
    this.live = new Map();
    this.requests = new RequestQueue();
    this.seq = 0;
    this.account =
      options.initialCash === undefined
        ? undefined
        : new PaperAccount(toUnits(options.initialCash, options.quotePrecision ?? 0), options.quotePrecision ?? 0, this.takerRate, config.accounts);
    this.markOf = (key) => this.books.get(key)?.mark();
    this.out = undefined;
    this.closed = false;
  }

  /**
   * Sends an order; it reaches the venue at `order.ts + latencyUs` and is accepted or rejected
   * then (unknown instrument, invalid order, or a market order with no quotes under
   * `marketWithoutQuotes: reject`). Returns the arrival time, or `undefined` when the venue still
   * holds an order with this client order id (ignored and counted: nothing is emitted for it).
   */
  submit(order: NewOrder): number | undefined {
    if (this.live.has(order.clientOrderId)) {
      this.counters.duplicates++;
      return undefined;
    }
    this.counters.submitted++;
    const key = this.keys.of(order.exchange, order.symbol);
    const instrument = typeof this.lookup === 'function' ? this.lookup(key) : this.lookup.get(key);
    let code: VenueReasonCode | undefined;
    let reason: string | undefined;
    if (instrument === undefined) {
      code = 'UNKNOWN_INSTRUMENT';
      reason = `UNKNOWN_INSTRUMENT: no instrument for ${key}`;
    } else {
      const invalid = validateNewOrder(order, instrument);
      if (invalid !== undefined) {
        code = 'INVALID_ORDER';
        reason = `INVALID_ORDER: ${invalid}`;
      }
    }
    const limit = code === undefined && order.type === 'limit' ? (order.limitPrice as number) : 0;
    const arrival = order.ts + this.config.latencyUs;
    const seq = this.seq++;
    const limitNumber = limit === 0 ? 0 : ticksToNumber(instrument as Instrument, limit);
    const { clientOrderId, exchange, symbol, side, type, quantity, ts } = order;
    const o = new VenueOrder(clientOrderId, exchange, symbol, side, type, quantity, limit, limitNumber, ts, arrival, seq, instrument, code, reason);
    this.live.set(o.clientOrderId, o);
    this.requests.push(new PendingAction(arrival, seq, 'arrive', o.clientOrderId, o));
    return arrival;
  }

  /**
   * Asks to cancel an order; the request reaches the venue at `ts + latencyUs`. If the order is
   * still working then, the rest is canceled (earlier fills stand); otherwise a `cancelRejected`
   * says why (`ALREADY_FILLED`, `ALREADY_CANCELED`, `ALREADY_REJECTED`, or `UNKNOWN_ORDER` for an
   * id the venue did not hold when asked, or an order that had not arrived yet). Returns the
   * arrival time of the request.
   */
  cancel(clientOrderId: string, ts: number): number {
    const time = ts + this.config.latencyUs;
    this.requests.push(new PendingAction(time, this.seq++, 'cancel', clientOrderId, this.live.get(clientOrderId)));
    return time;
  }

  /**
   * Recovery: rebuilds the venue as the journal left it (this is the paper venue's own persisted
   * state): the account from every fill, then the working orders (`ACCEPTED`, `PARTIALLY_FILLED`,
   * `PENDING_CANCEL`) back on their books with what they have left, in their original order, as
   * resting (so a limit that rested fills as a maker). Orders `SUBMITTED` but never acknowledged
   * are not restored: the venue never held them (execution closes them). Call before any request.
   */
  restore(recovered: RecoveredTrading): void {
    for (const fill of recovered.fills) {
      const key = this.keys.of(fill.exchange, fill.symbol);
      const instrument = this.instrumentOf(key);
      if (instrument === undefined || this.account === undefined) continue;
      const qp = this.quotePrecision ?? instrument.quotePrecision;
      this.account.restoreFill(key, instrument, fill.exchange, fill.side, fill.quantity, fillNotional(instrument, fill.price, fill.quantity, qp), fill.fee);
    }
    for (const order of ordersOpenAfterRestart(recovered)) {
      if (order.status === 'PENDING_APPROVAL') continue; // never sent
      const key = this.keys.of(order.exchange, order.symbol);
      const instrument = this.instrumentOf(key);
      if (instrument === undefined) continue;
      const limit = order.type === 'limit' ? (order.limitPrice as number) : 0;
      const arrival = order.timestamps.ACCEPTED ?? order.updatedTs;
      const o = new VenueOrder(order.clientOrderId, order.exchange, order.symbol, order.side, order.type, order.quantity, limit, limit === 0 ? 0 : ticksToNumber(instrument, limit), order.createdTs, arrival, this.seq++, instrument, undefined, undefined);
      o.remaining = order.quantity - order.filledQuantity;
      o.seen = true;
      o.state = 'working';
      this.live.set(o.clientOrderId, o);
      this.bookOf(key).orders.push(o);
      this.account?.restoreOpen(key, instrument, order.exchange, order.side, o.remaining, limit);
    }
  }

  /**
   * A market record at engine time `tsRecv`: handles the requests due by then, then fills what
   * the record fills. Returns the events in engine-time order (the shared empty array when none).
   */
  onMarket(record: MarketRecord): readonly VenueEvent[] {
    this.out = undefined;
    const t = record.tsRecv;
    const next = this.requests.nextTime();
    if (next !== undefined && next <= t) this.runDue(t);
    const type = record.type;
    if (type !== 'book_ticker' && type !== 'book_change' && type !== 'depth_snapshot' && type !== 'trade' && type !== 'trade_bar') return this.finish();
    const book = this.bookOf(this.keys.of(record.exchange, record.symbol));
    // The account's mark: the last trade, quote mid or bar close, as execution marks positions.
    if (record.type === 'trade') book.lastPrice = record.price;
    else if (record.type === 'book_ticker') {
      if (record.bidPrice > 0 && record.askPrice > 0) book.lastPrice = (record.bidPrice + record.askPrice) / 2;
    } else if (record.type === 'trade_bar') book.lastPrice = record.close;
    this.closed = false;
    if (type === 'book_ticker' || type === 'book_change' || type === 'depth_snapshot') {
      // Depth is kept current with no order working: it must be right when one arrives.
      const depth = book.depth;
      if (type === 'book_ticker') depth.onQuote(record);
      else if (type === 'depth_snapshot') depth.onSnapshot(record);
      else if (!depth.onChange(record)) return this.finish();
      if (!depth.quoted && !depth.deep) return this.finish();
      book.level = LEVEL_QUOTE;
      if (book.orders.length === 0) return this.finish();
      matchDepth(book.orders, depth, t, this.rules, type === 'book_ticker' ? 'quote' : 'book', this);
    } else if (book.level === LEVEL_QUOTE) {
      // Depth is shown: trades only move the queues of resting limits (and fill them past it).
      if (type !== 'trade' || book.orders.length === 0) return this.finish();
      matchDepthTrade(book.orders, record, this.rules, this);
    } else {
      const level = type === 'trade' ? LEVEL_TRADE : LEVEL_BAR;
      if (level < book.level) return this.finish();
      book.level = level;
      if (book.orders.length === 0) return this.finish();
      if (type === 'trade') matchTrade(book.orders, record, this.rules, this);
      else matchBar(book.orders, record, this.rules, this);
    }
    if (this.closed) book.removeFilled();
    return this.finish();
  }

  /**
   * The engine clock reached `now`: handles the requests due by then (arrivals and cancels; no
   * fills, which need a market record). Call it at `nextDeadline()`.
   */
  onTime(now: number): readonly VenueEvent[] {
    this.out = undefined;
    this.runDue(now);
    return this.finish();
  }

  /** Engine time of the next request to reach the venue, or `undefined` when none is in flight. */
  nextDeadline(): number | undefined {
    return this.requests.nextTime();
  }

  /** Lots still open at the venue for an order that is pending or working, else `undefined`. */
  leaves(clientOrderId: string): number | undefined {
    return this.live.get(clientOrderId)?.remaining;
  }

  /** Number of working (arrived, open) orders, for one instrument (`instrumentKey`) or all. */
  workingCount(key?: string): number {
    if (key !== undefined) return this.books.get(key)?.orders.length ?? 0;
    let n = 0;
    for (const book of this.books.values()) n += book.orders.length;
    return n;
  }

  /** Requests (orders and cancels) still travelling to the venue. */
  inFlightCount(): number {
    return this.requests.size;
  }

  /** @internal The fill rules' sink: books a fill and emits its event. */
  fillOrder(o: VenueOrder, quantity: number, price: number, liquidity: Liquidity, ts: number, priceTs: number, source: FillSource): void {
    const instrument = o.instrument as Instrument;
    const qp = this.quotePrecision ?? instrument.quotePrecision;
    const rate = liquidity === 'maker' ? this.makerRate : this.takerRate;
    let notional = fillNotional(instrument, price, quantity, qp);
    let fee = feeFor(notional, rate, qp);
    const account = this.account;
    if (account !== undefined) {
      const key = this.keys.of(o.exchange, o.symbol);
      if (o.side === 'buy') {
        const paid = account.affordable(key, quantity, price, rate, notional, fee);
        if (paid < quantity) {
          if (paid > 0) this.fillOrder(o, paid, price, liquidity, ts, priceTs, source);
          this.cutShort(o, key, ts);
          return;
        }
      }
      account.onFill(key, o.side, quantity, notional, fee);
    }
    o.remaining -= quantity;
    const fill: Fill = { clientOrderId: o.clientOrderId, exchange: o.exchange, symbol: o.symbol, side: o.side, quantity, price, fee, liquidity, ts };
    this.counters.fills++;
    if (o.remaining === 0) {
      o.state = 'filled';
      this.live.delete(o.clientOrderId);
      this.closed = true;
    }
    this.emit(fillEvent(fill, o.remaining, source, priceTs));
  }

  /** The account as decimal strings (`undefined` without one). */
  accountSnapshot(): AccountSnapshot | undefined {
    return this.account?.snapshot(this.markOf);
  }

  // Ends what is left of a buy the cash balance cannot pay for (after any part it could).
  private cutShort(o: VenueOrder, key: string, ts: number): void {
    if (o.remaining === 0) return;
    const account = this.account as PaperAccount;
    account.release(key, o.side, o.remaining);
    account.refuse('INSUFFICIENT_BALANCE');
    o.remaining = 0;
    o.state = 'canceled';
    this.live.delete(o.clientOrderId);
    this.closed = true;
    this.counters.canceled++;
    const reason = `INSUFFICIENT_BALANCE: the cash balance of ${formatUnits(account.cash, this.quotePrecision ?? 0)} pays for no more of ${o.clientOrderId}`;
    this.emit(statusEvent('canceled', o.clientOrderId, o.exchange, o.symbol, ts, 0, 'INSUFFICIENT_BALANCE', reason));
  }

  private instrumentOf(key: string): Instrument | undefined {
    return typeof this.lookup === 'function' ? this.lookup(key) : this.lookup.get(key);
  }

  private finish(): readonly VenueEvent[] {
    const out = this.out;
    this.out = undefined;
    return out ?? NO_VENUE_EVENTS;
  }

  private emit(event: VenueEvent): void {
    if (this.out === undefined) this.out = [event];
    else this.out.push(event);
  }

  private bookOf(key: string): SymbolBook {
    let book = this.books.get(key);
    if (book === undefined) {
      book = new SymbolBook();
      this.books.set(key, book);
    }
    return book;
  }

  private runDue(now: number): void {
    for (let action = this.requests.takeDue(now); action !== undefined; action = this.requests.takeDue(now)) {
      if (action.kind === 'arrive') this.arrive(action.order as VenueOrder);
      else this.cancelArrives(action);
    }
  }

  private arrive(o: VenueOrder): void {
    const book = this.bookOf(this.keys.of(o.exchange, o.symbol));
    let code = o.rejectCode;
    let reason = o.rejectReason;
    if (code === undefined && o.type === 'market' && this.config.marketWithoutQuotes === 'reject' && book.level < LEVEL_QUOTE) {
      code = 'NO_QUOTES';
      reason = `NO_QUOTES: no quote for ${instrumentKey(o.exchange, o.symbol)} yet`;
    }
    if (code === undefined && this.account !== undefined) {
      const key = this.keys.of(o.exchange, o.symbol);
      code = this.account.admit(key, o.instrument as Instrument, o, this.markOf);
      if (code !== undefined) reason = refusalReason(code, o, key);
    }
    if (code !== undefined) {
      o.state = 'rejected';
      if (this.live.get(o.clientOrderId) === o) this.live.delete(o.clientOrderId);
      this.counters.rejected++;
      this.emit(statusEvent('rejected', o.clientOrderId, o.exchange, o.symbol, o.arrival, 0, code, reason));
      return;
    }
    o.state = 'working';
    book.orders.push(o);
    this.counters.accepted++;
    this.emit(statusEvent('accepted', o.clientOrderId, o.exchange, o.symbol, o.arrival, o.remaining, undefined, undefined));
  }

  private cancelArrives(action: PendingAction): void {
    const o = action.order;
    const exchange = o?.exchange ?? '';
    const symbol = o?.symbol ?? '';
    if (o !== undefined && o.state === 'working') {
      this.account?.release(this.keys.of(o.exchange, o.symbol), o.side, o.remaining);
      o.state = 'canceled';
      this.bookOf(this.keys.of(o.exchange, o.symbol)).remove(o);
      this.live.delete(o.clientOrderId);
      this.counters.canceled++;
      this.emit(statusEvent('canceled', o.clientOrderId, exchange, symbol, action.time, 0, undefined, undefined));
      return;
    }
    const code = cancelRefusal(o);
    this.counters.cancelRejected++;
    const leaves = o !== undefined && o.state === 'pending' ? o.remaining : 0;
    this.emit(statusEvent('cancelRejected', action.clientOrderId, exchange, symbol, action.time, leaves, code, `${code}: cannot cancel ${action.clientOrderId}`));
  }
}

// What an account refusal says, naming the order and its instrument.
function refusalReason(code: VenueReasonCode, o: VenueOrder, key: string): string {
  const what = `${o.side} ${formatSize(o.instrument as Instrument, o.quantity)} ${key} (${o.clientOrderId})`;
  if (code === 'NO_SHORT_SALE') return `NO_SHORT_SALE: ${what} sells more than the cash account holds net of its open sells, and borrowing is off`;
  if (code === 'INSUFFICIENT_MARGIN') return `INSUFFICIENT_MARGIN: ${what} needs more collateral than the margin account has free`;
  return `INSUFFICIENT_BALANCE: ${what} costs more than the cash account has free`;
}

/**
 * A paper venue. `config` is validated here (`parsePaperVenueConfig`: defaults filled in; an invalid
 * one throws `CONFIG_INVALID` listing every bad path).
 */
export function createPaperVenue(config: PaperVenueConfigInput, options: PaperVenueOptions): PaperVenue {
  return new PaperVenue(parsePaperVenueConfig(config), options);
}
