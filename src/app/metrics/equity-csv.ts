/**
 * `equity.csv`: the equity curve (`equity-curve.ts`) for people and spreadsheets, one row per
 * sample: `time` (ISO 8601 UTC, µs), `equity` and `drawdown` (exact money at the quote precision;
 * the drawdown below the running peak, `max-drawdown.ts`), `drawdownFraction` (of that peak, six
 * significant digits) and one column per instrument key with the position in lots at the
 * instrument's size precision (signed: negative is short).
 */
import type { Instrument } from '../../model/instrument.js';
import { formatSize } from '../../model/instrument.js';
import { instrumentKey } from '../../model/instrument-key.js';
import { isoTime } from '../../model/iso-time.js';
import { formatUnits } from '../../model/money.js';
import type { EquityCurve } from './equity-curve.js';
import { drawdowns } from './max-drawdown.js';
import { metricNumber } from './metric-number.js';

/** The CSV text of `curve`; `instruments` give the position columns' precisions. */
export function equityCsv(curve: EquityCurve, instruments: readonly Instrument[]): string {
  const byKey = new Map<string, Instrument>();
  for (const i of instruments) if (i.exchange !== undefined) byKey.set(instrumentKey(i.exchange, i.symbol), i);
  const qp = curve.quotePrecision;
  const lines = [['time', 'equity', 'drawdown', 'drawdownFraction', ...curve.keys].join(',')];
  const points = drawdowns(curve);
  curve.samples.forEach((s, n) => {
    const dd = points[n]!;
    const cells = [isoTime(s.ts), formatUnits(s.equity, qp), formatUnits(dd.amount, qp), String(metricNumber(dd.fraction) ?? '')];
    curve.keys.forEach((key, k) => {
      const instrument = byKey.get(key);
      const lots = s.positions[k]!;
      cells.push(instrument === undefined ? lots.toString() : formatSize(instrument, lots));
    });
    lines.push(cells.join(','));
  });
  return lines.join('\n') + '\n';
}
