/**
 * The `decodeBinanceFrames` operator: live Binance WebSocket frames (combined-stream envelopes or raw
 * stream messages, no receive-time prefix) to normalized records, stamped with the receive time.
 */
import type { OperatorFunction } from 'rxjs';
import type { MarketRecord } from '../../src/model/records.js';
import type { DecodeOutcome, LineDecoder } from '../line-decoder.js';
import { MutableSourceStats } from '../record-source.js';
import { BinanceMessageParser, type BinanceParserOptions } from '../venues/binance/binance-message.js';
import { decodeWith, type DecodeOperatorOptions } from './decode-internals.js';

/** Options of `decodeBinanceFrames`. */
export interface DecodeBinanceFramesOptions extends DecodeOperatorOptions, BinanceParserOptions {
  /**
   * The receive time of a frame, in integer µs since the epoch, read when it arrives: the engine
   * clock (`ctx.clock.now`), never the OS clock directly, so a simulated run stays deterministic.
   */
  readonly now: () => number;
}

/**
 * Decodes each frame as it arrives; `tsRecv` = `options.now()` at that moment. Subscription acks
 * (`{"result":null,"id":1}`) are skipped; malformed frames and unknown message types are counted in
 * `options.stats` and dropped, so a bad frame never ends the feed.
 */
export function decodeBinanceFrames(options: DecodeBinanceFramesOptions): OperatorFunction<string | Uint8Array, MarketRecord> {
  const now = options.now;
  return decodeWith(
    () => new FrameDecoder(new BinanceMessageParser(options), now),
    () => options.stats ?? new MutableSourceStats('binance-ws', 'binance-frames'),
  );
}

/** A frame is a line with no prefix: the whole text is the message. */
class FrameDecoder implements LineDecoder {
  private readonly parser: BinanceMessageParser;
  private readonly now: () => number;

  constructor(parser: BinanceMessageParser, now: () => number) {
    this.parser = parser;
    this.now = now;
  }

  get reason(): string {
    return this.parser.reason;
  }

  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome {
    return this.parser.parse(bytes, start, end, this.now(), out);
  }

  finish(): void {
    // Nothing held back.
  }
}
