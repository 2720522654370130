/**
 * What the summary and `report.json` say about how a run went, beyond its numbers: what became of
 * bars read from the input (used as they are, or resampled into the spec: `bar-input.ts`), a
 * strategy that never left its warm-up (so "no trades" means "no decision was possible", not "the strategy
 * declined"), and the actors restarted on the way (a result reached through restarts is not the
 * result of an uneventful run). Each is a row only when there is something to say.
 */
import type { StrategyWarmUp } from '../../actors/strategies/strategy-api.js';
import { instrumentKey } from '../model/instrument-key.js';
import { isoTime } from '../model/iso-time.js';
import type { BacktestOutcome } from './backtest.js';
import { barInputRow } from './bar-input.js';
import { formatRestarts } from './restart-log.js';

/** The summary's rows about the run (see the module comment), in the order shown. */
export function runNoteRows(outcome: BacktestOutcome): [string, string][] {
  const rows: [string, string][] = [];
  const bars = barInputRow(outcome.barInput, outcome.events.trade_bar, outcome.bars.emitted);
  if (bars !== undefined) rows.push(bars);
  const warmUp = warmUpNote(outcome);
  if (warmUp !== undefined) rows.push(['warm-up', warmUp]);
  if (outcome.restarts.length > 0) rows.push(['restarts', formatRestarts(outcome.restarts)]);
  return rows;
}

/**
 * The span of engine time replayed, first to last record, as ISO 8601 in UTC with the engine's
 * microseconds, and its length (`11m 6.062915s`).
 */
export function periodRow(outcome: BacktestOutcome): [string, string] {
  const { firstTs, lastTs } = outcome;
  if (firstTs === undefined || lastTs === undefined) return ['period', 'none (no record replayed)'];
  return ['period', `${isoTime(firstTs)} to ${isoTime(lastTs)} (${formatSpan(lastTs - firstTs)})`];
}

/** A span of µs as days, hours, minutes and seconds: `1d 2h`, `11m 6.062915s`, `0s`. */
function formatSpan(us: number): string {
  const parts: string[] = [];
  let rest = us;
  for (const [size, unit] of [[86_400_000_000, 'd'], [3_600_000_000, 'h'], [60_000_000, 'm']] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest % 1_000_000 === 0 ? rest / 1_000_000 : (rest / 1_000_000).toFixed(6).replace(/0+$/, '')}s`);
  return parts.join(' ');
}

/** `report.json`'s `barInput`: null when bars were built from records, else what was done with the input's. */
export function barInputReport(outcome: BacktestOutcome): Record<string, unknown> | null {
  const b = outcome.barInput;
  return b.mode === 'built' ? null : { mode: b.mode, source: b.source, bars: outcome.events.trade_bar };
}

/**
 * `report.json`'s `warmUp`: the inputs one instrument needs, their unit, and per instrument key
 * the most it got and whether that was enough; null when the strategy states no warm-up.
 */
export function warmUpReport(outcome: BacktestOutcome): Record<string, unknown> | null {
  const w = outcome.strategyStats.warmUp;
  if (w === undefined) return null;
  const instruments: Record<string, unknown> = {};
  for (const i of w.instruments) instruments[instrumentKey(i.exchange, i.symbol)] = { inputs: i.inputs, warm: i.warm };
  return { needed: w.needed, unit: unitOf(outcome), complete: w.instruments.length > 0 && w.instruments.every((i) => i.warm), instruments };
}

/** The warm-up row: only when some instrument fed never got the inputs the strategy needs. */
function warmUpNote(outcome: BacktestOutcome): string | undefined {
  const w: StrategyWarmUp | undefined = outcome.strategyStats.warmUp;
  if (w === undefined) return undefined;
  const cold = w.instruments.filter((i) => !i.warm);
  if (cold.length === 0) return undefined;
  const unit = unitOf(outcome);
  const got = cold.map((i) => `${instrumentKey(i.exchange, i.symbol)} got ${i.inputs}`).join(', ');
  const none = cold.length === w.instruments.length;
  return (
    `${outcome.strategy.name} never left warm-up${none ? '' : ` on ${cold.length} of ${w.instruments.length} instruments`}: ` +
    `it needs ${w.needed} ${unit} per instrument, ${got}, so it could not decide${none ? ' at all (no signal means no decision, not a decision to stay out)' : ' there'}. ` +
    `Replay more data, use shorter ${unit === 'bars' ? 'bars (--bar) or ' : ''}periods (--set)`
  );
}

/** What the strategy counts: closed bars, trades, or both. */
function unitOf(outcome: BacktestOutcome): string {
  const { bars, trades } = outcome.strategyStats;
  if (trades === 0) return 'bars';
  return bars === 0 ? 'trades' : 'inputs';
}
