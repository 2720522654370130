import { describe, expect, it } from 'vitest';
import type { SweepLane } from '../../../src/app/sweep/sweep-lanes.js';
import { runSweepTasks } from '../../../src/app/sweep/sweep-pool.js';
import type { SweepRun, SweepTask } from '../../../src/app/sweep/sweep-task.js';

const tasks: SweepTask[] = Array.from({ length: 7 }, (_, id) => ({ id, sets: [`fast=${id + 2}`] }));

/** A lane whose runs finish when the test says, so completion order is the test's choice. */
function manualLane(log: SweepTask[]) {
  const waiting: { task: SweepTask; finish: () => void }[] = [];
  let closed = false;
  const lane: SweepLane = {
    run: (task) =>
      new Promise<SweepRun>((resolve) => {
        log.push(task);
        waiting.push({ task, finish: () => resolve({ id: task.id, scores: { sharpe: task.id }, error: null }) });
      }),
    close: async () => {
      closed = true;
    },
  };
  return { lane, waiting, isClosed: () => closed };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runSweepTasks', () => {
  it('gives each task its own result in task order, whatever order the lanes finish in', async () => {
    const log: SweepTask[] = [];
    const lanes = [manualLane(log), manualLane(log), manualLane(log)];
    const done = runSweepTasks(tasks, lanes.map((l) => l.lane));
    // Finish the most recently started run first, over and over: the reverse of start order.
    for (let finished = 0; finished < tasks.length; finished++) {
      await tick();
      const lane = lanes.filter((l) => l.waiting.length > 0).sort((a, b) => b.waiting[0]!.task.id - a.waiting[0]!.task.id)[0]!;
      lane.waiting.shift()!.finish();
    }
    const outcome = await done;
    expect(outcome.interrupted).toBe(false);
    expect(outcome.runs.map((r) => r?.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(outcome.runs.map((r) => r?.scores?.['sharpe'])).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Every task ran once, and the lanes were closed at the end.
    expect(log.map((t) => t.id).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(lanes.every((l) => l.isClosed())).toBe(true);
  });

  it('stops at an abort: no further task starts, the lanes close, and it returns at once', async () => {
    const log: SweepTask[] = [];
    const lanes = [manualLane(log), manualLane(log)];
    const controller = new AbortController();
    const seen: number[] = [];
    const done = runSweepTasks(tasks, lanes.map((l) => l.lane), { signal: controller.signal, onRun: (run) => seen.push(run.id) });
    await tick();
    lanes[0]!.waiting.shift()!.finish();
    await tick();
    controller.abort('SIGINT');
    // The runs still held by the lanes never finish; the sweep does not wait for them.
    const outcome = await done;
    expect(outcome.interrupted).toBe(true);
    expect(seen).toEqual([0]);
    expect(outcome.runs.filter((r) => r !== undefined)).toHaveLength(1);
    expect(log).toHaveLength(3);
    expect(lanes.every((l) => l.isClosed())).toBe(true);
  });
});
