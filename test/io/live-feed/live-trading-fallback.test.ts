/**
 * Live trading behind a fallback feed on real loopback sockets: two feed servers replay the same
 * cut of the real BTCUSDT capture, the primary and a secondary endpoint, the secondary some
 * seconds of replay behind. The primary server goes away mid-run: the pipeline keeps receiving
 * trades through the secondary, the trades the secondary repeats never reach the bus a second
 * time, the fallback feed counts one failover, and the run stops cleanly. The time from the
 * primary's close to the failover, the secondary's time to deliver, and the longest silence of
 * trades on the bus are printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/app/config.js';
import { startLiveTrading } from '../../../src/app/live-trading.js';
import type { Trade } from '../../../src/model/records.js';
import { defineActor } from '../../../src/runtime/actor.js';
import type { ActorSystem } from '../../../src/runtime/actor-system.js';
import type { SourceSwitch } from '../../../streams/live/fallback-chain.js';
import { dataPath } from '../../support/data.js';
import { readCapture, Rig, sleep, tempDir, waitUntil, writeCapture } from './live-feed-rig.js';

const capture = dataPath('binance-spot/btcusdt_20240808.gz');

/** Every trade published on the bus, with the wall time (ms) it arrived. */
interface Tapped {
  readonly ids: number[];
  readonly at: number[];
}

function tapTrades(system: ActorSystem): Tapped {
  const seen: Tapped = { ids: [], at: [] };
  system.spawn(
    defineActor<void, null, Trade>({
      name: 'trade-tap',
      init: () => null,
      onStart: (s, ctx) => {
        ctx.subscribe('md.binance.BTCUSDT.trade');
        return s;
      },
      receive: (s, m) => {
        seen.ids.push(Number(m.id));
        seen.at.push(performance.now());
        return s;
      },
    }),
    { mailbox: { capacity: 1_000_000, overflow: 'dropOldest' } },
  );
  return seen;
}

describe.skipIf(capture === undefined)('live trading behind a fallback feed', () => {
  const rig = new Rig();
  const dir = tempDir();
  afterAll(async () => {
    await rig.close();
    dir.remove();
  });

  it('keeps trading through the secondary when the primary server goes away, each trade once', async () => {
    // 15,000 lines: 135 s of the capture, 2,744 trades; at 40x about 3.4 s of wall time.
    const cut = writeCapture(dir.path, 'btcusdt_cut.gz', readCapture(capture!).slice(0, 15_000));
    const primary = await rig.server({ data: [cut], speed: 40, paused: true });
    const secondary = await rig.server({ data: [cut], speed: 40, paused: true });
    const config = parseConfig(
      {
        seed: 7,
        bars: { spec: '1s' },
        strategy: { name: 'ema-cross', params: { fast: 2, slow: 5, size: 0.01 } },
        instruments: [{ exchange: 'binance', symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' }],
        execution: { venue: { accounts: { binance: { type: 'margin' } } } },
      },
      'live-trading-fallback test',
    );
    const switches: { event: SourceSwitch; at: number }[] = [];
    let tapped: Tapped | undefined;
    const trading = startLiveTrading({
      config,
      feed: {
        url: primary.url,
        restUrl: primary.restUrl,
        symbols: ['BTCUSDT'],
        channels: ['trade', 'bookTicker'],
        backoff: { minUs: 5_000, maxUs: 20_000, factor: 2, jitter: 0.2, resetAfterUs: 1_000_000 },
        staleTimeoutMs: 1_000,
        connectTimeoutMs: 200,
      },
      // The default breaker: open after 3 connection failures in a row, half-open after 10 s (after this test).
      fallbacks: { urls: [{ url: secondary.url, restUrl: secondary.restUrl }], poll: false, attemptTimeoutMs: 1_000, onSwitch: (event) => switches.push({ event, at: performance.now() }) },
      onSystem: (system) => void (tapped = tapTrades(system)),
    });
    const trades = tapped!;
    expect(() => trading.feed).toThrow(/fallback feed/);

    await waitUntil(() => primary.stats.connections === 1, 5_000, 'the primary socket to connect');
    expect(secondary.stats.connectionsTotal).toBe(0);
    primary.resume();
    // The secondary starts 150 ms later: 6 s of replay (about 120 trades) behind the primary.
    await sleep(150);
    secondary.resume();
    await waitUntil(() => trades.ids.length >= 300, 5_000, '300 trades from the primary');
    expect(trading.fallback.stats.active).toBe('primary');
    expect(secondary.stats.connectionsTotal).toBe(0);

    const closedAt = performance.now();
    const lastBefore = trades.ids.length;
    await primary.close();
    await waitUntil(() => trades.ids.length >= lastBefore + 300, 5_000, '300 more trades through the secondary');
    const stats = trading.fallback.stats;
    const failoverMs = switches[0]!.at - closedAt;
    // The secondary's first attempt: from its opening to its first chunk of data.
    const takeoverMs = stats.sources[1]!.latencyP50Us! / 1000;
    // The longest stretch without a trade on the bus from the close on (it includes the secondary's
    // lag behind the primary: the 150 ms it replays trades already delivered).
    let silenceMs = 0;
    for (let i = 0, prev = closedAt; i < trades.at.length; i++) {
      const at = trades.at[i]!;
      if (at < closedAt) continue;
      silenceMs = Math.max(silenceMs, at - prev);
      prev = at;
    }
    console.log(`failover ${failoverMs.toFixed(1)} ms after the primary server's close; secondary connected and delivering ${takeoverMs.toFixed(1)} ms after its opening; longest silence of trades on the bus ${silenceMs.toFixed(1)} ms`);

    expect(switches.map((s) => `${s.event.from}>${s.event.to}:${s.event.reason}`)).toEqual(['primary>secondary-1:failover']);
    expect(stats).toMatchObject({ active: 'secondary-1', switches: 1, failovers: 1, failbacks: 0 });
    expect(stats.sources.map((s) => [s.source, s.breaker])).toEqual([
      ['primary', 'open'],
      ['secondary-1', 'closed'],
    ]);
    // The close (1001), then reconnections refused or cut: three failures in a row.
    expect(stats.sources[0]!.failures).toBeGreaterThanOrEqual(3);
    expect(stats.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/failover from primary to secondary-1: primary's breaker opened \(threshold, /));
    expect(secondary.stats.connectionsTotal).toBe(1);
    const ids = trades.ids;
    expect(new Set(ids).size, 'a trade id reached the bus twice').toBe(ids.length);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    // The secondary repeated trades the primary had delivered (how many depends on the stretch of
    // the capture: some tens): refused before the bus.
    expect(stats.duplicates).toBeGreaterThan(0);
    expect(failoverMs).toBeLessThan(1_000);

    const pumped = await trading.stop();
    expect(pumped).toMatchObject({ sourceFailures: 0, restarts: 0, offerFailures: 0 });
    expect(trading.fallback.stats.done).toBe(true);
    expect((await trading.system.terminated).kind).toBe('stopped');
    // The stop closed the secondary's socket (the server notices a moment after the client).
    await waitUntil(() => secondary.stats.connections === 0, 1_000, 'the secondary connection to close');
  }, 20_000);
});
