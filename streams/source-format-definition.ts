/**
 * A recording format as a value (`SourceFormatDefinition`): its name and aliases, a one-line
 * description, how it is recognised in a probed file, and a factory for its line decoder. The
 * registry in `source-format.ts` works over a list of them (`source-format-definitions.ts` holds the
 * built-in list), so a new format is one file defining its value plus one line in that list, and no
 * edit to the detection or the decoder factory.
 */
import type { LineDecoder } from './line-decoder.js';

/** What a decoder needs beyond the format. */
export interface DecoderOptions {
  /** Symbol for inputs that name none (the caller's, or one derived from the file name). */
  readonly symbol: string;
  /** When true the symbol was given by the caller, not derived: LEAN then prefers it to its entry name. */
  readonly symbolGiven?: boolean;
  /** Exchange name overriding the input's own. */
  readonly exchange?: string | undefined;
  /** Bar length in µs for `bars-csv` (inferred when absent). */
  readonly intervalUs?: number | undefined;
  /** Skip schema validation of a `journal` this engine wrote. */
  readonly trusted?: boolean | undefined;
  /** The zip entry's name, for `lean-trades`. */
  readonly entryName?: string | undefined;
}

/**
 * How a format is recognised, by what part of the probe it looks at. The detector prepares each part
 * once per file (in particular the CSV header is split and normalised once, not once per format):
 * - `zip-entry`: the name of the file's zip entry (only asked when the file is a zip);
 * - `first-line`: the first line of the text, without `\r` and byte-order mark;
 * - `csv-header`: the first line split as CSV and normalised (`normalizeHeader`: trimmed, lower
 *   case); only asked when it has at least three fields, so a lone word or pair never passes.
 *
 * `matches` must be pure and cheap: it runs on every file opened with `auto`.
 */
export type FormatDetection =
  | { readonly by: 'zip-entry'; matches(entryName: string): boolean }
  | { readonly by: 'first-line'; matches(line: string): boolean }
  | { readonly by: 'csv-header'; matches(header: readonly string[]): boolean };

/**
 * One recording format. `Name` is the literal name, so the list of definitions yields the
 * `SourceFormat` union; a definition typed with plain `string` still works, the union just widens.
 */
export interface SourceFormatDefinition<Name extends string = string> {
  /** The canonical name (lower case, kebab-case): what `SOURCE_FORMATS` lists and sources report. */
  readonly name: Name;
  /** Other names users may give (lower case); unique across every name and alias of the list. */
  readonly aliases: readonly string[];
  /** One line for help texts: what the format is and where such files come from. */
  readonly description: string;
  /** How `detectFormat` recognises it; the first definition in list order that matches wins. */
  readonly detect: FormatDetection;
  /** A fresh decoder for one input; may throw a `TickflowError` when the options cannot work (LEAN without its entry name). */
  createDecoder(options: DecoderOptions): LineDecoder;
}
