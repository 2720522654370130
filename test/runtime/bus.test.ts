import { describe, expect, it } from 'vitest';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { matches } from '../../src/runtime/bus.js';
import { SimulatedClock } from '../../src/runtime/clock.js';

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
});
