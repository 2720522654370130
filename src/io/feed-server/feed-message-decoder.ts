/**
 * Turns one Binance message (a combined-stream envelope, a raw stream message, or a REST depth
 * snapshot) into a `FeedEvent`: the text to serve plus the record the engine's own Binance parser
 * makes of it. Shared by the capture reader and the simulated market's encoder, so both go through
 * the decoder the live feed uses.
 */
import type { MarketRecord } from '../../model/records.js';
import { DECODED, MALFORMED } from '../../../streams/line-decoder.js';
import { BINANCE_FUTURES, BinanceMessageParser } from '../../../streams/venues/binance/binance-message.js';
import { kindOfRecord, streamOfRecord, type FeedEvent, type FeedMarket } from './feed-event.js';

const ENVELOPE_HEAD = '{"stream":"';
const ENVELOPE_DATA = '","data":';

/**
 * Decodes messages of one input (the parser remembers the last symbol seen, which names a
 * snapshot). `market` is the first market detected (`null` before any record says), `malformed`
 * counts messages that could not be decoded and `reason` says why the last one could not.
 */
export class FeedMessageDecoder {
  market: FeedMarket | null;
  malformed: number;
  reason: string;
  private readonly parser: BinanceMessageParser;
  private readonly out: MarketRecord[];

  constructor(symbol?: string) {
    // Every field set here, in one order (hidden class).
    this.market = null;
    this.malformed = 0;
    this.reason = '';
    this.parser = new BinanceMessageParser({ symbol });
    this.out = [];
  }

  /**
   * Decodes the JSON in `bytes[start, end)`, received at `tsRecv` µs. Returns null, counted in
   * `malformed`, when the message is not well-formed; a well-formed message of a kind the parser
   * does not know is an `other` event, served on its envelope's stream if it has one.
   */
  decode(bytes: Buffer, start: number, end: number, tsRecv: number): FeedEvent | null {
    const out = this.out;
    out.length = 0;
    const outcome = this.parser.parse(bytes, start, end, tsRecv, out);
    if (outcome === MALFORMED) {
      this.malformed++;
      this.reason = this.parser.reason;
      return null;
    }
    const record = outcome === DECODED && out.length > 0 ? out[0]! : null;
    if (record !== null && this.market === null && record.type !== 'trade_bar') this.market = record.exchange === BINANCE_FUTURES ? 'usdm' : 'spot';
    const json = bytes.toString('utf8', start, end);
    let stream = '';
    let data = json;
    let combined: string | null = null;
    if (json.startsWith(ENVELOPE_HEAD)) {
      const split = json.indexOf(ENVELOPE_DATA, ENVELOPE_HEAD.length);
      if (split > 0 && json.charCodeAt(json.length - 1) === 125 /* } */) {
        stream = json.slice(ENVELOPE_HEAD.length, split);
        data = json.slice(split + ENVELOPE_DATA.length, json.length - 1);
        combined = json;
      }
    }
    if (stream === '' && record !== null) stream = streamOfRecord(record, this.market ?? 'spot');
    const kind = kindOfRecord(record);
    // A snapshot is REST, never a stream frame, even inside an envelope.
    if (kind === 'snapshot') {
      stream = '';
      combined = null;
    }
    const symbol = record !== null ? record.symbol : stream === '' ? '' : stream.slice(0, stream.indexOf('@')).toUpperCase();
    return { tsRecv, kind, symbol, stream, data, combined, record };
  }
}
