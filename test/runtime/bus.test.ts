import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineActor, defineSupervisor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { Bus, type BusSubscriber, matches } from '../../src/runtime/bus.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { Trace } from '../../src/runtime/trace.js';

describe('bus', () => {
  it('matches whole segments by prefix', () => {
    expect(matches('md.binance.BTCUSDT', 'md.binance.BTCUSDT.trade')).toBe(true);
    expect(matches('md.binance.BTCUSDT', 'md.binance.BTCUSDT2.trade')).toBe(false);
    expect(matches('md.binance.BTCUSDT.trade', 'md.binance.BTCUSDT.trade')).toBe(true);
    expect(matches('', 'anything')).toBe(true);
    expect(matches('md.binance.BTCUSDT.trade.x', 'md.binance.BTCUSDT.trade')).toBe(false);
  });

  it('delivers to every matching subscriber once, in publish order', () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    const got = new Map<string, unknown[]>();
    const listener = (prefixes: string[]) =>
      defineActor<void, null, unknown>({
        name: 'l',
        init: () => null,
        onStart: (s, ctx) => {
          for (const p of prefixes) ctx.subscribe(p);
          return s;
        },
        receive: (s, m, ctx) => {
          got.set(ctx.self.path, [...(got.get(ctx.self.path) ?? []), m]);
          return s;
        },
      });
    system.spawn(listener(['md.binance']), { name: 'all' });
    system.spawn(listener(['md.binance.BTCUSDT', 'md.binance.BTCUSDT.trade']), { name: 'btc' });
    system.spawn(listener(['md.binance.ETHUSDT']), { name: 'eth' });
    const publisher = system.spawn(
      defineActor<void, null, string>({
        name: 'pub',
        init: () => null,
        receive: (s, m, ctx) => {
          for (let i = 0; i < 3; i++) ctx.publish(`md.binance.${m}.trade`, `${m}${i}`);
          return s;
        },
      }),
    );
    publisher.tell('BTCUSDT');
    publisher.tell('BTCUSDT2');
    system.runUntilIdle();
    expect(got.get('all')).toEqual(['BTCUSDT0', 'BTCUSDT1', 'BTCUSDT2', 'BTCUSDT20', 'BTCUSDT21', 'BTCUSDT22']);
    expect(got.get('btc')).toEqual(['BTCUSDT0', 'BTCUSDT1', 'BTCUSDT2']);
    expect(got.get('eth')).toBeUndefined();
  });

  it('matches `*` against exactly one segment, still by prefix of whole segments', () => {
    expect(matches('md.*', 'md.binance.BTCUSDT.trade')).toBe(true);
    expect(matches('md.*.*.trade', 'md.binance.BTCUSDT.trade')).toBe(true);
    expect(matches('md.*.*.trade', 'md.binance.BTCUSDT.trade.x')).toBe(true);
    expect(matches('md.*.*.trade', 'md.binance.trade')).toBe(false);
    expect(matches('md.*.*.trade', 'md.binance.BTCUSDT.quote')).toBe(false);
    expect(matches('exec.*.BTCUSDT', 'exec.fill.BTCUSDT')).toBe(true);
    expect(matches('exec.*.BTCUSDT', 'exec.fill.BTCUSDT2')).toBe(false);
    expect(matches('*', 'md')).toBe(true);
    expect(matches('md.*', 'md')).toBe(false);
  });

  it('does not let `*` match an empty segment', () => {
    expect(matches('md.*.x', 'md..x')).toBe(false);
    expect(matches('md..x', 'md..x')).toBe(true);
  });

  it('rejects a segment mixing `*` with other characters, naming the pattern', () => {
    const bus = new Bus<string>();
    for (const bad of ['md.bin*', '*md', 'md.**', 'md.*x.trade']) {
      expect(() => bus.subscribe(bad, recorder([], 'r'))).toThrow(RangeError);
      expect(() => bus.subscribe(bad, recorder([], 'r'))).toThrow(`"${bad}"`);
      expect(() => matches(bad, 'md.binance')).toThrow(RangeError);
    }
    expect(bus.subscribersOf('md.binance.BTCUSDT.trade')).toEqual([]);
  });

  it('delivers one copy to a subscriber matched by several patterns, in subscription order', () => {
    const bus = new Bus<string>();
    const log: string[] = [];
    const a = recorder(log, 'a');
    const b = recorder(log, 'b');
    const c = recorder(log, 'c');
    bus.subscribe('md.*.*.trade', b);
    bus.subscribe('md.binance', a);
    bus.subscribe('md', b);
    bus.subscribe('md.*.BTCUSDT', c);
    bus.subscribe('md.binance.BTCUSDT.trade', a);
    bus.subscribe('exec.*.BTCUSDT', c);
    expect(bus.publish('md.binance.BTCUSDT.trade', 1, 'sender')).toBe(3);
    expect(bus.publish('exec.fill.BTCUSDT', 2, undefined)).toBe(1);
    expect(log).toEqual(['b:1:sender', 'a:1:sender', 'c:1:sender', 'c:2:undefined']);
  });

  it('agrees with a segment-by-segment reference on random patterns and topics', () => {
    const segment = fc.constantFrom('md', 'a', 'ab', 'trade', '');
    const patternSegment = fc.oneof(segment, fc.constant('*'));
    fc.assert(
      fc.property(
        fc.array(patternSegment, { maxLength: 4 }).map((s) => s.join('.')),
        fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('.')),
        (pattern, topic) => {
          expect(matches(pattern, topic)).toBe(referenceMatches(pattern, topic));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('rebuilds the cached subscriber list when subscriptions change', () => {
    const bus = new Bus<string>();
    const log: string[] = [];
    const a = recorder(log, 'a');
    const b = recorder(log, 'b');
    const topic = 'md.binance.BTCUSDT.trade';
    bus.subscribe('md.*', a);
    expect(bus.publish(topic, 1, undefined)).toBe(1);
    bus.subscribe('md.*.*.trade', b);
    expect(bus.publish(topic, 2, undefined)).toBe(2);
    bus.unsubscribe(a, 'md.*');
    expect(bus.publish(topic, 3, undefined)).toBe(1);
    bus.unsubscribe(a, 'md.*.*.trade'); // not a's: nothing changes
    expect(bus.publish(topic, 4, undefined)).toBe(1);
    bus.unsubscribe(b);
    expect(bus.publish(topic, 5, undefined)).toBe(0);
    expect(log).toEqual(['a:1:undefined', 'a:2:undefined', 'b:2:undefined', 'b:3:undefined', 'b:4:undefined']);
  });

  it('delivers to a filtered subscription only what its filter takes, and counts only deliveries', () => {
    const bus = new Bus<string>();
    const log: string[] = [];
    const even = recorder(log, 'even');
    const all = recorder(log, 'all');
    bus.subscribe('n', even, (m) => (m as number) % 2 === 0);
    bus.subscribe('n', all);
    expect(bus.publish('n.x', 1, undefined)).toBe(1);
    expect(bus.publish('n.x', 2, undefined)).toBe(2);
    expect(log).toEqual(['all:1:undefined', 'even:2:undefined', 'all:2:undefined']);
    expect(bus.subscribersOf('n.x')).toEqual([even, all]); // filters aside
  });

  it('gives a subscriber with several matching subscriptions what any of them takes, once', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 2, max: 5 }), { nil: undefined }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: 60 }), (divisors, n) => {
        const bus = new Bus<string>();
        const log: string[] = [];
        const a = recorder(log, 'a');
        // One subscription per divisor, each under its own pattern matching `t.x.y.z`; none: no filter.
        const patterns = ['t', 't.x', 't.x.y', 't.x.y.z'];
        divisors.forEach((d, i) => bus.subscribe(patterns[i]!, a, d === undefined ? undefined : (m) => (m as number) % d === 0));
        const expected = divisors.some((d) => d === undefined || n % d === 0);
        expect(bus.publish('t.x.y.z', n, undefined)).toBe(expected ? 1 : 0);
        expect(log).toEqual(expected ? [`a:${n}:undefined`] : []);
      }),
      { numRuns: 500 },
    );
  });

  it('applies the filter to traced publishes and drops it with the incarnation that subscribed', () => {
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock, traceSink: { hop: () => undefined } });
    const got: number[] = [];
    const listener = defineActor<void, null, number | 'fail'>({
      name: 'odd',
      init: () => null,
      onStart: (s, ctx) => {
        ctx.subscribe('n', (m) => m === 'fail' || (m as number) % 2 === 1);
        return s;
      },
      receive: (s, m) => {
        if (m === 'fail') throw new Error('boom');
        got.push(m);
        return s;
      },
    });
    system.spawn(
      defineSupervisor({
        name: 'sup',
        supervision: { decide: () => 'restart', maxRestarts: 10, withinUs: 1_000_000, stashCapacity: 8, backoff: { minUs: 1_000, maxUs: 1_000, factor: 1, jitter: 0, resetAfterUs: 0 } },
        children: [{ actor: listener, name: 'odd' }],
      }),
    );
    for (const n of [1, 2, 3]) system.publish('n.x', n);
    system.offerTraced('n.x', 4, new Trace(1, 0));
    system.offerTraced('n.x', 5, new Trace(2, 0));
    system.runUntilIdle();
    expect(got).toEqual([1, 3, 5]);
    // The new incarnation subscribes again with its filter: still odd numbers only, each once.
    system.publish('n.x', 'fail');
    system.runUntilIdle();
    clock.advanceTo(2_000);
    for (const n of [6, 7]) system.publish('n.x', n);
    system.runUntilIdle();
    expect(got).toEqual([1, 3, 5, 7]);
  });

  it('treats a repeated subscription to the same pattern as one', () => {
    const bus = new Bus<string>();
    const log: string[] = [];
    const a = recorder(log, 'a');
    bus.subscribe('md.*', a);
    bus.subscribe('md.*', a);
    expect(bus.publish('md.binance', 1, undefined)).toBe(1);
    bus.unsubscribe(a, 'md.*');
    expect(bus.subscribersOf('md.binance')).toEqual([]);
  });
});

/** A subscriber that appends `name:message:sender` to a shared log, so order across subscribers shows. */
function recorder(log: string[], name: string): BusSubscriber<string> {
  return { enqueue: (message, sender) => log.push(`${name}:${String(message)}:${String(sender)}`) };
}

/** The rule written the plain way: the pattern's segments against the topic's first ones, `*` for any one non-empty segment. */
function referenceMatches(pattern: string, topic: string): boolean {
  if (pattern === '') return true;
  const p = pattern.split('.');
  const t = topic.split('.');
  if (p.length > t.length) return false;
  return p.every((seg, i) => (seg === '*' ? t[i] !== '' : seg === t[i]));
}
