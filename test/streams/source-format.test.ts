import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../src/model/records.js';
import { isTickflowError } from '../../src/runtime/errors.js';
import { DECODED, type LineDecoder } from '../../streams/line-decoder.js';
import {
  createDecoder,
  createSourceFormatRegistry,
  detectFormat,
  parseSourceFormat,
  SOURCE_FORMATS,
  type SourceFormat,
} from '../../streams/source-format.js';
import type { SourceFormatDefinition } from '../../streams/source-format-definition.js';
import { SOURCE_FORMAT_DEFINITIONS } from '../../streams/source-format-definitions.js';
import type { FileProbe } from '../../streams/text-stream.js';

/** A probe of plain text `head`, or of a zip whose entry is `entryName`. */
function probeOf(head: string, entryName?: string): FileProbe {
  return {
    path: entryName ?? 'sample.txt',
    size: head.length,
    compression: entryName === undefined ? 'none' : 'zip',
    zipEntry: entryName === undefined ? null : { name: entryName, dataStart: 0, compressedSize: -1, method: 8 },
    head,
    headError: null,
  };
}

/** One small sample per built-in format, and the probe it makes. */
const SAMPLES: readonly (readonly [SourceFormat, FileProbe])[] = [
  ['lean-trades', probeOf('34200000,1693000,100,Q,,0\n', '20131007_spy_Trade_Tick.csv')],
  ['binance', probeOf('1723075200123456789 {"stream":"btcusdt@trade","data":{"e":"trade"}}\n')],
  ['cryptofeed', probeOf('wss://fstream.binance.com/stream?streams=btcusdt@trade <-> 1723075200.5\n1723075200.6: {"e":"trade"}\n')],
  ['journal', probeOf('{"type":"trade","exchange":"binance","symbol":"BTCUSDT","ts":2,"tsRecv":1}\n')],
  ['trades-csv', probeOf('exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nbitmex,XBTUSD,1,2,a,buy,1,2\n')],
  ['quotes-csv', probeOf('timestamp,bid,ask\n2013-01-01 22:00:00+00:00,1,2\n')],
  ['bars-csv', probeOf('Date,Open,High,Low,Close,Adj Close,Volume\n2000-01-03,1,2,0.5,1.5,1.5,100\n')],
];

/** A decoder that emits nothing, for definitions made up by the tests. */
const NO_DECODER: LineDecoder = { reason: '', decode: () => DECODED, finish: () => undefined };

describe('the built-in format definitions', () => {
  it('give every name and alias to one format only, ignoring case', () => {
    const all = SOURCE_FORMAT_DEFINITIONS.flatMap((d) => [d.name, ...d.aliases].map((n) => n.toLowerCase()));
    expect(new Set(all).size).toBe(all.length);
    expect(SOURCE_FORMAT_DEFINITIONS.every((d) => d.description.length > 0 && !d.description.includes('\n'))).toBe(true);
  });

  it('list every format in detection order: the LEAN zip entry, then first lines, then CSV headers', () => {
    expect(SOURCE_FORMATS).toEqual(['lean-trades', 'binance', 'cryptofeed', 'journal', 'trades-csv', 'quotes-csv', 'bars-csv']);
    expect(SOURCE_FORMAT_DEFINITIONS.map((d) => d.detect.by)).toEqual(['zip-entry', 'first-line', 'first-line', 'first-line', 'csv-header', 'csv-header', 'csv-header']);
  });
});

describe('detectFormat', () => {
  it.each(SAMPLES)('recognises a %s sample', (format, probe) => {
    expect(detectFormat(probe)).toBe(format);
  });

  it('has a sample for every format', () => {
    expect(SAMPLES.map(([format]) => format).sort()).toEqual([...SOURCE_FORMATS].sort());
  });

  it('reads the first line through a byte-order mark and a CRLF ending', () => {
    expect(detectFormat(probeOf('\ufefftimestamp,bid,ask\r\n1,2,3\r\n'))).toBe('quotes-csv');
  });

  it('prefers trades to quotes for a header naming both, as the list order says', () => {
    expect(detectFormat(probeOf('timestamp,price,amount,bid,ask\n'))).toBe('trades-csv');
  });

  it('returns null for text it does not recognise, and for a zip whose entry is not LEAN', () => {
    expect(detectFormat(probeOf('SMA14,close\n1,2\n'))).toBeNull();
    expect(detectFormat(probeOf('hello\n'))).toBeNull();
    expect(detectFormat(probeOf('a,b,c\n', 'readme.txt'))).toBeNull();
  });

  it('reads a zip by its text when the entry is not LEAN', () => {
    expect(detectFormat(probeOf('timestamp,bid,ask\n', 'quotes.csv'))).toBe('quotes-csv');
  });
});

describe('parseSourceFormat', () => {
  it('accepts names and aliases in any case', () => {
    for (const d of SOURCE_FORMAT_DEFINITIONS) {
      expect(parseSourceFormat(d.name.toUpperCase())).toBe(d.name);
      for (const alias of d.aliases) expect(parseSourceFormat(` ${alias} `)).toBe(d.name);
    }
  });

  it('rejects an unknown name with DATA_UNKNOWN_FORMAT listing every known name', () => {
    let error: unknown;
    try {
      parseSourceFormat('parquet');
    } catch (e) {
      error = e;
    }
    expect(isTickflowError(error, 'DATA_UNKNOWN_FORMAT')).toBe(true);
    expect(error).toMatchObject({ context: { format: 'parquet' } });
    for (const name of SOURCE_FORMATS) expect((error as Error).message).toContain(name);
  });
});

describe('createDecoder', () => {
  it('builds a fresh decoder for every format', () => {
    for (const format of SOURCE_FORMATS) {
      const options = { symbol: 'X', entryName: '20131007_spy_Trade_Tick.csv' };
      const decoder = createDecoder(format, options);
      expect(decoder).not.toBe(createDecoder(format, options));
      expect(typeof decoder.decode).toBe('function');
    }
  });

  it('decodes a line with the format named', () => {
    const out: MarketRecord[] = [];
    const line = Buffer.from('34200000,1693000,100,Q,,0');
    createDecoder('lean-trades', { symbol: 'X', entryName: '20131007_spy_Trade_Tick.csv' }).decode(line, 0, line.length, out);
    expect(out).toEqual([expect.objectContaining({ type: 'trade', symbol: 'SPY', price: 169.3, amount: 100 })]);
  });

  it('rejects a name that is not in the list, at compile time and at run time', () => {
    // @ts-expect-error `SourceFormat` is the union of the list's names, so a typo fails to compile.
    expect(() => createDecoder('parquet', { symbol: 'X' })).toThrow(/unknown data format "parquet"/);
  });
});

describe('createSourceFormatRegistry', () => {
  const krakenFormat: SourceFormatDefinition<'kraken'> = {
    name: 'kraken',
    aliases: ['kraken-capture'],
    description: 'a made-up capture whose first line starts with #kraken',
    detect: { by: 'first-line', matches: (line) => line.startsWith('#kraken') },
    createDecoder: () => NO_DECODER,
  };
  const pxFormat: SourceFormatDefinition<'px-csv'> = {
    name: 'px-csv',
    aliases: [],
    description: 'a made-up CSV with px and qty columns',
    detect: { by: 'csv-header', matches: (header) => header.includes('px') && header.includes('qty') },
    createDecoder: () => NO_DECODER,
  };

  it('detects, parses and builds a definition added to a copy of the list, with no other edit', () => {
    const registry = createSourceFormatRegistry([...SOURCE_FORMAT_DEFINITIONS, krakenFormat, pxFormat]);
    expect(registry.detect(probeOf('#kraken v1\n'))).toBe('kraken');
    expect(registry.detect(probeOf('time,px,qty\n'))).toBe('px-csv');
    expect(registry.parse('Kraken-Capture')).toBe('kraken');
    expect(registry.definition('kraken').createDecoder({ symbol: 'X' })).toBe(NO_DECODER);
    expect(registry.names).toEqual([...SOURCE_FORMATS, 'kraken', 'px-csv']);
    expect(() => registry.parse('parquet')).toThrow(/known: .*kraken, px-csv/);
    for (const [format, probe] of SAMPLES) expect(registry.detect(probe)).toBe(format);
  });

  it('tries the list in order: an earlier definition wins', () => {
    const greedy: SourceFormatDefinition<'greedy'> = { ...pxFormat, name: 'greedy', detect: { by: 'csv-header', matches: () => true } };
    expect(createSourceFormatRegistry([greedy, ...SOURCE_FORMAT_DEFINITIONS]).detect(SAMPLES[4]![1])).toBe('greedy');
    expect(createSourceFormatRegistry([...SOURCE_FORMAT_DEFINITIONS, greedy]).detect(SAMPLES[4]![1])).toBe('trades-csv');
  });

  it('splits the CSV header once per detection, however many formats look at it', () => {
    const seen: (readonly string[])[] = [];
    const spy = (name: string): SourceFormatDefinition => ({
      ...pxFormat,
      name,
      detect: { by: 'csv-header', matches: (header) => (seen.push(header), false) },
    });
    const registry = createSourceFormatRegistry([spy('a'), krakenFormat, spy('b'), spy('c')]);
    expect(registry.detect(probeOf('Time,PX,qty\n'))).toBeNull();
    expect(seen).toHaveLength(3);
    expect(seen[0]).toEqual(['time', 'px', 'qty']);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBe(seen[0]);
  });

  it('rejects a list in which two formats share a name or alias', () => {
    const clash: SourceFormatDefinition = { ...krakenFormat, name: 'other', aliases: ['TARDIS'] };
    expect(() => createSourceFormatRegistry([...SOURCE_FORMAT_DEFINITIONS, clash])).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', context: { format: 'tardis' } }));
  });
});
