/**
 * Opening recordings by path: probe the file, pick its format (given, or detected from its first
 * bytes), and return a pull-based `RecordSource` over it. The entry point for the replay driver and
 * the backtest command.
 */
import { TickflowError } from '../src/runtime/errors.js';
import { parseDataArg, symbolFromPath } from './data-arg.js';
import { createLineSource } from './line-source.js';
import { createMergedSource, type MergeOptions } from './merge-sources.js';
import { DEFAULT_READ_BUFFER_SIZE, sizeOption, type RecordSource, type SourceSizing } from './record-source.js';
import { createDecoder, detectFormat, parseSourceFormat, SOURCE_FORMATS, type SourceFormat } from './source-format.js';
import type { ReadMeter } from './read-meter.js';
import { openTextChunks, type InflateMode } from './text-chunks.js';
import { describeStreamError, probeFile } from './text-stream.js';

/** Options for opening one recording. */
export interface OpenSourceOptions extends SourceSizing {
  /** Format name (see `SourceFormat`; aliases accepted) or `auto` (the default): detect it. */
  readonly format?: SourceFormat | 'auto' | (string & {});
  /** Symbol for records whose file names none; default the file name up to its first dot. */
  readonly symbol?: string | undefined;
  /** Exchange name overriding the file's own (default: the venue's, or `csv` for plain CSV). */
  readonly exchange?: string | undefined;
  /** Bar length in µs for `bars-csv`; inferred from the rows when absent. */
  readonly intervalUs?: number | undefined;
  /** Skip schema validation of a `journal` written by this engine. */
  readonly trusted?: boolean | undefined;
  /** See `LineSourceOptions.maxLeadingMalformed` (default 64). */
  readonly maxLeadingMalformed?: number | undefined;
  /** Where a compressed file is inflated (see `InflateMode`; default `auto`). The records are the same. */
  readonly inflate?: InflateMode | undefined;
  /**
   * Accept an input with no record (default false): an empty file, or one whose lines carry none,
   * is then a source that ends at once rather than a data error.
   */
  readonly allowEmpty?: boolean | undefined;
  /** Counts the bytes read of the file against its size (a replay's progress, `read-meter.ts`); absent: nothing is counted. */
  readonly meter?: ReadMeter | undefined;
}

/**
 * Opens `path` as a record source. Reads only the first 64 KiB now; the rest when pulled.
 *
 * Rejects with a `TickflowError`: `DATA_FILE_UNREADABLE` (missing, a directory, unreadable),
 * `DATA_UNKNOWN_FORMAT` (an unknown format name, or `auto` and nothing recognised; the message quotes
 * the first line), `DATA_TRUNCATED` (`auto` and the compressed start is already corrupt), or
 * `DATA_EMPTY` (a 0-byte file, or a `.gz` or `.zip` whose content is empty). Context always holds
 * `file`. An input that ends without a single record fails its source when read (`DATA_EMPTY` when
 * its lines are only headers or blank, `DATA_UNKNOWN_FORMAT` when none is in the format; see
 * `LineSourceOptions.onNoRecords`): a replay of nothing is a mistake, not an all-zero result.
 * `allowEmpty` turns both into a source that ends at once. Errors met while reading are the
 * source's (see `RecordSource`).
 */
export async function openSource(path: string, options: OpenSourceOptions = {}): Promise<RecordSource> {
  const requested = options.format === undefined || options.format === 'auto' ? null : parseSourceFormat(options.format);
  const readBufferSize = sizeOption(options.readBufferSize, DEFAULT_READ_BUFFER_SIZE, 'readBufferSize');
  const probe = await probeFile(path);
  let format = requested;
  if (probe.head.length === 0) {
    if (probe.compression !== 'none' && probe.size > 0 && probe.headError !== null) {
      if (format === null) throw describeStreamError(path, probe.headError);
    } else {
      if (options.allowEmpty === true) return emptySource(path, options);
      const what = probe.size === 0 ? 'a 0-byte file' : `its ${probe.compression} content is empty (${probe.size} bytes compressed)`;
      throw new TickflowError('DATA_EMPTY', `${path} holds no data: ${what}; nothing to replay`, { file: path, bytes: probe.size, compression: probe.compression });
    }
  }
  if (format === null) {
    format = detectFormat(probe);
    if (format === null) {
      const first = probe.head.slice(0, 120).split('\n')[0] ?? '';
      throw new TickflowError('DATA_UNKNOWN_FORMAT', `cannot tell the format of ${path} from its first line ${JSON.stringify(first)}; give it (one of ${SOURCE_FORMATS.join(', ')})`, {
        file: path,
        firstLine: first,
      });
    }
  }
  const decoder = createDecoder(format, {
    symbol: options.symbol ?? symbolFromPath(path),
    symbolGiven: options.symbol !== undefined,
    exchange: options.exchange,
    intervalUs: options.intervalUs,
    trusted: options.trusted,
    entryName: probe.zipEntry?.name,
  });
  const metered = options.meter?.add(probe.size);
  const source = createLineSource({
    name: path,
    format,
    open:
      metered === undefined
        ? () => openTextChunks(probe, readBufferSize, options.inflate)
        : () => {
            const chunks = openTextChunks(probe, readBufferSize, options.inflate);
            metered.watch(chunks);
            return chunks;
          },
    decoder,
    describeError: (error) => describeStreamError(path, error),
    chunkSize: options.chunkSize,
    maxIssues: options.maxIssues,
    maxLeadingMalformed: options.maxLeadingMalformed,
    onNoRecords: options.allowEmpty === true ? 'end' : 'fail',
  });
  metered?.endsWhen(() => source.stats.done);
  return source;
}

function emptySource(path: string, options: OpenSourceOptions): RecordSource {
  return createLineSource({
    name: path,
    format: 'empty',
    open: nothing,
    decoder: { reason: '', decode: () => 1, finish: () => undefined },
    chunkSize: options.chunkSize,
  });
}

/**
 * Opens every `--data` argument (`path` or `path@SYMBOL`; the symbol falls back to
 * `options.symbol`, then the file name) and returns one source: the file's own when there is one,
 * else their merge by `tsRecv` in argument order (see `createMergedSource`). If any file fails to
 * open, the ones already open are closed and the first error is thrown.
 */
export async function openDataArgs(args: readonly string[], options: OpenSourceOptions & MergeOptions = {}): Promise<RecordSource> {
  if (args.length === 0) throw new TickflowError('CLI_USAGE', 'no data files given', {});
  const sources: RecordSource[] = [];
  try {
    for (const arg of args) {
      const { path, symbol } = parseDataArg(arg);
      sources.push(await openSource(path, { ...options, symbol: symbol ?? options.symbol }));
    }
  } catch (error) {
    await Promise.all(sources.map((s) => s.close()));
    throw error;
  }
  return sources.length === 1 ? sources[0]! : createMergedSource(sources, options);
}

async function* nothing(): AsyncGenerator<string> {
  // An empty file has no text.
}
