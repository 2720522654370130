/**
 * Running a sweep's tasks on its lanes: each lane takes the next task in list order as soon as it
 * is free, so a slow run never holds the others back. Ordering, decided here: results are stored by
 * task position, never in the order runs finish, so what a sweep writes is the same for any number
 * of lanes.
 *
 * Interruption: when `signal` aborts, no further task starts, every lane is closed (a worker lane
 * terminates its thread mid-run) and `runSweepTasks` resolves at once with `interrupted` and the
 * results that had arrived.
 */
import type { SweepLane } from './sweep-lanes.js';
import type { SweepRun, SweepTask } from './sweep-task.js';

/** Options of `runSweepTasks`. */
export interface RunTasksOptions {
  readonly signal?: AbortSignal | undefined;
  /** Called as each run arrives, with the number arrived so far. */
  readonly onRun?: ((run: SweepRun, done: number, total: number) => void) | undefined;
}

/** What running the tasks gave: `runs[i]` is task `i`'s, `undefined` only when interrupted first. */
export interface TasksOutcome {
  readonly runs: readonly (SweepRun | undefined)[];
  readonly interrupted: boolean;
}

/** Runs `tasks` on `lanes` (at least one), then closes the lanes. */
export async function runSweepTasks(tasks: readonly SweepTask[], lanes: readonly SweepLane[], options: RunTasksOptions = {}): Promise<TasksOutcome> {
  if (lanes.length === 0) throw new Error('runSweepTasks needs at least one lane');
  const runs: (SweepRun | undefined)[] = new Array(tasks.length).fill(undefined);
  const signal = options.signal;
  // A function, not a field read: TypeScript would keep `aborted` narrowed across the awaits.
  const stopped = (): boolean => signal?.aborted === true;
  let next = 0;
  let done = 0;
  const drain = async (lane: SweepLane): Promise<void> => {
    while (next < tasks.length && !stopped()) {
      const position = next++;
      const run = await lane.run(tasks[position]!);
      if (stopped()) return;
      runs[position] = run;
      done++;
      options.onRun?.(run, done, tasks.length);
    }
  };
  let onAbort = (): void => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    if (stopped()) resolve();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([Promise.all(lanes.map(drain)), aborted]);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await Promise.all(lanes.map((lane) => lane.close()));
  }
  return { runs, interrupted: stopped() };
}
