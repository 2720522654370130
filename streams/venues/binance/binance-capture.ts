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
import { eightDigits } from './binance-words.js';

/** Line decoder for raw Binance captures; one per input. */
export class BinanceCaptureDecoder implements LineDecoder {
  reason: string;
  private readonly parser: BinanceMessageParser;

  constructor(naming: DecoderNaming) {
    this.reason = '';
    this.parser = new BinanceMessageParser({ exchange: naming.exchange, symbol: naming.symbol });
  }

  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome {
    let space = start + NANOS_DIGITS;
    let tsRecv = space < end && bytes[space] === 32 ? nineteenDigitNanosToMicros(bytes, start) : -1;
    if (tsRecv < 0) {
      // Any other prefix: the general reading, which also names what is wrong with it.
      space = start;
      while (space < end && bytes[space] !== 32) space++;
      tsRecv = space > start && space < end ? nanosToMicrosBytes(bytes, start, space) : -1;
    }
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

/** Digits of a receive time in ns from 2001 to 2286, as every capture line has. */
const NANOS_DIGITS = 19;

/**
 * The µs of the 19 digits of ns at `at` (the last 3 dropped), or -1 if one is not a digit or the
 * µs are not a safe integer: what `nanosToMicrosBytes` gives for the same digits, faster. The 16
 * digits kept are read as two 8-digit int32s (`eightDigits`, 4 digits at a time), where the general
 * reading makes one long chain of double multiply-adds and finds the space first; the digit checks
 * of the last 3 fold into one sign test (`d | (9 - d)` is negative exactly when `d` is not 0..9).
 * The caller has seen a byte after them, so all 19 are in the buffer.
 */
function nineteenDigitNanosToMicros(bytes: Buffer, at: number): number {
  const high = eightDigits(bytes, at);
  const low = eightDigits(bytes, at + 8);
  const x = bytes[at + 16]! - 48;
  const y = bytes[at + 17]! - 48;
  const z = bytes[at + 18]! - 48;
  if ((high | low | x | (9 - x) | y | (9 - y) | z | (9 - z)) < 0) return -1;
  // Exact up to 2^53 (high × 10^8 is exact); past it, at least 2^53 and refused like the general path.
  const micros = high * 1e8 + low;
  return micros <= Number.MAX_SAFE_INTEGER ? micros : -1;
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
