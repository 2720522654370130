/**
 * FROZEN BASELINE: `streams/venues/binance/binance-capture.ts` as it was at commit
 * 9d02dea, the decoder before the keyed pass, kept unchanged (imports aside) as the baseline of the
 * replay benchmark's ratio over the previous decoder. Not used by the engine; do not improve it:
 * that would move the baseline.
 *
 * Raw Binance combined-stream captures (the `shared/data/binance-*` layout): each line is
 * `<receive time, integer ns since epoch> <raw JSON message>`. The receive time becomes `tsRecv`,
 * truncated to whole microseconds; the message goes to the Binance wire parser.
 */
import type { MarketRecord } from '../../src/model/records.js';
import { MALFORMED, type DecodeOutcome, type DecoderNaming, type LineDecoder } from '../../streams/line-decoder.js';
import { nanosToMicrosBytes } from './ascii-bytes.js';
import { BinanceMessageParser } from './binance-message.js';

/** Line decoder for raw Binance captures; one per input. */
export class BinanceCaptureDecoder implements LineDecoder {
  reason: string;
  private readonly parser: BinanceMessageParser;

  constructor(naming: DecoderNaming) {
    this.reason = '';
    this.parser = new BinanceMessageParser({ exchange: naming.exchange, symbol: naming.symbol });
  }

  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome {
    let space = start;
    while (space < end && bytes[space] !== 32) space++;
    const tsRecv = space > start && space < end ? nanosToMicrosBytes(bytes, start, space) : -1;
    if (tsRecv < 0) {
      this.reason = 'line does not start with "<receive ns> "';
      return MALFORMED;
    }
    const outcome = this.parser.parse(bytes, space + 1, end, tsRecv, out);
    if (outcome !== 0) this.reason = this.parser.reason;
    return outcome;
  }

  finish(): void {
    // Nothing held back.
  }
}
