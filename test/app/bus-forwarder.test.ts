import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/app/backtest.js';
import { busForwarder, topicOfMessage } from '../../src/app/bus-forwarder.js';
import { parseConfig } from '../../src/app/config.js';

describe('bus forwarder', () => {
  it('forwards every kind of message a run publishes with the topic it was published on, none unrouted', async () => {
    const seen = new Map<string, number>();
    const unrouted: unknown[] = [];
    const config = parseConfig({ simulated: { records: 20_000 }, bars: { spec: '5s' }, strategy: { name: 'ema-cross', params: { fast: 2, slow: 4, size: 1 } }, risk: { maxOrderQuantity: '1.5' } }, 'test');
    await runBacktest({
      input: { kind: 'simulated' },
      config,
      sets: [],
      onSystem: (s) =>
        void s.spawn(busForwarder, {
          config: { port: { publish: (topic) => void seen.set(topic, (seen.get(topic) ?? 0) + 1), unrouted: (m) => void unrouted.push(m) } },
          mailbox: { capacity: 1_000_000, overflow: 'dropOldest' },
        }),
    });
    expect(unrouted).toEqual([]);
    const kinds = new Set([...seen.keys()].map((t) => t.split('.').slice(0, 2).join('.') + (t.startsWith('md.') ? '.' + t.split('.').at(-1) : '')));
    for (const kind of ['md.sim.trade', 'md.sim.book_ticker', 'md.sim.trade_bar', 'signal.sim', 'exec.order', 'exec.fill', 'risk.denied']) expect(kinds, kind).toContain(kind);
  });

  it('gives consumers every order change once, as a whole order with its version, and fill reports as they were', async () => {
    const versions = new Map<string, number[]>();
    const fillKeys = new Set<string>();
    let fills = 0;
    const config = parseConfig({ simulated: { records: 20_000 }, bars: { spec: '5s' }, strategy: { name: 'ema-cross', params: { fast: 2, slow: 4, size: 1 } } }, 'test');
    const publish = (_topic: string, m: { type: string; version?: number; order?: { clientOrderId: string; status: string; quantity: number }; fill?: unknown }): void => {
      if (m.type === 'order_update') {
        const id = m.order!.clientOrderId;
        versions.set(id, [...(versions.get(id) ?? []), m.version!]);
        expect(m.order!.quantity).toBeTypeOf('number'); // a whole order (lots), not a change
      } else if (m.type === 'fill_report') {
        fills++;
        fillKeys.add(Object.keys(m).sort().join(','));
      }
    };
    await runBacktest({
      input: { kind: 'simulated' },
      config,
      sets: [],
      onSystem: (s) => void s.spawn(busForwarder, { config: { port: { publish: publish as never } }, mailbox: { capacity: 1_000_000, overflow: 'dropOldest' } }),
    });
    expect(fills).toBeGreaterThan(0);
    expect([...fillKeys]).toEqual(['fill,position,type']);
    expect(versions.size).toBeGreaterThan(0);
    for (const [id, seen] of versions) expect(seen, id).toEqual(seen.map((_, i) => i + 1));
  });

  it('names no topic for a kind it does not know', () => {
    expect(topicOfMessage({ type: 'something_else' })).toBeUndefined();
    expect(topicOfMessage({ type: 'risk_state' })).toBe('risk.state');
    expect(topicOfMessage({ type: 'book_snapshot', exchange: 'x', symbol: 'Y' })).toBe('md.x.Y.book');
  });
});
