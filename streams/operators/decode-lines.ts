/**
 * The `decodeLines` operator: lines of any recording format (Observable<string>) to normalized
 * records, with the same decoders as the file sources.
 */
import type { OperatorFunction } from 'rxjs';
import type { MarketRecord } from '../../src/model/records.js';
import { MutableSourceStats } from '../record-source.js';
import { createDecoder, type DecoderOptions, type SourceFormat } from '../source-format.js';
import { decodeWith, type DecodeOperatorOptions } from './decode-internals.js';

/** Options of `decodeLines`: the decoder's naming and the counters. */
export interface DecodeLinesOptions extends DecodeOperatorOptions, Partial<DecoderOptions> {}

/**
 * Decodes each emitted line of `format` (one line per emission, as a file would hold it: header
 * lines included for CSV) into records, in order. Bad lines are counted in `options.stats` and
 * dropped (see `decodeWith`). `symbol` names records whose lines carry none (default `unknown`).
 */
export function decodeLines(format: SourceFormat, options: DecodeLinesOptions = {}): OperatorFunction<string | Uint8Array, MarketRecord> {
  const decoderOptions: DecoderOptions = { ...options, symbol: options.symbol ?? 'unknown', symbolGiven: options.symbol !== undefined };
  return decodeWith(
    () => createDecoder(format, decoderOptions),
    () => options.stats ?? new MutableSourceStats('stream', format),
  );
}
