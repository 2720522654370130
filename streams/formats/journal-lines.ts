/**
 * tickflow's own journal (NDJSON, one record a line, see `src/model/journal-codec.ts`). Records carry
 * their own exchange and symbol, so the caller's naming is not used. Lines are validated against the
 * record schemas unless the caller says the journal is trusted (written by this engine).
 */
import { decodeRecordOrError } from '../../src/model/journal-codec.js';
import type { MarketRecord } from '../../src/model/records.js';
import { DECODED, MALFORMED, type DecodeOutcome, type LineDecoder } from '../line-decoder.js';
import type { SourceFormatDefinition } from '../source-format-definition.js';

/** Line decoder for journals; one per input. */
export class JournalDecoder implements LineDecoder {
  reason: string;
  private readonly options: { readonly trusted: boolean };

  constructor(trusted = false) {
    this.reason = '';
    this.options = { trusted };
  }

  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome {
    const line = bytes.toString('utf8', start, end);
    const result = decodeRecordOrError(line, this.options);
    if (typeof result === 'string') {
      this.reason = result;
      return MALFORMED;
    }
    out.push(result);
    return DECODED;
  }

  finish(): void {
    // Nothing held back.
  }
}

/** True when `line` looks like a journal line (for format detection). */
export function isJournalLine(line: string): boolean {
  return /^\{\s*"type"\s*:\s*"(trade|book_ticker|book_change|depth_snapshot|trade_bar)"/.test(line);
}

/** The `journal` format, recognised by a first line that is a record of a known type. */
export const journalFormat: SourceFormatDefinition<'journal'> = {
  name: 'journal',
  aliases: ['ndjson', 'jsonl'],
  description: "tickflow's own NDJSON journal, one record a line",
  detect: { by: 'first-line', matches: isJournalLine },
  createDecoder: (options) => new JournalDecoder(options.trusted === true),
};
