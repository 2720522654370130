import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createConfig } from '../../../src/app/create-config.js';
import { createWorkerLane } from '../../../src/app/sweep/sweep-lanes.js';
import type { SweepSetup } from '../../../src/app/sweep/sweep-task.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-sweep-lanes-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A stand-in for sweep-worker.js (plain JavaScript: a worker thread cannot load the TypeScript one):
// answers with what it was started with, or dies as the task asks.
const script = join(tmp, 'fake-worker.mjs');
writeFileSync(
  script,
  `import { parentPort, threadId, workerData } from 'node:worker_threads';
parentPort.on('message', (task) => {
  if (task.sets[0] === 'throw') throw new Error('boom');
  if (task.sets[0] === 'exit') process.exit(3);
  parentPort.postMessage({ id: task.id, scores: { seed: workerData.config.seed, thread: threadId }, error: null });
});
`,
);
const setup: SweepSetup = { input: { kind: 'simulated' }, config: createConfig({ seed: 9 }), sets: [] };

describe('createWorkerLane', () => {
  it('answers tasks from one thread started with the setup, and fails only the task its thread died on', async () => {
    const lane = createWorkerLane(pathToFileURL(script), setup);
    try {
      const first = await lane.run({ id: 0, sets: ['ok'] });
      expect(first).toMatchObject({ id: 0, scores: { seed: 9 }, error: null });
      expect((await lane.run({ id: 1, sets: ['ok'] })).scores).toEqual(first.scores);
      expect(await lane.run({ id: 2, sets: ['throw'] })).toEqual({ id: 2, scores: null, error: 'the worker thread failed: boom' });
      // A fresh thread takes the next task.
      const after = await lane.run({ id: 3, sets: ['ok'] });
      expect(after).toMatchObject({ id: 3, error: null });
      expect(after.scores!['thread']).not.toBe(first.scores!['thread']);
      expect(await lane.run({ id: 4, sets: ['exit'] })).toEqual({ id: 4, scores: null, error: 'the worker thread exited (code 3)' });
      expect(await lane.run({ id: 5, sets: ['ok'] })).toMatchObject({ id: 5, error: null });
    } finally {
      await lane.close();
    }
  });
});
