import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConflatingQueue } from '../../../src/io/gateway/conflating-queue.js';

const frame = (text: string) => Buffer.from(text);

function drain(queue: ConflatingQueue): string[] {
  const out: string[] = [];
  for (let f = queue.shift(); f !== undefined; f = queue.shift()) out.push(f.toString());
  return out;
}

describe('ConflatingQueue', () => {
  it('keeps unkeyed frames in order and sends a key at its oldest place with its newest frame', () => {
    const queue = new ConflatingQueue();
    queue.putLatest('md.a', frame('a1'));
    queue.push(frame('order1'));
    queue.putLatest('md.b', frame('b1'));
    expect(queue.putLatest('md.a', frame('a2'))).toBe(true);
    queue.push(frame('order2'));
    expect(queue.length).toBe(4);
    expect(queue.bytes).toBe(2 + 6 + 2 + 6);
    expect(drain(queue)).toEqual(['a2', 'order1', 'b1', 'order2']);
    expect(queue.bytes).toBe(0);
    // A key sent is a new entry next time.
    expect(queue.putLatest('md.a', frame('a3'))).toBe(false);
    expect(drain(queue)).toEqual(['a3']);
  });

  it('holds the bytes of exactly what it will send, and loses nothing unkeyed (property)', () => {
    type Op = { kind: 'push'; text: string } | { kind: 'put'; key: string; text: string } | { kind: 'shift' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), text: fc.string({ maxLength: 8 }) }),
      fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom('a', 'b', 'c'), text: fc.string({ maxLength: 8 }) }),
      fc.record({ kind: fc.constant('shift' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const queue = new ConflatingQueue();
        const pushed: string[] = [];
        const sent: string[] = [];
        let conflated = 0;
        let puts = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            queue.push(frame(`p:${o.text}`));
            pushed.push(`p:${o.text}`);
          } else if (o.kind === 'put') {
            puts++;
            if (queue.putLatest(o.key, frame(`k${o.key}:${o.text}`))) conflated++;
          } else {
            const f = queue.shift();
            if (f !== undefined) sent.push(f.toString());
          }
        }
        const rest = drain(queue);
        const all = sent.concat(rest);
        expect(queue.bytes).toBe(0);
        expect(all.filter((s) => s.startsWith('p:'))).toEqual(pushed);
        expect(all.length).toBe(pushed.length + puts - conflated);
      }),
    );
  });
});
