/**
 * The cryptofeed raw capture layout (`shared/data/cryptofeed/*.ws.*`): the first line is the
 * subscribe URL (`wss://host/stream?streams=... <-> <unix seconds>`), then one line per message,
 * `<unix seconds with fraction>: <raw JSON>`. Only Binance payloads are understood: the URL's host
 * picks the exchange name (`fstream` → `binance-futures`, `dstream` → `binance-delivery`, else
 * `binance`), messages go to the Binance wire parser (closed `kline`s become `trade_bar`s), and the
 * receive time is the line's prefix rounded to the microsecond.
 */
import type { MarketRecord } from '../../src/model/records.js';
import { MALFORMED, SKIPPED, type DecodeOutcome, type DecoderNaming, type LineDecoder } from '../line-decoder.js';
import type { SourceFormatDefinition } from '../source-format-definition.js';
import { secondsToMicrosBytes } from '../text/ascii-bytes.js';
import { BINANCE_FUTURES, BINANCE_SPOT, BinanceMessageParser } from '../venues/binance/binance-message.js';

/** Line decoder for cryptofeed captures; one per input. */
export class CryptofeedCaptureDecoder implements LineDecoder {
  reason: string;
  private parser: BinanceMessageParser;
  private readonly naming: DecoderNaming;

  constructor(naming: DecoderNaming) {
    this.reason = '';
    this.naming = naming;
    this.parser = new BinanceMessageParser({ exchange: naming.exchange, symbol: naming.symbol });
  }

  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome {
    if (bytes[start] === 119 /* w */) {
      const line = bytes.toString('utf8', start, end);
      if (!line.startsWith('wss://') && !line.startsWith('ws://')) return this.malformed('line does not start with "<unix seconds>: "');
      // A subscribe line (the first, or again after a reconnect): it names the venue.
      const host = /^wss?:\/\/([^/:]+)/.exec(line)?.[1] ?? '';
      const futures = host.startsWith('fstream') ? BINANCE_FUTURES : host.startsWith('dstream') ? 'binance-delivery' : BINANCE_SPOT;
      this.parser = new BinanceMessageParser({
        exchange: this.naming.exchange,
        symbol: this.naming.symbol,
        defaultExchange: futures,
        futuresExchange: futures === BINANCE_SPOT ? BINANCE_FUTURES : futures,
      });
      return SKIPPED;
    }
    let colon = start;
    while (colon < end && bytes[colon] !== 58) colon++;
    const tsRecv = colon > start && bytes[colon + 1] === 32 ? secondsToMicrosBytes(bytes, start, colon) : -1;
    if (tsRecv < 0) return this.malformed('line does not start with "<unix seconds>: "');
    const outcome = this.parser.parse(bytes, colon + 2, end, tsRecv, out);
    if (outcome !== 0) this.reason = this.parser.reason;
    return outcome;
  }

  finish(): void {
    // Nothing held back.
  }

  private malformed(reason: string): DecodeOutcome {
    this.reason = reason;
    return MALFORMED;
  }
}

/** True when `line` looks like the start of a cryptofeed capture (for format detection). */
export function isCryptofeedLine(line: string): boolean {
  return /^wss?:\/\/\S+ <-> \d/.test(line) || /^\d{9,11}(\.\d+)?: \{/.test(line);
}

/** The `cryptofeed` format, recognised by its subscribe line or a `<seconds>: {` first line. */
export const cryptofeedFormat: SourceFormatDefinition<'cryptofeed'> = {
  name: 'cryptofeed',
  aliases: [],
  description: 'cryptofeed capture, subscribe URL then `<unix seconds>: <json>` (Binance payloads)',
  detect: { by: 'first-line', matches: isCryptofeedLine },
  createDecoder: (options) => new CryptofeedCaptureDecoder({ exchange: options.exchange, symbol: options.symbol }),
};
