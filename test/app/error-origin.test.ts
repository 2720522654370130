import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorOrigin } from '../../src/app/error-origin.js';

// The checkout, as the module finds it (two levels above src/app/).
const root = resolve('.');

/** An error whose stack is exactly `frames`, innermost first. */
function thrownAt(...frames: string[]): Error {
  const error = new Error('boom');
  error.stack = ['Error: boom', ...frames.map((f) => `    at ${f}`)].join('\n');
  return error;
}

describe('errorOrigin', () => {
  it('passes over the strategy API and the kernel to the user line that called it', () => {
    const error = thrownAt(
      `StrategyRunner.invalid (${join(root, 'actors/strategies/strategy-runner.ts')}:440:11)`,
      `StrategyRunner.target (${join(root, 'actors/strategies/strategy-runner.ts')}:201:36)`,
      'Object.onBar (/home/someone/my-bot/strategies/breakout.ts:12:9)',
      `StrategyRunner.receive (${join(root, 'actors/strategies/strategy-runner.ts')}:180:40)`,
      `ActorCell.process (${join(root, 'src/runtime/actor-cell.ts')}:90:5)`,
      'process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    );
    expect(errorOrigin(error)).toBe('/home/someone/my-bot/strategies/breakout.ts:12');
  });

  it('shows a built-in strategy at its own line, relative to the working directory', () => {
    const error = thrownAt(`${join(root, 'actors/indicators/ema.ts')}:44:13`, `Object.onBar (file://${join(root, 'actors/strategies/ema-cross.ts')}:41:25)`);
    expect(errorOrigin(error)).toBe('actors/strategies/ema-cross.ts:41');
  });

  it('falls back to the first frame outside the kernel when every frame is the engine', () => {
    const error = thrownAt(
      `planOrder (${join(root, 'src/model/money.ts')}:70:11)`,
      `OrderPlanner.plan (${join(root, 'actors/execution/planner/order-planner.ts')}:120:7)`,
      `ActorCell.process (${join(root, 'src/runtime/actor-cell.ts')}:90:5)`,
    );
    expect(errorOrigin(error)).toBe('src/model/money.ts:70');
  });

  it('passes over code the kernel compiles at run time', () => {
    const error = thrownAt(
      `Object.eval [as run] (eval at compileRunLoop (${join(root, 'src/runtime/run-loop.ts')}:142:14), <anonymous>:18:21)`,
      `OrderPlanner.plan (${join(root, 'actors/execution/planner/order-planner.ts')}:120:7)`,
    );
    expect(errorOrigin(error)).toBe('actors/execution/planner/order-planner.ts:120');
  });

  it('gives nothing for a value that is not an Error or a stack without frames', () => {
    expect(errorOrigin('boom')).toBeUndefined();
    expect(errorOrigin(thrownAt())).toBeUndefined();
    expect(errorOrigin(thrownAt('node:internal/process/task_queues:95:5'))).toBeUndefined();
  });
});
