/**
 * One run of a sweep: the ordinary deterministic backtest (`runBacktest`) of the sweep's input and
 * config with the combination's parameters applied as `--set` items after the sweep's own, over the
 * task's time window, scored by `scoresOf`. The one code path for every run, in a worker thread
 * (`sweep-worker.ts`) or in this one (`--workers 0`, unit tests).
 *
 * Errors: a run that fails (an actor failed, the parameters are refused) is a result with its
 * error's message, never a throw: one bad combination does not stop the sweep. An input that ended
 * early (a truncated `.gz`) still gives figures for what was replayed, with the reason as its error.
 */
import type { TimeWindow } from '../../../streams/time-window-source.js';
import { runBacktest, type BacktestInput } from '../backtest.js';
import type { TickflowConfig } from '../config.js';
import { scoresOf, type SweepScores } from './sweep-metrics.js';

/** What every run of a sweep shares; a worker receives it once (structured clone: plain data only). */
export interface SweepSetup {
  readonly input: BacktestInput;
  readonly config: TickflowConfig;
  /** `--set` items of every run, before the combination's own. */
  readonly sets: readonly string[];
}

/** One backtest to run. */
export interface SweepTask {
  /** Position in the sweep's task list; its result goes back to the same place. */
  readonly id: number;
  /** The combination, as `key=value` items. */
  readonly sets: readonly string[];
  /** The engine-time window replayed (`--split`); absent: the whole input. */
  readonly window?: TimeWindow | undefined;
}

/** What one run gave. */
export interface SweepRun {
  readonly id: number;
  /** `null` when the run failed before its end. */
  readonly scores: SweepScores | null;
  /** One line: why the run failed or is incomplete; `null` when it is neither. */
  readonly error: string | null;
}

/** Runs `task` (see the module comment); never rejects. */
export async function runSweepTask(setup: SweepSetup, task: SweepTask): Promise<SweepRun> {
  try {
    const outcome = await runBacktest({ input: setup.input, config: setup.config, sets: [...setup.sets, ...task.sets], window: task.window });
    const failure = outcome.dataIssues.failure;
    return { id: task.id, scores: scoresOf(outcome), error: failure === null ? null : oneLine(`the input ended early: ${failure}`) };
  } catch (error) {
    return { id: task.id, scores: null, error: oneLine(error instanceof Error ? error.message : String(error)) };
  }
}

/** `text` on one line, for a CSV cell and a table. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' / ').trim();
}
