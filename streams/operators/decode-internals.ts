/**
 * Shared by the decoding operators (`decodeLines`, `decodeBinanceLines`, `decodeBinanceFrames`): run
 * a line decoder over an Observable of strings, counting bad input instead of erroring on it.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { isTickflowError } from '../../src/runtime/errors.js';
import type { MarketRecord } from '../../src/model/records.js';
import { DECODED, MALFORMED, SKIPPED, type LineDecoder } from '../line-decoder.js';
import { MutableSourceStats } from '../record-source.js';

/** Options shared by the decoding operators. */
export interface DecodeOperatorOptions {
  /**
   * Where to count lines, records, malformed lines and unknown types. Pass one to read the counters
   * (a feed actor exposes them); by default each subscription counts into its own, unread.
   */
  readonly stats?: MutableSourceStats | undefined;
}

/**
 * Builds an operator over `decoderFor()` (a fresh decoder per subscription). Each emission is one
 * line, as a string or UTF-8 bytes (a `ws` text frame arrives as a Buffer); a trailing `\r` or `\n`
 * is ignored and an empty line skipped. Malformed lines and
 * unknown message types are counted in the stats and dropped: one bad frame must not end a live
 * feed. The stream errors only when the decoder declares the input unusable (a `TickflowError`
 * `DATA_UNKNOWN_FORMAT`, such as a CSV header lacking a column), or when the source errors. On
 * completion, records the decoder held back are emitted first.
 */
export function decodeWith(decoderFor: () => LineDecoder, statsFor: () => MutableSourceStats): OperatorFunction<string | Uint8Array, MarketRecord> {
  return (source) =>
    new Observable<MarketRecord>((subscriber) => {
      const decoder = decoderFor();
      const stats = statsFor();
      const out: MarketRecord[] = [];
      const emit = (): void => {
        for (let i = 0; i < out.length; i++) {
          const record = out[i]!;
          stats.byType[record.type]++;
          subscriber.next(record);
        }
        stats.records += out.length;
        out.length = 0;
      };
      return source.subscribe({
        next(chunk) {
          const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          let end = bytes.length;
          while (end > 0 && (bytes[end - 1] === 10 || bytes[end - 1] === 13)) end--;
          stats.lines++;
          if (end === 0) {
            stats.skipped++;
            return;
          }
          let outcome: number;
          try {
            outcome = decoder.decode(bytes, 0, end, out);
          } catch (error) {
            out.length = 0;
            if (isTickflowError(error, 'DATA_UNKNOWN_FORMAT')) {
              stats.fail(error);
              subscriber.error(error);
              return;
            }
            outcome = MALFORMED;
          }
          if (outcome === DECODED) emit();
          else if (outcome === SKIPPED) stats.skipped++;
          else if (outcome === MALFORMED) {
            stats.malformed++;
            stats.addIssue('DATA_MALFORMED_LINE', stats.lines, `${decoder.reason} (line starts ${JSON.stringify(bytes.toString('utf8', 0, Math.min(end, 60)))})`);
          } else stats.addUnknown(decoder.reason, stats.lines);
        },
        error(error: unknown) {
          subscriber.error(error);
        },
        complete() {
          try {
            decoder.finish(out);
          } catch (error) {
            out.length = 0;
            if (isTickflowError(error)) stats.fail(error);
            subscriber.error(error);
            return;
          }
          emit();
          stats.done = true;
          subscriber.complete();
        },
      });
    });
}
