/**
 * The risk guard's configuration: a zod schema (`RiskConfig`), validated once at the edge (the
 * config loader, `src/app/config.ts`), then trusted: the risk actor takes the validated
 * `ResolvedRiskConfig` and never parses it again (a second pass once read the µs it produced as
 * milliseconds). Every check is off unless its key is present; `RiskConfig.parse({})` is a guard
 * that approves everything while `ACTIVE`.
 *
 * **Limits are exclusive upper bounds**: a value that reaches the limit is denied, a value just under
 * it passes (`maxOrderQuantity: "1"` denies an order of 1 and passes 0.999 on a 0.001 grid). Limits
 * are decimal strings or numbers, read exactly (a number as its shortest decimal) and compared
 * exactly with the order's lots and quote units. A limit of zero is refused: omit the key to turn a
 * check off.
 *
 * Forms accepted:
 * - amounts and quantities: `"1.5"`, `2`, `"1e-3"` (> 0);
 * - fractions: `0.05`, `"0.05"`, `"5%"`, `"500bps"` (> 0; normalized to a decimal fraction string);
 * - durations: the project's one grammar (`src/model/duration.ts`): `"250ms"`, `"10s"`, `"5m"`,
 *   `"1m30s"`, `"100us"`; a bare number is refused. Normalized to integer µs of engine time.
 */
import { z } from 'zod';
import { durationSchema } from '../../src/model/duration.js';
import { formatUnits, parseDecimal, pow10, type Decimal } from '../../src/model/money.js';
import { TickflowError } from '../../src/runtime/errors.js';

function readDecimal(value: string | number): Decimal | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  try {
    return parseDecimal(typeof value === 'string' ? value : String(value));
  } catch {
    return undefined;
  }
}

function canonical(d: Decimal): string {
  return formatUnits(d.units, d.scale, true);
}

/** A positive decimal (quantity in base units, or an amount in the quote currency). */
function positiveDecimal(what: string) {
  return z.union([z.string(), z.number()], { error: `${what} must be a decimal string or a number` }).transform((value, ctx) => {
    const d = readDecimal(value);
    if (d === undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} must be a decimal number like "1.5", got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    if (d.units <= 0n) {
      ctx.addIssue({ code: 'custom', message: `${what} must be greater than 0 (omit the key to turn the check off), got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return canonical(d);
  });
}

const FRACTION_RE = /^\s*(.+?)\s*(%|bps)?\s*$/i;

/** A positive fraction: `0.05`, `"5%"`, `"500bps"`; normalized to a decimal string (`"0.05"`). */
function positiveFraction(what: string, max?: string) {
  return z.union([z.string(), z.number()], { error: `${what} must be a fraction like 0.05, "5%" or "500bps"` }).transform((value, ctx) => {
    let d: Decimal | undefined;
    if (typeof value === 'number') {
      d = readDecimal(value);
    } else {
      const m = FRACTION_RE.exec(value);
      const base = m === null ? undefined : readDecimal(m[1] as string);
      if (base !== undefined) {
        const unit = m?.[2]?.toLowerCase();
        d = unit === '%' ? { units: base.units, scale: base.scale + 2 } : unit === 'bps' ? { units: base.units, scale: base.scale + 4 } : base;
      }
    }
    if (d === undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} must be a fraction like 0.05, "5%" or "500bps", got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    if (d.units <= 0n) {
      ctx.addIssue({ code: 'custom', message: `${what} must be greater than 0 (omit the key to turn the check off), got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    const text = canonical(d);
    if (max !== undefined) {
      const m = parseDecimal(max);
      const s = Math.max(d.scale, m.scale);
      if (d.units * pow10(s - d.scale) > m.units * pow10(s - m.scale)) {
        ctx.addIssue({ code: 'custom', message: `${what} must be at most ${max}, got ${JSON.stringify(value)}` });
        return z.NEVER;
      }
    }
    return text;
  });
}

const EXCLUSIVE = 'Exclusive upper bound: a value at the limit is denied.';

/**
 * Per-instrument limits, under `symbols` keyed `exchange:SYMBOL` (one instrument) or `SYMBOL` (that
 * symbol on every exchange, each instrument apart); each overrides the top-level one of the same
 * name, and an `exchange:SYMBOL` entry overrides a `SYMBOL` one.
 */
export const SymbolRiskLimits = z.strictObject({
  maxOrderQuantity: positiveDecimal('maxOrderQuantity').optional().describe(`Largest order size, base units. ${EXCLUSIVE}`),
  maxOrderNotional: positiveDecimal('maxOrderNotional').optional().describe(`Largest order notional, quote currency. ${EXCLUSIVE}`),
  maxPosition: positiveDecimal('maxPosition').optional().describe(`Largest absolute position after the order, base units. ${EXCLUSIVE}`),
});

/** Which market price values a market order and anchors the price band, first available wins. */
export const ReferencePriceSource = z.enum(['mid', 'last', 'barClose']);
export type ReferencePriceSource = z.output<typeof ReferencePriceSource>;

/** Config of the risk guard (see the module comment for forms and the exclusive-limit rule). */
export const RiskConfig = z.strictObject({
  initialState: z.enum(['ACTIVE', 'REDUCING', 'HALTED']).default('ACTIVE').describe('Trading state at start.'),
  maxOrderQuantity: positiveDecimal('maxOrderQuantity').optional().describe(`MAX_ORDER_QUANTITY: largest order size, base units, every symbol. ${EXCLUSIVE}`),
  maxOrderNotional: positiveDecimal('maxOrderNotional')
    .optional()
    .describe(`MAX_ORDER_NOTIONAL: largest quantity × price (limit price, or the expected fill price of a market order), quote currency. ${EXCLUSIVE}`),
  maxPosition: positiveDecimal('maxPosition').optional().describe(`MAX_POSITION: largest absolute position after the order, base units, per instrument (exchange and symbol). ${EXCLUSIVE}`),
  maxGrossExposure: positiveDecimal('maxGrossExposure')
    .optional()
    .describe(`MAX_GROSS_EXPOSURE: largest Σ |market value| over instruments after the order, quote currency. ${EXCLUSIVE}`),
  orderRate: z
    .strictObject({
      maxOrders: z.int({ error: 'orderRate.maxOrders must be a whole number' }).min(1, { error: 'orderRate.maxOrders must be at least 1' }),
      interval: durationSchema(),
    })
    .optional()
    .describe('ORDER_RATE: at most maxOrders approved orders in any sliding window of interval (engine time); the order that would be one more is denied.'),
  priceBand: z
    .strictObject({ maxDeviation: positiveFraction('priceBand.maxDeviation') })
    .optional()
    .describe(`PRICE_BAND: |order price − reference| / reference, where the order price is the limit price or, for a market order, the opposite top of book (else the reference). ${EXCLUSIVE}`),
  staleMarketData: z
    .strictObject({ maxAge: durationSchema() })
    .optional()
    .describe(
      `STALE_MARKET_DATA: engine time since the symbol's last record received from the venue (trades, quotes, book updates, bars read from a file; never a bar the engine built), or none yet. ${EXCLUSIVE}`,
    ),
  killSwitch: z
    .strictObject({
      maxDrawdown: positiveFraction('killSwitch.maxDrawdown', '1').optional().describe(`(peak − equity) / peak. ${EXCLUSIVE}`),
      maxDrawdownAmount: positiveDecimal('killSwitch.maxDrawdownAmount').optional().describe(`peak − equity, quote currency. ${EXCLUSIVE}`),
      maxDailyLoss: positiveDecimal('killSwitch.maxDailyLoss').optional().describe(`UTC-day start equity − equity, quote currency. ${EXCLUSIVE}`),
      maxDailyLossFraction: positiveFraction('killSwitch.maxDailyLossFraction', '1')
        .optional()
        .describe(`(UTC-day start equity − equity) / UTC-day start equity. ${EXCLUSIVE}`),
      action: z.enum(['HALTED', 'REDUCING']).default('HALTED').describe('State the kill switch moves to when a limit is reached.'),
    })
    .optional()
    .describe('MAX_DRAWDOWN / DAILY_LOSS kill switch, evaluated on every equity update.'),
  referencePrice: z
    .array(ReferencePriceSource)
    .min(1, { error: 'referencePrice must list at least one of mid, last, barClose' })
    .default(['mid', 'last', 'barClose'])
    .describe('Preference order of the reference price (valuing market orders, anchoring the price band).'),
  symbols: z
    .record(z.string().min(1), SymbolRiskLimits)
    .default({})
    .describe('Per-instrument overrides of the quantity, notional and position limits, keyed `exchange:SYMBOL` (one instrument) or `SYMBOL` (each instrument of that symbol).'),
});

/** Risk config as written (input of the schema). */
export type RiskConfig = z.input<typeof RiskConfig>;

/** Risk config after validation: limits as canonical decimal strings, durations in µs. */
export type ResolvedRiskConfig = z.output<typeof RiskConfig>;

/**
 * Validates a risk config; throws `TickflowError('CONFIG_INVALID')` listing every bad path
 * (`risk.maxPosition: maxPosition must be greater than 0 ...`), with the list in `context.issues`.
 * `prefix` names where the config sits in the whole file (default `risk`).
 */
export function parseRiskConfig(input: unknown, prefix = 'risk'): ResolvedRiskConfig {
  const result = RiskConfig.safeParse(input ?? {});
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p.length > 0).join('.');
    return `${path}: ${issue.message}`;
  });
  throw new TickflowError('CONFIG_INVALID', `invalid risk config:\n  ${issues.join('\n  ')}`, { issues });
}
