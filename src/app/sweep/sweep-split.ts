/**
 * `--split f`: each combination is scored twice, in-sample on the input's first `f` of engine time
 * and out-of-sample on the rest, so a combination that only fits the past shows it. The split is
 * by engine time (`tsRecv`), not by record count: `t = first + floor(f × (last − first))`, with
 * in-sample `[first, t)` and out-of-sample `[t, last]` (`TimeWindow`, which puts every record in
 * exactly one). Each side is an ordinary backtest of its window: it starts flat, with the starting
 * cash and fresh indicators, so a strategy warms up again at the start of the out-of-sample window.
 */
import { isoTime } from '../../model/iso-time.js';
import { TickflowError } from '../../runtime/errors.js';
import { openInput } from '../backtest.js';
import type { SweepSide } from './sweep-plan.js';
import type { SweepSetup } from './sweep-task.js';

/** The engine time an input spans, µs. */
export interface InputSpan {
  readonly firstUs: number;
  readonly lastUs: number;
  readonly records: number;
}

/** Where a split cuts the input. */
export interface SplitPoint {
  readonly fraction: number;
  readonly span: InputSpan;
  /** First µs of the out-of-sample window. */
  readonly atUs: number;
}

/**
 * Reads the whole input once for its earliest and latest engine time. Errors of the input
 * (missing, unreadable, not a known format, empty) are thrown as opening and reading give them.
 */
export async function scanSpan(setup: SweepSetup): Promise<InputSpan> {
  const source = await openInput({ input: setup.input, config: setup.config });
  let firstUs = Infinity;
  let lastUs = -Infinity;
  let records = 0;
  try {
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
      for (const record of chunk) {
        if (record.tsRecv < firstUs) firstUs = record.tsRecv;
        if (record.tsRecv > lastUs) lastUs = record.tsRecv;
      }
      records += chunk.length;
    }
  } finally {
    await source.close();
  }
  return { firstUs, lastUs, records };
}

/** The split point of `span` at `fraction`; `CLI_USAGE` when the input spans too little time to cut. */
export function splitPoint(span: InputSpan, fraction: number): SplitPoint {
  const atUs = span.firstUs + Math.floor(fraction * (span.lastUs - span.firstUs));
  if (!(atUs > span.firstUs && atUs <= span.lastUs)) {
    throw new TickflowError('CLI_USAGE', `tickflow sweep: --split ${fraction}: the input spans ${Math.max(0, span.lastUs - span.firstUs)} µs of engine time in ${span.records} records; too little to split`, { fraction });
  }
  return { fraction, span, atUs };
}

/** The in-sample and out-of-sample sides of a split. */
export function splitSides(split: SplitPoint): SweepSide[] {
  const pct = (x: number) => `${Number((x * 100).toPrecision(6))}%`;
  const { firstUs, lastUs } = split.span;
  return [
    { prefix: 'is_', label: 'in-sample', detail: `first ${pct(split.fraction)}: from ${isoTime(firstUs)} until ${isoTime(split.atUs)}`, window: { untilUs: split.atUs } },
    { prefix: 'oos_', label: 'out-of-sample', detail: `last ${pct(1 - split.fraction)}: from ${isoTime(split.atUs)} to ${isoTime(lastUs)}`, window: { fromUs: split.atUs } },
  ];
}
