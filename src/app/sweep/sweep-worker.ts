/**
 * The entry of a sweep's worker thread (`sweep-lanes.ts` starts it with the sweep's `SweepSetup` as
 * `workerData`): each message is a `SweepTask`, answered with its `SweepRun`, one at a time. The
 * lane sends the next task only after the answer, so runs never overlap in one thread. Compiled to
 * `dist/src/app/sweep/sweep-worker.js` beside the lane that loads it; it imports nothing of the CLI
 * (whose module runs the command when it is the process's script).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runSweepTask, type SweepSetup, type SweepTask } from './sweep-task.js';

const setup = workerData as SweepSetup;
const port = parentPort;
if (port === null) throw new Error('sweep-worker.ts runs as a worker thread of tickflow sweep');
port.on('message', (task: SweepTask) => {
  void runSweepTask(setup, task).then((run) => port.postMessage(run));
});
