/**
 * The recording formats tickflow reads, by name: parsing a user's format name, detecting the format
 * of a file from its first bytes, and building the format's line decoder. All three work over a list
 * of `SourceFormatDefinition`s (`createSourceFormatRegistry`); the exported functions use the
 * built-in list, `SOURCE_FORMAT_DEFINITIONS`, whose order is the detection order.
 */
import { TickflowError } from '../src/runtime/errors.js';
import type { LineDecoder } from './line-decoder.js';
import type { DecoderOptions, SourceFormatDefinition } from './source-format-definition.js';
import { SOURCE_FORMAT_DEFINITIONS } from './source-format-definitions.js';
import { normalizeHeader, splitCsvLine } from './text/csv.js';
import type { FileProbe } from './text-stream.js';

// Callers import the options with the functions that take them.
export type { DecoderOptions } from './source-format-definition.js';

/**
 * A built-in format's name (each definition's `description` says what it is): `binance`,
 * `cryptofeed`, `journal`, `trades-csv`, `quotes-csv`, `bars-csv`, `lean-trades`. Derived from the
 * list, so a new format's name joins the union with its line in `source-format-definitions.ts`.
 */
export type SourceFormat = (typeof SOURCE_FORMAT_DEFINITIONS)[number]['name'];

/** Name lookup, detection and decoders over one list of format definitions. */
export interface SourceFormatRegistry<Name extends string = string> {
  /** Every format name, in list order. */
  readonly names: readonly Name[];
  /** A user's name or alias (case-insensitive, trimmed) to its format; throws `DATA_UNKNOWN_FORMAT` listing every name. */
  parse(name: string): Name;
  /** The first format in list order that recognises the probe, or `null`. */
  detect(probe: FileProbe): Name | null;
  /** The definition named `name` (a canonical name, not an alias); throws `DATA_UNKNOWN_FORMAT` for any other. */
  definition(name: Name): SourceFormatDefinition<Name>;
}

/**
 * A registry over `definitions`, tried in their order by `detect`. Throws `CONFIG_INVALID` (context
 * `format`) when a name or alias appears twice, ignoring case: a name must mean one format, and the
 * clash is better found when the list is built than when a user types the name.
 */
export function createSourceFormatRegistry<const D extends readonly SourceFormatDefinition[]>(definitions: D): SourceFormatRegistry<D[number]['name']> {
  type Name = D[number]['name'];
  const byName = new Map<string, SourceFormatDefinition<Name>>();
  const byAnyName = new Map<string, Name>();
  for (const d of definitions as readonly SourceFormatDefinition<Name>[]) {
    byName.set(d.name, d);
    for (const key of [d.name, ...d.aliases]) {
      const k = key.toLowerCase();
      if (byAnyName.has(k)) throw new TickflowError('CONFIG_INVALID', `format name "${k}" is defined twice (${byAnyName.get(k)} and ${d.name})`, { format: k });
      byAnyName.set(k, d.name);
    }
  }
  const names: readonly Name[] = [...byName.keys()] as Name[];
  const unknown = (name: string): TickflowError =>
    new TickflowError('DATA_UNKNOWN_FORMAT', `unknown data format "${name}"; known: ${names.join(', ')}`, { format: name });
  return {
    names,
    parse(name) {
      const format = byAnyName.get(name.trim().toLowerCase());
      if (format === undefined) throw unknown(name);
      return format;
    },
    detect: (probe) => detectIn(definitions as readonly SourceFormatDefinition<Name>[], probe),
    definition(name) {
      const d = byName.get(name);
      if (d === undefined) throw unknown(name);
      return d;
    },
  };
}

/**
 * The first of `definitions` whose detection matches `probe`. Each part of the probe is prepared at
 * most once, and only when a definition asks for it: the CSV header in particular is split once,
 * however many formats look at it, and not at all when a first-line format matched before.
 */
function detectIn<Name extends string>(definitions: readonly SourceFormatDefinition<Name>[], probe: FileProbe): Name | null {
  let first: string | undefined;
  // `undefined`: not split yet; `null`: not a header (fewer than three fields, or an open quote).
  let header: readonly string[] | null | undefined;
  for (const d of definitions) {
    const detect = d.detect;
    if (detect.by === 'zip-entry') {
      if (probe.zipEntry !== null && detect.matches(probe.zipEntry.name)) return d.name;
      continue;
    }
    first ??= firstLine(probe.head);
    if (detect.by === 'first-line') {
      if (detect.matches(first)) return d.name;
      continue;
    }
    if (header === undefined) {
      const fields = splitCsvLine(first, 0, first.length);
      header = fields === null || fields.length < 3 ? null : normalizeHeader(fields);
    }
    if (header !== null && detect.matches(header)) return d.name;
  }
  return null;
}

/** The probe's first line, without its `\r` and byte-order mark. */
function firstLine(head: string): string {
  const newline = head.indexOf('\n');
  return (newline < 0 ? head : head.slice(0, newline)).replace(/\r$/, '').replace(/^\ufeff/, '');
}

const BUILT_IN = createSourceFormatRegistry(SOURCE_FORMAT_DEFINITIONS);

/** Every built-in format name, in detection order (the order of `SOURCE_FORMAT_DEFINITIONS`). */
export const SOURCE_FORMATS: readonly SourceFormat[] = BUILT_IN.names;

/**
 * A user's format name (case-insensitive; aliases such as `tardis`, `bars`, `ndjson` accepted) to a
 * `SourceFormat`. Throws `DATA_UNKNOWN_FORMAT` listing the valid names.
 */
export function parseSourceFormat(name: string): SourceFormat {
  return BUILT_IN.parse(name);
}

/**
 * The format of a probed file, from its first line (the zip entry's name for LEAN), or `null` when
 * nothing matches. Gzip is transparent: the probe holds decompressed text.
 */
export function detectFormat(probe: FileProbe): SourceFormat | null {
  return BUILT_IN.detect(probe);
}

/** A fresh line decoder for one input of the format. Throws `DATA_UNKNOWN_FORMAT` for a name not in the list. */
export function createDecoder(format: SourceFormat, options: DecoderOptions): LineDecoder {
  return BUILT_IN.definition(format).createDecoder(options);
}
