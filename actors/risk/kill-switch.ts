/**
 * The drawdown / daily-loss kill switch: fed every equity update (quote units at the guard's quote
 * precision), it says when a limit is reached. It only reports; the guard moves the trading state.
 *
 * - Drawdown is measured from the peak equity seen since start (or since the last `rebase`):
 *   `peak − equity` against `maxDrawdownAmount`, `(peak − equity) / peak` against `maxDrawdown`
 *   (the fraction is skipped while the peak is not positive).
 * - Daily loss is measured from the equity at the start of the UTC day of `now` (engine time):
 *   equity only changes at updates, so the equity at midnight is the last one seen before it; on the
 *   first day it is the first update. `dayStart − equity` against `maxDailyLoss`, the same over
 *   `dayStart` against `maxDailyLossFraction`.
 * - Limits are exclusive: reaching one trips. Comparisons are exact (cross-multiplied bigints).
 * - It never clears itself: a new day or a recovery does not re-arm trading; the operator does
 *   (`RiskGuard.setState`), which rebases the peak and the day start at the latest equity.
 * - `reconfigure` (a config reload) replaces the limits only: the peak, the day start and the worst
 *   drawdown are history, not configuration, and are kept, so a new limit is measured from the same
 *   peak as the old one.
 */
import { formatUnits, parseDecimal, pow10, type Decimal } from '../../src/model/money.js';
import { reachesLimit } from './exact-compare.js';
import type { ResolvedRiskConfig } from './risk-config.js';
import type { KillSwitchReason } from './risk-reason.js';

/** Microseconds in a UTC day. */
export const DAY_US = 86_400_000_000;

/** Why and by how much the kill switch tripped. */
export interface KillSwitchTrip {
  readonly reason: KillSwitchReason;
  readonly detail: string;
}

/** The kill switch's part of the config. */
export type KillSwitchConfig = NonNullable<ResolvedRiskConfig['killSwitch']>;

function optionalDecimal(text: string | undefined): Decimal | undefined {
  return text === undefined ? undefined : parseDecimal(text);
}

/** Peak and day-start tracking of equity, with the configured limits. */
export class KillSwitch {
  readonly quotePrecision: number;
  private maxDrawdown: Decimal | undefined;
  private maxDrawdownAmount: Decimal | undefined;
  private maxDailyLoss: Decimal | undefined;
  private maxDailyLossFraction: Decimal | undefined;
  private peakEquity: bigint | undefined;
  private dayStartEquity: bigint | undefined;
  private day: number;
  private lastEquity: bigint | undefined;
  private worstDrawdown: bigint;

  constructor(config: KillSwitchConfig | undefined, quotePrecision: number) {
    // Fields in one fixed order (hidden class).
    this.quotePrecision = quotePrecision;
    this.maxDrawdown = optionalDecimal(config?.maxDrawdown);
    this.maxDrawdownAmount = optionalDecimal(config?.maxDrawdownAmount);
    this.maxDailyLoss = optionalDecimal(config?.maxDailyLoss);
    this.maxDailyLossFraction = optionalDecimal(config?.maxDailyLossFraction);
    this.peakEquity = undefined;
    this.dayStartEquity = undefined;
    this.day = Number.NaN;
    this.lastEquity = undefined;
    this.worstDrawdown = 0n;
  }

  /** Highest equity since start or the last rebase (`undefined` before the first update). */
  get peak(): bigint | undefined {
    return this.peakEquity;
  }

  /** Equity at the start of the current UTC day (`undefined` before the first update). */
  get dayStart(): bigint | undefined {
    return this.dayStartEquity;
  }

  /** Largest `peak − equity` seen, quote units (for reports; not reset by `rebase`). */
  get maxDrawdownSeen(): bigint {
    return this.worstDrawdown;
  }

  /** Tracks `equity` at engine time `now`; returns the first limit reached, drawdown before daily loss. */
  onEquity(equity: bigint, now: number): KillSwitchTrip | undefined {
    const day = Math.floor(now / DAY_US);
    if (day !== this.day) {
      // The equity in force at midnight is the last one seen before it.
      this.dayStartEquity = this.lastEquity ?? equity;
      this.day = day;
    }
    this.lastEquity = equity;
    if (this.peakEquity === undefined || equity > this.peakEquity) this.peakEquity = equity;
    const peak = this.peakEquity;
    const drawdown = peak - equity;
    if (drawdown > this.worstDrawdown) this.worstDrawdown = drawdown;

    const qp = this.quotePrecision;
    const fmt = (x: bigint): string => formatUnits(x, qp);
    if (this.maxDrawdownAmount !== undefined && reachesLimit(drawdown, qp, this.maxDrawdownAmount)) {
      return { reason: 'MAX_DRAWDOWN', detail: `drawdown ${fmt(drawdown)} from peak ${fmt(peak)} reached the limit ${formatUnits(this.maxDrawdownAmount.units, this.maxDrawdownAmount.scale)}` };
    }
    if (this.maxDrawdown !== undefined && peak > 0n && reachesFraction(drawdown, peak, this.maxDrawdown)) {
      return { reason: 'MAX_DRAWDOWN', detail: `drawdown ${fmt(drawdown)} is at least ${fraction(this.maxDrawdown)} of peak ${fmt(peak)}` };
    }
    const start = this.dayStartEquity as bigint;
    const loss = start - equity;
    if (this.maxDailyLoss !== undefined && reachesLimit(loss, qp, this.maxDailyLoss)) {
      return { reason: 'DAILY_LOSS', detail: `loss ${fmt(loss)} since the UTC day's start equity ${fmt(start)} reached the limit ${formatUnits(this.maxDailyLoss.units, this.maxDailyLoss.scale)}` };
    }
    if (this.maxDailyLossFraction !== undefined && start > 0n && reachesFraction(loss, start, this.maxDailyLossFraction)) {
      return { reason: 'DAILY_LOSS', detail: `loss ${fmt(loss)} is at least ${fraction(this.maxDailyLossFraction)} of the UTC day's start equity ${fmt(start)}` };
    }
    return undefined;
  }

  /**
   * Replaces the limits (`undefined`: none), keeping the peak, day start, last equity and worst
   * drawdown. All four are parsed before any is set, so a throw leaves the old limits.
   */
  reconfigure(config: KillSwitchConfig | undefined): void {
    const maxDrawdown = optionalDecimal(config?.maxDrawdown);
    const maxDrawdownAmount = optionalDecimal(config?.maxDrawdownAmount);
    const maxDailyLoss = optionalDecimal(config?.maxDailyLoss);
    const maxDailyLossFraction = optionalDecimal(config?.maxDailyLossFraction);
    this.maxDrawdown = maxDrawdown;
    this.maxDrawdownAmount = maxDrawdownAmount;
    this.maxDailyLoss = maxDailyLoss;
    this.maxDailyLossFraction = maxDailyLossFraction;
  }

  /** Restarts peak and day-start tracking at the latest equity (the operator re-armed trading). */
  rebase(): void {
    if (this.lastEquity === undefined) return;
    this.peakEquity = this.lastEquity;
    this.dayStartEquity = this.lastEquity;
  }
}

// part / whole ≥ f, for whole > 0: part × 10^f.scale ≥ f.units × whole (both at the same scale).
function reachesFraction(part: bigint, whole: bigint, f: Decimal): boolean {
  return part > 0n && part * pow10(f.scale) >= f.units * whole;
}

function fraction(f: Decimal): string {
  return formatUnits(f.units, f.scale, true);
}
