/**
 * Raw Binance combined-stream captures (the `shared/data/binance-*` layout): each line is
 * `<receive time, integer ns since epoch> <raw JSON message>`. The receive time becomes `tsRecv`,
 * truncated to whole microseconds; the message goes to the Binance wire parser.
 */
import type { MarketRecord } from '../../../src/model/records.js';
import { MALFORMED, type DecodeOutcome, type DecoderNaming, type LineDecoder } from '../../line-decoder.js';
import type { SourceFormatDefinition } from '../../source-format-definition.js';
import { nanosToMicrosBytes } from '../../text/ascii-bytes.js';
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

/** True when `line` looks like a raw capture line (for format detection). */
export function isBinanceCaptureLine(line: string): boolean {
  return /^\d{10,20} \{/.test(line);
}

/** The `binance` format: raw combined-stream captures, recognised by a `<ns> {` first line. */
export const binanceFormat: SourceFormatDefinition<'binance'> = {
  name: 'binance',
  aliases: ['binance-capture'],
  description: 'raw Binance combined-stream capture, `<receive ns> <json>` a line (spot or USD-M)',
  detect: { by: 'first-line', matches: isBinanceCaptureLine },
  createDecoder: (options) => new BinanceCaptureDecoder({ exchange: options.exchange, symbol: options.symbol }),
};
