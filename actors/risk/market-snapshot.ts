/**
 * What the risk guard knows of an instrument's market: best bid and ask, last trade, last bar close
 * and the receive time of its last record from the venue. `MarketSnapshots` keeps one per
 * instrument (`instrumentKey(exchange, symbol)`: spot and futures `BTCUSDT` are two markets),
 * updated in place from the records the risk actor receives (no allocation per record once an
 * instrument is known).
 *
 * Staleness is judged on venue data only. A bar the engine built is stamped at its close, so it
 * would look fresh however long ago the last trade came; it moves the bar close, never the receive
 * time. Built bars and bars read from a file travel on the same topic (`md.<exch>.<sym>.trade_bar`)
 * with the same fields, so they are told apart by their `interval`: the bars actor names every bar
 * it builds after its spec (`1s`, `1m:mid`, `100t`), the same text the strategy filters on, and the
 * composition root passes it here (none when bars come from a file and the engine builds none). A
 * bar file of the very interval the engine builds, for a symbol the engine also builds bars for,
 * is therefore counted as built: the check errs toward stale, never toward fresh.
 *
 * Prices stay JavaScript numbers here (market data, DESIGN.md); a check that compares money reads
 * them exactly as their shortest decimals (`decimalOfNumber`), and a mid is computed exactly.
 */
import { InstrumentKeys } from '../../src/model/instrument-key.js';
import { decimalOfNumber, pow10, type Decimal } from '../../src/model/money.js';
import type { OrderSide } from '../../src/model/order.js';
import type { MarketRecord } from '../../src/model/records.js';
import type { ReferencePriceSource } from './risk-config.js';

/** One symbol's latest market figures; `undefined` where never seen. Times are engine µs. */
export interface MarketSnapshot {
  readonly bid: number | undefined;
  readonly ask: number | undefined;
  readonly last: number | undefined;
  readonly barClose: number | undefined;
  /** `tsRecv` of the symbol's last record from the venue (never of a bar the engine built). */
  readonly lastTickTs: number | undefined;
}

// Mutable, every field set in the constructor in one order (one hidden class for all symbols).
class SymbolMarket implements MarketSnapshot {
  bid: number | undefined;
  ask: number | undefined;
  last: number | undefined;
  barClose: number | undefined;
  lastTickTs: number | undefined;

  constructor() {
    this.bid = undefined;
    this.ask = undefined;
    this.last = undefined;
    this.barClose = undefined;
    this.lastTickTs = undefined;
  }
}

/**
 * Latest market figures per instrument key. Every record from the venue moves the tick time (its `tsRecv`,
 * the engine time it was received); trades set `last`, book tickers `bid`/`ask` (a side of 0 or
 * less counts as empty), bars `barClose`. Book changes and snapshots only move the tick time (no
 * book is kept here). A bar of `builtBarInterval` (see the module comment) sets `barClose` only.
 */
export class MarketSnapshots {
  private readonly byKey: Map<string, SymbolMarket>;
  private readonly keys: InstrumentKeys;
  private readonly builtBarInterval: string | undefined;

  /** `builtBarInterval`: the interval of the bars the engine builds; undefined when it builds none. */
  constructor(builtBarInterval?: string) {
    this.byKey = new Map();
    this.keys = new InstrumentKeys();
    this.builtBarInterval = builtBarInterval;
  }

  /** Updates the record's instrument (its exchange and symbol). */
  observe(record: MarketRecord): void {
    const key = this.keys.of(record.exchange, record.symbol);
    let m = this.byKey.get(key);
    if (m === undefined) {
      m = new SymbolMarket();
      this.byKey.set(key, m);
    }
    switch (record.type) {
      case 'trade':
        m.last = record.price;
        break;
      case 'book_ticker':
        m.bid = record.bidPrice > 0 ? record.bidPrice : undefined;
        m.ask = record.askPrice > 0 ? record.askPrice : undefined;
        break;
      case 'trade_bar':
        m.barClose = record.close;
        if (record.interval === this.builtBarInterval) return; // built here: not news from the venue
        break;
      default:
        break;
    }
    m.lastTickTs = record.tsRecv;
  }

  /**
   * The figures of an instrument (`instrumentKey(exchange, symbol)`), or `undefined` when no
   * record of it was seen. Live view: do not keep.
   */
  get(key: string): MarketSnapshot | undefined {
    return this.byKey.get(key);
  }
}

function positive(x: number | undefined): Decimal | undefined {
  if (x === undefined || !(x > 0) || !Number.isFinite(x)) return undefined;
  return decimalOfNumber(x);
}

/** `(bid + ask) / 2`, exact (one more decimal when the sum is odd). */
export function exactMid(bid: number, ask: number): Decimal {
  const b = decimalOfNumber(bid);
  const a = decimalOfNumber(ask);
  const scale = Math.max(a.scale, b.scale);
  const sum = b.units * pow10(scale - b.scale) + a.units * pow10(scale - a.scale);
  return sum % 2n === 0n ? { units: sum / 2n, scale } : { units: sum * 5n, scale: scale + 1 };
}

/** The first available of `sources` (mid needs both sides), exactly; `undefined` when none is. */
export function referencePrice(snapshot: MarketSnapshot | undefined, sources: readonly ReferencePriceSource[]): Decimal | undefined {
  if (snapshot === undefined) return undefined;
  for (const source of sources) {
    let d: Decimal | undefined;
    if (source === 'mid') {
      d = positive(snapshot.bid) !== undefined && positive(snapshot.ask) !== undefined ? exactMid(snapshot.bid as number, snapshot.ask as number) : undefined;
    } else if (source === 'last') {
      d = positive(snapshot.last);
    } else {
      d = positive(snapshot.barClose);
    }
    if (d !== undefined) return d;
  }
  return undefined;
}

/**
 * The price a market order of `side` is expected to trade at: the opposite top of book (ask for a
 * buy, bid for a sell, as the paper venue fills), else the reference price.
 */
export function expectedMarketPrice(
  snapshot: MarketSnapshot | undefined,
  side: OrderSide,
  sources: readonly ReferencePriceSource[],
): Decimal | undefined {
  if (snapshot === undefined) return undefined;
  const top = positive(side === 'buy' ? snapshot.ask : snapshot.bid);
  return top ?? referencePrice(snapshot, sources);
}
