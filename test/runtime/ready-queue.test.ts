import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActorCell } from '../../src/runtime/actor-cell.js';
import { ReadyQueue } from '../../src/runtime/ready-queue.js';

/** Stand-ins for cells: the queue only stores and returns them. */
const cell = (i: number) => ({ id: i }) as unknown as ActorCell;

describe('ReadyQueue', () => {
  it('shifts cells in push order across growth and wrap-around (model check)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 40 })), { maxLength: 200 }), (ops) => {
        const queue = new ReadyQueue(16);
        const model: ActorCell[] = [];
        let next = 0;
        for (const op of ops) {
          if (op === -1) {
            if (model.length === 0) continue;
            expect(queue.shift()).toBe(model.shift());
          } else {
            for (let i = 0; i < op; i++) {
              const c = cell(next++);
              queue.push(c);
              model.push(c);
            }
          }
          expect(queue.size).toBe(model.length);
        }
        while (model.length > 0) expect(queue.shift()).toBe(model.shift());
        expect(queue.size).toBe(0);
      }),
    );
  });
});
