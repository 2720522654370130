/**
 * Configuration of the paper venue (`paper-venue.ts`), validated once at the edge (the actor's
 * config or the composition root). Fee rates are written as decimal strings or numbers and kept as
 * exact decimal strings (`0.0002` and `"0.0002"` are both 2 bps; a negative maker rate is a rebate).
 */
import { z } from 'zod';
import { decimalInput } from '../../../../src/model/decimal-input.js';
import { parseDecimal } from '../../../../src/model/money.js';
import { TickflowError } from '../../../../src/runtime/errors.js';

// A fee rate: an exact decimal strictly between -1 and 1, out as its decimal string.
const feeRate = decimalInput().refine(
  (text) => {
    try {
      const d = parseDecimal(text);
      const one = 10n ** BigInt(d.scale);
      return d.units > -one && d.units < one;
    } catch {
      return false;
    }
  },
  { message: 'expected a decimal rate strictly between -1 and 1, such as "0.0002"' },
);

/**
 * Default taker fee rate: 4 bps of notional. With `DEFAULT_MAKER_FEE`, the rates `config/default.yaml`
 * and the README state, so a backtest costs the same with or without `--config`. They are of the
 * order of crypto futures venues' entry tiers, while Binance spot's base tier (10 bps both ways) is
 * dearer and FX or equity commissions are cheaper: a default is a stated assumption, not any one
 * venue's schedule. A default that charged nothing made every backtest without a config trade for
 * free; set `"0"` explicitly to see the costless figures.
 */
export const DEFAULT_TAKER_FEE = '0.0004';

/** Default maker fee rate: 2 bps of notional (see `DEFAULT_TAKER_FEE`). */
export const DEFAULT_MAKER_FEE = '0.0002';

/**
 * How the venue's account trades one exchange's instruments (`paper-account.ts`):
 * - `type`: `cash` (spot: buys are paid from the quote balance, a sell needs the base currency
 *   held) or `margin` (derivatives: positions either way against collateral);
 * - `leverage`: margin only, a whole number 1 to 125 (default 1): the collateral a position needs
 *   is its value divided by it;
 * - `borrowing`: cash only (default false): when on, a cash account may sell what it does not
 *   hold (a short sale against borrowed base currency), under margin rules at leverage 1.
 */
export const AccountTerms = z
  .strictObject({
    type: z.enum(['cash', 'margin']),
    leverage: z.int().min(1).max(125).default(1),
    borrowing: z.boolean().default(false),
  })
  .refine((t) => t.type === 'margin' || t.leverage === 1, { message: 'leverage applies to margin accounts only', path: ['leverage'] })
  .refine((t) => t.type === 'cash' || !t.borrowing, { message: 'borrowing applies to cash accounts only (a margin account can short)', path: ['borrowing'] });

/** An account's terms, validated. */
export type AccountTerms = z.output<typeof AccountTerms>;

/**
 * The paper venue's settings:
 * - `latencyUs`: engine-time delay (µs) from `submit` or `cancel` to the venue acting on it (engine
 *   to venue). Default 1000 (1 ms): a positive latency also keeps an order from ever meeting the
 *   very record that caused it.
 * - `reportLatencyUs`: engine-time delay (µs) from the venue acting (an acknowledgement, fill,
 *   rejection, cancel or cancel refusal) to execution hearing of it (venue to engine), applied by
 *   the venue actor (`paper-venue-actor.ts`) on engine-time timers, in the order the venue acted.
 *   Default 0, so results stay what they were with `latencyUs` alone; a round trip is
 *   `latencyUs + reportLatencyUs`.
 * - `makerFee`, `takerFee`: rates on the fill's notional (defaults `DEFAULT_MAKER_FEE` `"0.0002"` and
 *   `DEFAULT_TAKER_FEE` `"0.0004"`; `"0"` turns a fee off).
 * - `partialFills`: when on (default), fills take at most what the data shows: displayed size less
 *   what the venue's orders already took there (`paper-depth.ts`), or a trade's amount, and the rest
 *   waits for later updates; when off, every fill takes the whole remaining quantity at the touch
 *   or the limit (no consumption, no walking; trades at a resting limit still pass its queue
 *   first) and bars are not capped by `barVolumeShare`.
 * - `barVolumeShare`: on bar-only data, the share of a bar's `volume` the venue's orders of one side
 *   may take at that bar, together, in priority order (rounded down to the size increment); the
 *   rest waits for the following bars. In (0, 1], default 0.1. A bar with no volume (0: a bar file
 *   without a volume column) is not capped.
 * - `barSlippageBps`: on bar-only data, a fill at the bar's open is priced that many basis points
 *   of the open against the order, rounded against it to whole ticks (`paper-matching.ts`), never
 *   past a limit. Integer 0 to 1000, default 1 (in bps rather than ticks: an inferred
 *   instrument's tick comes from the data's decimals and says nothing about the spread).
 * - `marketWithoutQuotes`: what a market order does when no quote of its symbol has been seen when
 *   it arrives: `'nextPrice'` (default) fills at the next trade, or the next bar's open for bar-only
 *   data; `'reject'` rejects it with `NO_QUOTES`.
 * - `limitCross`: how a trade or a bar fills a resting limit where the data shows no depth (trades
 *   or bars only, so no queue is known): `'through'` (default, conservative: the queue ahead at the
 *   limit is assumed to absorb trades at the limit) needs a trade price (or bar low/high) strictly
 *   beyond the limit; `'touch'` fills at equality too. Where depth is shown, the queue position
 *   decides instead (`paper-depth-matching.ts`).
 * - `accounts`: account terms by exchange name (`binance: { type: cash }`); an exchange not listed
 *   gets `DEFAULT_ACCOUNT_TYPES` (`paper-account.ts`).
 */
export const PaperVenueConfig = z.strictObject({
  latencyUs: z.int().nonnegative().default(1000),
  makerFee: feeRate.default(DEFAULT_MAKER_FEE),
  takerFee: feeRate.default(DEFAULT_TAKER_FEE),
  partialFills: z.boolean().default(true),
  marketWithoutQuotes: z.enum(['nextPrice', 'reject']).default('nextPrice'),
  limitCross: z.enum(['through', 'touch']).default('through'),
  barVolumeShare: z.number().gt(0).lte(1).default(0.1),
  barSlippageBps: z.int().nonnegative().max(1000).default(1),
  reportLatencyUs: z.int().nonnegative().default(0),
  accounts: z.record(z.string().min(1), AccountTerms).default({}),
});

/** The paper venue's settings, validated, defaults filled in. */
export type PaperVenueConfig = z.output<typeof PaperVenueConfig>;

/** The paper venue's settings as written in config (every field optional). */
export type PaperVenueConfigInput = z.input<typeof PaperVenueConfig>;

/**
 * Validates paper venue settings and fills in defaults. Throws `CONFIG_INVALID` naming every bad
 * path (`takerFee: expected a decimal rate ...`).
 */
export function parsePaperVenueConfig(input: PaperVenueConfigInput): PaperVenueConfig {
  const parsed = PaperVenueConfig.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new TickflowError('CONFIG_INVALID', `invalid paper venue config: ${problems.join('; ')}`, { problems });
}
