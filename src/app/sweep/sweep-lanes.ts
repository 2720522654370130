/**
 * Where a sweep's runs execute: a lane takes one task at a time and answers it. A worker lane
 * owns a worker thread (`sweep-worker.ts`); the in-process lane runs the task on this thread
 * (`--workers 0`, and the unit tests, which run TypeScript sources that a worker thread cannot
 * load). Both run `runSweepTask`, so what a run gives does not depend on where it ran.
 *
 * A worker that dies (an uncaught error, running out of memory) fails the task it held, with the
 * reason as the run's error; the lane starts a fresh worker for its next task. `close` terminates
 * the thread at once, whatever it is running (Ctrl-C).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runSweepTask, type SweepRun, type SweepSetup, type SweepTask } from './sweep-task.js';

/** Runs tasks one at a time. */
export interface SweepLane {
  run(task: SweepTask): Promise<SweepRun>;
  /** Stops the lane; a task it was running is abandoned (its promise may never settle). */
  close(): Promise<void>;
}

const WORKER_SCRIPT = new URL('./sweep-worker.js', import.meta.url);

/**
 * The compiled worker entry beside this module (`dist/src/app/sweep/sweep-worker.js`, also in an
 * installed package), or `null` when this module runs from TypeScript sources (vitest), where there
 * is none: the sweep then needs `--workers 0`.
 */
export function sweepWorkerScript(): URL | null {
  return existsSync(fileURLToPath(WORKER_SCRIPT)) ? WORKER_SCRIPT : null;
}

/** A lane running tasks on this thread. */
export function createInProcessLane(setup: SweepSetup): SweepLane {
  return { run: (task) => runSweepTask(setup, task), close: async () => undefined };
}

/** A lane running tasks in a worker thread started from `script` (`sweepWorkerScript()`). */
export function createWorkerLane(script: URL, setup: SweepSetup): SweepLane {
  return new WorkerLane(script, setup);
}

class WorkerLane implements SweepLane {
  private readonly script: URL;
  private readonly setup: SweepSetup;
  private worker: Worker | null;
  private pending: { readonly task: SweepTask; readonly resolve: (run: SweepRun) => void } | null;
  private closed: boolean;

  constructor(script: URL, setup: SweepSetup) {
    this.script = script;
    this.setup = setup;
    this.worker = null;
    this.pending = null;
    this.closed = false;
  }

  run(task: SweepTask): Promise<SweepRun> {
    if (this.pending !== null) throw new Error('a sweep lane runs one task at a time');
    return new Promise((resolve) => {
      this.pending = { task, resolve };
      this.started().postMessage(task);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.terminate();
  }

  private started(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(this.script, { workerData: this.setup });
    worker.on('message', (run: SweepRun) => this.settle(run));
    worker.on('error', (error) => this.fail(worker, `the worker thread failed: ${error.message}`));
    worker.on('exit', (code) => this.fail(worker, `the worker thread exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private settle(run: SweepRun): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(run);
  }

  /** The worker is gone: its task fails with `reason`, and the next task starts a new one. */
  private fail(worker: Worker, reason: string): void {
    // A worker already replaced (its `exit` after its `error`) has nothing of the current task.
    if (this.worker !== worker) return;
    this.worker = null;
    if (this.closed || this.pending === null) return;
    this.settle({ id: this.pending.task.id, scores: null, error: reason });
  }
}
