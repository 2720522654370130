/**
 * The Binance decoder gives exactly the records of a plain `JSON.parse` normalizer
 * (`test/support/binance-reference.ts`, written from the documented mapping and sharing no code
 * with the decoder) on every line of every shared Binance capture: the raw captures under
 * `binance-spot/` and `binance-usdm/` (every `.gz` there) and the cryptofeed capture of Binance
 * futures. Records must be deep-equal (values compared with `Object.is`, plain objects) with the
 * same keys in the same order, levels included, and so must a spread copy of each (`{...record}`,
 * as the live feed restamps records): a record is plain data, its levels in its own properties.
 *
 * The decoder has three paths (`binance-ordered-pass.ts` for the common messages with their keys in
 * Binance's order, `binance-keyed-pass.ts` for them in any order, the scanner's tables for the rest
 * and for naming what is wrong); the ordered pass must decode every trade, book ticker and depth
 * update of the raw captures itself, and a property checks that the three agree, outcome, reason,
 * record and naming state, on capture lines mutated at random, byte by byte and key by key. */
import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../../src/model/records.js';
import { CryptofeedCaptureDecoder } from '../../../../streams/formats/cryptofeed-capture.js';
import { DECODED, SKIPPED, type LineDecoder } from '../../../../streams/line-decoder.js';
import { BinanceCaptureDecoder } from '../../../../streams/venues/binance/binance-capture.js';
import { BinanceMessageParser } from '../../../../streams/venues/binance/binance-message.js';
import { BinanceNaming } from '../../../../streams/venues/binance/binance-naming.js';
import { decodeInOrder } from '../../../../streams/venues/binance/binance-ordered-pass.js';
import {
  referenceCaptureRecord,
  referenceCryptofeedRecord,
  referenceState,
  type ReferenceOutcome,
  type ReferenceState,
} from '../../../support/binance-reference.js';
import { dataPath } from '../../../support/data.js';

/** The raw captures in a folder of the shared data, as paths relative to it. */
function capturesIn(folder: string): string[] {
  const dir = dataPath(folder);
  if (dir === undefined) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.gz'))
    .sort()
    .map((f) => `${folder}/${f}`);
}

const RAW = [...capturesIn('binance-spot'), ...capturesIn('binance-usdm')];
const CRYPTOFEED = 'cryptofeed/BINANCE_FUTURES.ws.1.0';

function readText(path: string): Buffer {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
}

/** A record's text: every value and every key in order, levels included (`isDeepStrictEqual` ignores key order). */
function shape(record: unknown): string {
  return JSON.stringify(record);
}

interface Mismatch {
  readonly line: number;
  readonly text: string;
  readonly outcome: number;
  readonly reason: string;
  readonly got: MarketRecord[];
  readonly want: ReferenceOutcome;
}

/** Decodes every line of `text` with `decoder` and the reference; returns the lines that differ. */
function compareEveryLine(text: Buffer, decoder: LineDecoder, reference: (line: string, state: ReferenceState) => ReferenceOutcome): { lines: number; records: number; mismatches: Mismatch[] } {
  const state = referenceState();
  const mismatches: Mismatch[] = [];
  let lines = 0;
  let records = 0;
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(10, start);
    if (end < 0) end = text.length;
    lines++;
    const line = text.toString('latin1', start, end);
    const out: MarketRecord[] = [];
    const outcome = decoder.decode(text, start, end, out);
    const want = reference(line, state);
    const same =
      want === null
        ? outcome === SKIPPED && out.length === 0
        : outcome === DECODED && out.length === 1 && isDeepStrictEqual(out[0], want) && shape(out[0]) === shape(want) && isDeepStrictEqual({ ...out[0] }, want);
    if (!same && mismatches.length < 5) mismatches.push({ line: lines, text: line.slice(0, 160), outcome, reason: decoder.reason, got: out, want });
    records += out.length;
    start = end + 1;
  }
  return { lines, records, mismatches };
}

describe.each(RAW)('the Binance decoder on every line of %s', (file) => {
  it('gives the reference record for every line', () => {
    const { lines, records, mismatches } = compareEveryLine(readText(dataPath(file)!), new BinanceCaptureDecoder({ symbol: '' }), referenceCaptureRecord);
    expect(mismatches).toEqual([]);
    expect(lines).toBeGreaterThan(30_000);
    expect(records).toBe(lines);
  });
});

describe.each(RAW)('the ordered pass on every line of %s', (file) => {
  it('decodes every trade, book ticker and depth update itself, to the record of the keyed pass', () => {
    const text = readText(dataPath(file)!);
    const naming = new BinanceNaming({});
    const keyed = new BinanceMessageParser({ orderedPass: false });
    const differ: string[] = [];
    let decoded = 0;
    let lines = 0;
    let snapshots = 0;
    for (let start = 0; start < text.length; ) {
      let end = text.indexOf(10, start);
      if (end < 0) end = text.length;
      const at = text.indexOf(32, start) + 1;
      const out: MarketRecord[] = [];
      const want: MarketRecord[] = [];
      lines++;
      if (decodeInOrder(text, at, end, 1, naming, out) === DECODED) decoded++;
      keyed.parse(text, at, end, 1, want);
      const isSnapshot = want[0]?.type === 'depth_snapshot';
      if (isSnapshot) snapshots++;
      if ((isSnapshot ? out.length !== 0 : shape(out) !== shape(want) || !isDeepStrictEqual(out, want)) && differ.length < 3) differ.push(text.toString('latin1', start, Math.min(end, start + 200)));
      start = end + 1;
    }
    expect(differ).toEqual([]);
    // All but the REST snapshot, when the capture has one.
    expect(snapshots).toBeLessThanOrEqual(1);
    expect(decoded).toBe(lines - snapshots);
  });
});

const cryptofeed = dataPath(CRYPTOFEED);

describe.skipIf(!cryptofeed)(`the Binance decoder on every line of ${CRYPTOFEED}`, () => {
  it('gives the reference record, or none for the subscribe line and open klines, for every line', () => {
    const { lines, records, mismatches } = compareEveryLine(readText(cryptofeed!), new CryptofeedCaptureDecoder({ symbol: '' }), referenceCryptofeedRecord);
    expect(mismatches).toEqual([]);
    expect({ lines, records }).toEqual({ lines: 1_536, records: 1_472 });
  });
});

/** Up to `n` message texts (without the receive-time prefix) from each shared capture, for mutation. */
function sampleMessages(n: number): string[] {
  const messages: string[] = [];
  for (const file of RAW) {
    const lines = readText(dataPath(file)!).toString('latin1').split('\n', n);
    for (const line of lines) if (line !== '') messages.push(line.slice(line.indexOf(' ') + 1));
  }
  if (cryptofeed !== undefined) {
    for (const line of readText(cryptofeed).toString('latin1').split('\n').slice(1)) if (line !== '') messages.push(line.slice(line.indexOf(': ') + 2));
  }
  return messages;
}

// Among them the bounds: the last ms whose µs are safe and the next, the last safe integer and the next.
const VALUES = ['null', 'true', 'false', '-1', '1.5', '0', '9007199254740', '9007199254741', '9007199254740991', '9007199254740992', '"x"', '""', '"1e5"', '"-1"', '"0.00000000"', '[]', '{}', '[["1","2"]]', '[["1","x"]]', '"BTC\\u0055SDT"', '1e3', '"trade"', '"bookTicker"', '"depthUpdate"', '"aggTrade"', '"kline"'];
const KEYS = ['e', 'E', 's', 't', 'a', 'p', 'q', 'T', 'm', 'M', 'u', 'U', 'b', 'B', 'A', 'pu', 'X', 'f', 'l', 'lastUpdateId', 'bids', 'asks', 'stream', 'data', 'result', 'k'];
const BYTES = '0123456789."{}[],:- eE\\tfnrux';

/** The top-level `"key":value` pairs of an object's text (braces stripped), split at commas outside strings and brackets. */
function pairsOf(body: string): string[] {
  const pairs: string[] = [];
  let depth = 0;
  let inString = false;
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      pairs.push(body.slice(from, i));
      from = i + 1;
    }
  }
  pairs.push(body.slice(from));
  return pairs;
}

/** `[head, object, tail]` of a message: its data object, and the envelope around it if any. */
function splitEnvelope(json: string): [string, string, string] {
  const envelope = /^(\{"stream":"[^"]*","data":)(\{.*\})(\})$/s.exec(json);
  return envelope === null ? ['', json, ''] : [envelope[1]!, envelope[2]!, envelope[3]!];
}

/** One mutation of a message, chosen by `choice`, at `at` (a fraction of the text or of its pairs). */
function mutate(json: string, choice: number, at: number, pick: number): string {
  const p = Math.floor(at * json.length);
  const byte = BYTES[pick % BYTES.length]!;
  switch (choice) {
    case 0:
      return json.slice(0, p) + byte + json.slice(p + 1);
    case 1:
      return json.slice(0, p) + byte + json.slice(p);
    case 2:
      return json.slice(0, p) + json.slice(p + 1);
    case 3:
      return json.slice(0, p);
    default: {
      // Key by key, inside the envelope's data when there is one.
      const [head, object, tail] = splitEnvelope(json);
      const pairs = pairsOf(object.slice(1, -1));
      const i = Math.floor(at * pairs.length);
      if (choice === 4) pairs.splice(i, 1);
      else if (choice === 5) pairs.push(pairs[i]!);
      else if (choice === 6) pairs.reverse();
      else if (choice === 7) pairs[i] = pairs[i]!.replace(/:(.*)$/s, `:${VALUES[pick % VALUES.length]!}`);
      else if (choice === 8) pairs.splice(i, 0, `"${KEYS[pick % KEYS.length]!}":${VALUES[(pick >> 5) % VALUES.length]!}`);
      else pairs[i] = pairs[i]!.replace(':', ': ');
      return `${head}{${pairs.join(',')}}${tail}`;
    }
  }
}

describe.skipIf(RAW.length === 0)('the ordered pass, the keyed pass and the general path', () => {
  const messages = sampleMessages(3_000);
  // After the message under test: a snapshot (takes the last symbol) and a kline (the last exchange).
  const probes = ['{"lastUpdateId":5,"bids":[["1","2"]],"asks":[]}', '{"e":"kline","E":1,"s":"X","k":{"t":0,"T":1,"i":"1m","o":"1","h":"1","l":"1","c":"1","v":"1","V":"1","q":"1","n":1,"x":true}}'];

  function run(parser: BinanceMessageParser, texts: readonly string[]): unknown[] {
    return texts.map((text) => {
      const bytes = Buffer.from(text, 'latin1');
      const out: MarketRecord[] = [];
      const outcome = parser.parse(bytes, 0, bytes.length, 1_723_161_254_087_896, out);
      return { outcome, reason: outcome === DECODED ? '' : parser.reason, out, shape: out.map(shape) };
    });
  }

  it('give the same outcome, reason, record and later naming for mutated capture messages (property)', () => {
    const message = fc.tuple(
      fc.nat({ max: messages.length - 1 }),
      fc.array(fc.tuple(fc.nat({ max: 9 }), fc.double({ min: 0, max: 0.999, noNaN: true }), fc.nat()), { minLength: 1, maxLength: 3 }),
      fc.nat({ max: messages.length - 1 }),
    );
    fc.assert(
      fc.property(message, ([index, mutations, before]) => {
        let json = messages[index]!;
        for (const [choice, at, pick] of mutations) json = mutate(json, choice, at, pick);
        const texts = [messages[before]!, json, ...probes];
        const all = run(new BinanceMessageParser({ symbol: 'GIVEN' }), texts);
        const keyed = run(new BinanceMessageParser({ symbol: 'GIVEN', orderedPass: false }), texts);
        const general = run(new BinanceMessageParser({ symbol: 'GIVEN', keyedPass: false }), texts);
        expect(isDeepStrictEqual(all, general) ? 'same' : { json, all, general }).toBe('same');
        expect(isDeepStrictEqual(keyed, general) ? 'same' : { json, keyed, general }).toBe('same');
      }),
      { numRuns: 20_000, seed: 20240809 },
    );
  });

  it('agree when one field of a capture message of each type holds any of the edge values, or a key is added', () => {
    // Exhaustive over single changes, where the property samples: every field of one message per
    // type and source, each replaced by every edge value; every key added with every value.
    const bases = new Map<string, string>();
    for (const json of messages) {
      const kind = /"e":"(\w+)"/.exec(json)?.[1] ?? (json.includes('lastUpdateId') ? 'snapshot' : 'bookTicker');
      const key = `${kind} ${json.startsWith('{"stream"') ? 'envelope' : 'bare'} ${json.includes('"pu"') || json.includes('"E"') ? 'E' : ''}`;
      if (!bases.has(key)) bases.set(key, json);
    }
    const cases: string[] = [];
    for (const json of bases.values()) {
      const fields = pairsOf(splitEnvelope(json)[1].slice(1, -1)).length;
      for (let i = 0; i < fields; i++) for (let v = 0; v < VALUES.length; v++) cases.push(mutate(json, 7, (i + 0.5) / fields, v));
      for (let k = 0; k < KEYS.length; k++) for (let v = 0; v < VALUES.length; v++) cases.push(mutate(json, 8, 0.5, k + (v << 5)));
    }
    const all = run(new BinanceMessageParser({ symbol: 'GIVEN' }), cases);
    const keyed = run(new BinanceMessageParser({ symbol: 'GIVEN', orderedPass: false }), cases);
    const general = run(new BinanceMessageParser({ symbol: 'GIVEN', keyedPass: false }), cases);
    expect(cases.length).toBeGreaterThan(5_000);
    expect(cases.filter((_, i) => !isDeepStrictEqual(all[i], general[i])).slice(0, 3)).toEqual([]);
    expect(cases.filter((_, i) => !isDeepStrictEqual(keyed[i], general[i])).slice(0, 3)).toEqual([]);
  });

  it('agree on every sampled capture message as recorded', () => {
    const all = run(new BinanceMessageParser(), messages);
    const keyed = run(new BinanceMessageParser({ orderedPass: false }), messages);
    const general = run(new BinanceMessageParser({ keyedPass: false }), messages);
    expect(all.filter((r, i) => !isDeepStrictEqual(r, general[i])).slice(0, 3)).toEqual([]);
    expect(keyed.filter((r, i) => !isDeepStrictEqual(r, general[i])).slice(0, 3)).toEqual([]);
  });
});
