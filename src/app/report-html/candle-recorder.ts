/**
 * Records each instrument's price candles during a backtest, for the HTML report's price charts
 * (`candle-builder.ts`: 1 s candles coarsened as needed to stay under `MAX_CANDLES`).
 *
 * Like the equity recorder (`metrics/equity-recorder.ts`) it is a tap on the bus, not an actor: a
 * plain subscriber with no mailbox, so it changes nothing the trading actors see, adds no line to
 * the report's per-actor counters and cannot hold up admission. It reads what execution marks
 * from, in bus order: trades (price, at receive time), two-sided quotes (mid) and bars (open, high,
 * low, close at the bar's open time), each kind into its own builder. An instrument's candles come
 * from its trades when it has any, else from its quotes, else from its bars (read from a file, or
 * built by the bars actor): the finest source the data has.
 *
 * Cost per record: two map lookups (exchange, then symbol; no key string is built) and an O(1)
 * update; memory at most three builders of `MAX_CANDLES` per instrument. Deterministic: only
 * record fields and bus order are read.
 */
import { instrumentKey } from '../../model/instrument-key.js';
import type { MarketRecord } from '../../model/records.js';
import type { ActorSystem } from '../../runtime/actor-system.js';
import type { BusSubscriber } from '../../runtime/bus.js';
import { CandleBuilder, type Candle } from './candle-builder.js';

/** What an instrument's candles were built from. */
export type CandleSource = 'trades' | 'quotes' | 'bars';

/** One instrument's candles. */
export interface PriceCandles {
  /** `exchange:SYMBOL`. */
  readonly key: string;
  readonly source: CandleSource;
  /** Interval of every candle, µs. */
  readonly resolutionUs: number;
  /** In time order, never empty. */
  readonly candles: readonly Candle[];
}

/** A running recorder; `finish` once, when the run has ended. */
export interface CandleRecorder {
  /** Stops recording; every instrument that had a price, by key. */
  finish(): PriceCandles[];
}

const TOPICS = ['md.*.*.trade', 'md.*.*.book_ticker', 'md.*.*.trade_bar'] as const;

/** Starts recording the bus of `system` (call before the replay starts). */
export function createCandleRecorder(system: ActorSystem): CandleRecorder {
  const tap = new CandleTap();
  for (const topic of TOPICS) system.bus.subscribe(topic, tap);
  return {
    finish(): PriceCandles[] {
      system.bus.unsubscribe(tap);
      return tap.finish();
    },
  };
}

// Builders of one instrument, created on its first record of each kind. Fields set in the constructor (hidden class).
class Slot {
  trades: CandleBuilder | undefined;
  quotes: CandleBuilder | undefined;
  bars: CandleBuilder | undefined;

  constructor(
    readonly exchange: string,
    readonly symbol: string,
  ) {
    this.trades = undefined;
    this.quotes = undefined;
    this.bars = undefined;
  }
}

class CandleTap implements BusSubscriber<unknown> {
  private readonly byExchange: Map<string, Map<string, Slot>>;
  private finished: boolean;

  constructor() {
    this.byExchange = new Map();
    this.finished = false;
  }

  enqueue(message: unknown): void {
    if (this.finished) return;
    const m = message as MarketRecord;
    switch (m.type) {
      case 'trade':
        (this.slot(m.exchange, m.symbol).trades ??= new CandleBuilder()).addPrice(m.tsRecv, m.price);
        return;
      case 'book_ticker':
        if (m.bidPrice > 0 && m.askPrice > 0) (this.slot(m.exchange, m.symbol).quotes ??= new CandleBuilder()).addPrice(m.tsRecv, (m.bidPrice + m.askPrice) / 2);
        return;
      case 'trade_bar':
        (this.slot(m.exchange, m.symbol).bars ??= new CandleBuilder()).addBar(m.openTs, m.open, m.high, m.low, m.close);
        return;
      default:
        return;
    }
  }

  finish(): PriceCandles[] {
    this.finished = true;
    const out: PriceCandles[] = [];
    for (const symbols of this.byExchange.values()) {
      for (const slot of symbols.values()) {
        const [source, builder] = slot.trades !== undefined ? (['trades', slot.trades] as const) : slot.quotes !== undefined ? (['quotes', slot.quotes] as const) : (['bars', slot.bars!] as const);
        out.push({ key: instrumentKey(slot.exchange, slot.symbol), source, resolutionUs: builder.resolutionUs, candles: builder.candles });
      }
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private slot(exchange: string, symbol: string): Slot {
    let symbols = this.byExchange.get(exchange);
    if (symbols === undefined) {
      symbols = new Map();
      this.byExchange.set(exchange, symbols);
    }
    let slot = symbols.get(symbol);
    if (slot === undefined) {
      slot = new Slot(exchange, symbol);
      symbols.set(symbol, slot);
    }
    return slot;
  }
}
