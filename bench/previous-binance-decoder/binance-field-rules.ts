/**
 * FROZEN BASELINE: `streams/venues/binance/binance-field-rules.ts` as it was at commit
 * 9d02dea, the decoder before the keyed pass, kept unchanged (imports aside) as the baseline of the
 * replay benchmark's ratio over the previous decoder. Not used by the engine; do not improve it:
 * that would move the baseline.
 *
 * What each field a Binance message type uses must hold, so a refused message says which field was
 * wrong and why (`trade without a valid p (a decimal string with a finite value)`).
 *
 * The parser decides acceptance itself, with a comparison or two per value on the hot path; these
 * rules are read only after it has refused a message, to name the first field that fails. They test
 * with the same scanner readers the parser uses, so the two cannot disagree on what is valid.
 */
import { KIND_LEVELS, KIND_STRING, SLOT_ASKS, SLOT_BIDS, SLOT_LAST_UPDATE_ID, SLOT_PU } from './binance-field-table.js';
import { type BinanceScanner, MAX_TIME_MS } from './binance-scanner.js';

/** What a field must hold; `optional-` kinds may also be absent. */
export type FieldKind =
  | 'symbol'
  | 'decimal'
  | 'time'
  | 'optional-time'
  | 'last-ms'
  | 'id'
  | 'optional-id'
  | 'boolean'
  | 'levels'
  | 'text';

const EXPECTED: Readonly<Record<FieldKind, string>> = {
  symbol: 'a non-empty string',
  decimal: 'a decimal string with a finite value',
  time: `an integer time in ms from 0 to ${MAX_TIME_MS}, so its µs are a safe integer`,
  'optional-time': `an integer time in ms from 0 to ${MAX_TIME_MS}, so its µs are a safe integer`,
  'last-ms': `an integer time in ms from 0 to ${MAX_TIME_MS - 1}, so the bar's close in µs is a safe integer`,
  id: 'an unsigned safe integer',
  'optional-id': 'an unsigned safe integer',
  boolean: 'true or false',
  levels: 'an array of ["price","amount"] levels with finite decimal strings',
  text: 'a string',
};

/** One field's rule: its key as sent (`k.o` for `o` in the kline's `k`), table slot and kind. */
export interface FieldRule {
  readonly key: string;
  readonly slot: number;
  /** 0 for the message's own table, 1 for the kline's `k`. */
  readonly nested: number;
  readonly kind: FieldKind;
}

/** A message type's name and its fields' rules, in the order they are reported. */
export interface MessageRules {
  readonly type: string;
  readonly fields: readonly FieldRule[];
}

const LONG_KEYS: Readonly<Record<string, number>> = { pu: SLOT_PU, lastUpdateId: SLOT_LAST_UPDATE_ID, bids: SLOT_BIDS, asks: SLOT_ASKS };

/** Rules from `{ key: kind }` (keys as sent; single letters, the long keys, or `k.x`). */
export function defineMessageRules(type: string, fields: Readonly<Record<string, FieldKind>>): MessageRules {
  return {
    type,
    fields: Object.entries(fields).map(([key, kind]) => {
      const nested = key.startsWith('k.') ? 1 : 0;
      const name = nested === 1 ? key.slice(2) : key;
      const slot = name.length === 1 ? name.charCodeAt(0) : LONG_KEYS[name];
      // A typo in the rule tables at the end of this file is a bug, caught when the module loads: not a TickflowError.
      if (slot === undefined) throw new Error(`binance field rules: no table slot for key ${key}`);
      return { key, slot, nested, kind };
    }),
  };
}

/**
 * Why the message last scanned (its table at `depth`) breaks `rules`: the first field that fails,
 * named with what it must hold; a general reason if every field passes (the parser refused it on a
 * ground the rules do not cover, which would be a bug to fix here).
 */
export function invalidFieldReason(scanner: BinanceScanner, depth: number, rules: MessageRules): string {
  for (const rule of rules.fields) {
    if (!fieldValid(scanner, depth + rule.nested, rule)) return `${rules.type} without a valid ${rule.key} (${EXPECTED[rule.kind]})`;
  }
  return `${rules.type} with a malformed field`;
}

function fieldValid(scanner: BinanceScanner, depth: number, rule: FieldRule): boolean {
  const slot = rule.slot;
  switch (rule.kind) {
    case 'symbol': {
      const t = scanner.table(depth);
      return scanner.hasKind(depth, slot, KIND_STRING) && t.end[slot]! > t.start[slot]!;
    }
    case 'decimal': {
      const value = scanner.decimal(depth, slot);
      return value === value;
    }
    case 'time':
      return scanner.time(depth, slot) >= 0;
    case 'optional-time':
      return !scanner.has(depth, slot) || scanner.time(depth, slot) >= 0;
    case 'last-ms': {
      const ms = scanner.time(depth, slot);
      return ms >= 0 && ms < MAX_TIME_MS;
    }
    case 'id':
      return scanner.integer(depth, slot) >= 0;
    case 'optional-id':
      return !scanner.has(depth, slot) || scanner.integer(depth, slot) >= 0;
    case 'boolean':
      return scanner.boolean(depth, slot) >= 0;
    case 'levels':
      return scanner.hasKind(depth, slot, KIND_LEVELS);
    case 'text':
      return scanner.hasKind(depth, slot, KIND_STRING);
  }
}

/** `trade`: the id is `t`. */
export const TRADE_RULES = defineMessageRules('trade', { s: 'symbol', t: 'id', p: 'decimal', q: 'decimal', T: 'time', m: 'boolean' });
/** `aggTrade`: the id is `a`. */
export const AGG_TRADE_RULES = defineMessageRules('aggTrade', { s: 'symbol', a: 'id', p: 'decimal', q: 'decimal', T: 'time', m: 'boolean' });
/** `bookTicker`, spot (no `E`) or USD-M. */
export const BOOK_TICKER_RULES = defineMessageRules('bookTicker', { s: 'symbol', b: 'decimal', B: 'decimal', a: 'decimal', A: 'decimal', E: 'optional-time' });
/** `depthUpdate`, with `pu` on USD-M. */
export const DEPTH_UPDATE_RULES = defineMessageRules('depthUpdate', { s: 'symbol', E: 'time', U: 'id', u: 'id', pu: 'optional-id', b: 'levels', a: 'levels' });
/** REST depth snapshot or partial-depth stream message, with `E` on USD-M. */
export const SNAPSHOT_RULES = defineMessageRules('depth snapshot', { lastUpdateId: 'id', E: 'optional-time', bids: 'levels', asks: 'levels' });
/** A closed `kline` (an open one is skipped before its fields are read). */
export const KLINE_RULES = defineMessageRules('kline', {
  s: 'symbol',
  E: 'time',
  'k.x': 'boolean',
  'k.t': 'time',
  'k.T': 'last-ms',
  'k.i': 'text',
  'k.o': 'decimal',
  'k.h': 'decimal',
  'k.l': 'decimal',
  'k.c': 'decimal',
  'k.v': 'decimal',
  'k.V': 'decimal',
  'k.q': 'decimal',
  'k.n': 'id',
});
