/**
 * The contract between a line-oriented reader (`line-source.ts`, the `decodeLines` operator) and a
 * format: one decoder object per input, fed one line at a time, keeping whatever state the format
 * needs (a CSV header, the last symbol seen, bars held back to infer their interval).
 */
import type { MarketRecord } from '../src/model/records.js';

/** Exchange name of records read from files that name none, unless the caller gives one. */
export const DEFAULT_FILE_EXCHANGE = 'csv';

/** `decode` appended zero or more records. */
export const DECODED = 0;
/** A valid line that carries no record (header, blank line, a kline not yet closed). */
export const SKIPPED = 1;
/** The line could not be decoded; `reason` says why. */
export const MALFORMED = 2;
/** A well-formed message of a kind this decoder does not handle; `reason` holds its name. */
export const UNKNOWN = 3;

/** What happened to one line. Plain numbers rather than an enum: cheap to return and compare. */
export type DecodeOutcome = typeof DECODED | typeof SKIPPED | typeof MALFORMED | typeof UNKNOWN;

/**
 * Decodes lines of one format. `decode` does not throw for a bad line: it returns `MALFORMED` and
 * leaves the reason in `reason`. It throws a `TickflowError` only when the input as a whole is
 * unusable (a CSV header lacking a required column): the reader then fails the source with it. Any
 * other throw is a bug, but readers still count it as a malformed line rather than crash.
 * Records are appended to `out` in input order; a decoder may hold some back and release them
 * later or in `finish`, but never reorders them.
 */
export interface LineDecoder {
  /**
   * Decodes the line in `bytes[start, end)` (UTF-8, without its `\n` or `\r\n`). Bytes, not a
   * string: the venue parsers read fields straight from them; text formats decode the line first.
   */
  decode(bytes: Buffer, start: number, end: number, out: MarketRecord[]): DecodeOutcome;
  /** After `MALFORMED`, why; after `UNKNOWN`, the message type's name. */
  readonly reason: string;
  /**
   * Called once after the last line: appends any records held back. Throws a `TickflowError` when
   * the input as a whole cannot be made sense of (for example a one-row bar file with no interval).
   */
  finish(out: MarketRecord[]): void;
}

/**
 * Naming for records whose input does not carry an exchange or a symbol. `symbol` is the caller's
 * (`--data file@SYM`, `--symbol`) or derived from the file name (see `data-arg.ts`); `exchange`
 * overrides the venue's own name where given.
 */
export interface DecoderNaming {
  readonly exchange?: string | undefined;
  readonly symbol: string;
}
