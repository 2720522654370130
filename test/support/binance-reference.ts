/**
 * A slow, plain Binance normalizer built on `JSON.parse`, written from the mapping documented at the
 * top of `streams/venues/binance/binance-message.ts` and from Binance's stream documentation, as the
 * oracle the fast decoder is compared with on every line of the shared captures
 * (`test/streams/venues/binance/decoder-identity.test.ts`). It shares no code with the decoder:
 * numbers are `Number(text)` (JSON.parse for the integers), times are read from the text with
 * BigInt, and each record is an object literal in the documented field order.
 *
 * It knows only well-formed messages of the documented types (the captures hold nothing else);
 * refusing malformed input is the decoder's own tests' business.
 */
import type { BookLevel, MarketRecord } from '../../src/model/records.js';

type Json = Record<string, unknown>;

/** The naming a decoder carries from line to line, as the mapping describes it. */
export interface ReferenceState {
  /** The caller's exchange name for every record, if any. */
  readonly exchange: string | undefined;
  /** The caller's symbol, which a snapshot before any message naming one takes. */
  readonly symbol: string;
  /** The name detection gives futures messages. */
  futuresExchange: string;
  /** The exchange last detected (a kline, which carries no marker, takes it). */
  lastExchange: string;
  /** The symbol last read (a REST snapshot, which names none, takes it). */
  lastSymbol: string;
}

/** Naming state for one raw capture, as the `binance` format starts it. */
export function referenceState(options: { exchange?: string; symbol?: string } = {}): ReferenceState {
  const symbol = options.symbol ?? '';
  return { exchange: options.exchange, symbol, futuresExchange: 'binance-futures', lastExchange: 'binance', lastSymbol: symbol };
}

/** What a line gives: a record, or `null` for a line that carries none (open kline, subscribe reply). */
export type ReferenceOutcome = MarketRecord | null;

/** The record of a raw capture line, `<receive ns> <json>`. */
export function referenceCaptureRecord(line: string, state: ReferenceState): ReferenceOutcome {
  const space = line.indexOf(' ');
  // ns to µs, truncating: BigInt keeps the 19 digits exact.
  const tsRecv = Number(BigInt(line.slice(0, space)) / 1000n);
  return referenceMessageRecord(line.slice(space + 1), tsRecv, state);
}

/**
 * The record of a cryptofeed capture line: the subscribe URL (`wss://host/...`) names the futures
 * exchange by host and gives no record; other lines are `<unix seconds>: <json>`, the seconds
 * rounded half up to the microsecond.
 */
export function referenceCryptofeedRecord(line: string, state: ReferenceState): ReferenceOutcome {
  if (line.startsWith('wss://') || line.startsWith('ws://')) {
    const host = new URL(line.split(' ')[0]!).hostname;
    const name = host.startsWith('fstream') ? 'binance-futures' : host.startsWith('dstream') ? 'binance-delivery' : 'binance';
    // The decoder starts afresh at a subscribe line (the first, or one after a reconnect).
    state.lastExchange = name;
    state.futuresExchange = name === 'binance' ? 'binance-futures' : name;
    state.lastSymbol = state.symbol;
    return null;
  }
  const colon = line.indexOf(': ');
  const [whole, fraction = ''] = line.slice(0, colon).split('.');
  const padded = (fraction + '0000000').slice(0, 7);
  const micros = BigInt(whole!) * 1_000_000n + BigInt(padded.slice(0, 6)) + (Number(padded[6]) >= 5 ? 1n : 0n);
  return referenceMessageRecord(line.slice(colon + 2), Number(micros), state);
}

function levels(list: unknown): BookLevel[] {
  return (list as [string, string][]).map(([price, amount]) => ({ price: Number(price), amount: Number(amount) }));
}

function exchange(state: ReferenceState, futures: boolean): string {
  if (state.exchange !== undefined) return state.exchange;
  state.lastExchange = futures ? state.futuresExchange : 'binance';
  return state.lastExchange;
}

/** Digits after the point of a decimal's text. */
function decimals(text: string): number {
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** The record of one Binance JSON message received at `tsRecv` µs. */
export function referenceMessageRecord(json: string, tsRecv: number, state: ReferenceState): ReferenceOutcome {
  const message = JSON.parse(json) as Json;
  const d = (message.data ?? message) as Json;
  if ('lastUpdateId' in d && !('e' in d)) {
    // A REST snapshot or a partial-depth stream message: named by the stream, else the last symbol.
    const stream = typeof message.stream === 'string' ? message.stream : null;
    const futures = 'E' in d;
    return {
      type: 'depth_snapshot',
      exchange: exchange(state, futures),
      symbol: stream !== null ? stream.split('@')[0]!.toUpperCase() : state.lastSymbol,
      ts: futures ? (d.E as number) * 1000 : tsRecv,
      tsRecv,
      lastUpdateId: d.lastUpdateId as number,
      bids: levels(d.bids),
      asks: levels(d.asks),
    };
  }
  if ('result' in message) return null;
  const symbol = d.s as string;
  state.lastSymbol = symbol;
  const type = (d.e as string | undefined) ?? 'bookTicker';
  switch (type) {
    case 'trade':
    case 'aggTrade':
      return {
        type: 'trade',
        // USD-M trades lack spot's `M`.
        exchange: exchange(state, !('M' in d)),
        symbol,
        ts: (d.T as number) * 1000,
        tsRecv,
        id: String(type === 'trade' ? d.t : d.a),
        price: Number(d.p),
        amount: Number(d.q),
        // `m`: the buyer was the maker, so the aggressor sold.
        side: d.m === true ? 'sell' : 'buy',
      };
    case 'bookTicker': {
      // Spot sends neither `e` nor `E`; its time is the receive time.
      const futures = 'e' in d || 'E' in d;
      return {
        type: 'book_ticker',
        exchange: exchange(state, futures),
        symbol,
        ts: 'E' in d ? (d.E as number) * 1000 : tsRecv,
        tsRecv,
        bidPrice: Number(d.b),
        bidAmount: Number(d.B),
        askPrice: Number(d.a),
        askAmount: Number(d.A),
      };
    }
    case 'depthUpdate':
      return {
        type: 'book_change',
        exchange: exchange(state, 'pu' in d),
        symbol,
        ts: (d.E as number) * 1000,
        tsRecv,
        isSnapshot: false,
        firstUpdateId: d.U as number,
        lastUpdateId: d.u as number,
        prevUpdateId: 'pu' in d ? (d.pu as number) : -1,
        bids: levels(d.b),
        asks: levels(d.a),
      };
    case 'kline': {
      const k = d.k as Json;
      if (k.x !== true) return null;
      const volume = Number(k.v);
      const buyVolume = Number(k.V);
      // volume - buyVolume at the inputs' precision (0.3 - 0.1 is 0.2, not 0.19999999999999998).
      const scale = 10 ** Math.max(decimals(k.v as string), decimals(k.V as string));
      return {
        type: 'trade_bar',
        exchange: state.exchange ?? state.lastExchange,
        symbol,
        ts: (d.E as number) * 1000,
        tsRecv,
        interval: k.i as string,
        open: Number(k.o),
        high: Number(k.h),
        low: Number(k.l),
        close: Number(k.c),
        volume,
        buyVolume,
        sellVolume: Math.round((volume - buyVolume) * scale) / scale,
        trades: k.n as number,
        vwap: volume > 0 ? Number(k.q) / volume : Number(k.c),
        openTs: (k.t as number) * 1000,
        // Binance's `T` is the last millisecond inside the bar.
        closeTs: ((k.T as number) + 1) * 1000,
      };
    }
    default:
      throw new Error(`reference: no mapping for message type ${type}`);
  }
}
