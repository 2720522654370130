import { describe, expect, it } from 'vitest';
import type { ExecutionSnapshot } from '../../actors/execution/orders/execution-actor.js';
import { STRATEGY_STATS, type StrategyStats } from '../../actors/strategies/strategy-api.js';
import { actorFailureOf, formatActorFailure } from '../../src/app/actor-failure.js';
import { MARKET_BACKOFF } from '../../src/app/pipeline-supervision.js';
import { PIPELINE_PATHS, type TradingPipeline } from '../../src/app/trading-pipeline.js';
import type { ActorSystem, Termination } from '../../src/runtime/actor-system.js';
import { MILLISECOND, MINUTE, SECOND } from '../../src/runtime/clock.js';
import { isTickflowError } from '../../src/runtime/errors.js';
import { BTC, T0, bar, barStrategy, bars, pipelineRig } from '../support/pipeline-rig.js';

/** The termination if the system has ended, without waiting for it. */
function endedNow(system: ActorSystem): Promise<Termination | undefined> {
  return Promise.race([system.terminated, Promise.resolve(undefined)]);
}

function restartsOf(system: ActorSystem, refs: TradingPipeline): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ref of Object.values(refs)) out[ref.path] = system.inspectActor(ref)!.counters.restarts;
  return out;
}

const quiet = barStrategy('quiet', () => {});

describe('the pipeline tree', () => {
  it('starts trading (venue, execution, risk, planner) before market (books, strategy, bars), under pipeline', () => {
    const { system, refs } = pipelineRig(quiet);
    // `inspect` lists actors in the order they were spawned.
    expect(system.inspect().map((a) => a.path)).toEqual([
      'pipeline',
      'pipeline/trading',
      'pipeline/trading/venue',
      'pipeline/trading/execution',
      'pipeline/trading/risk',
      'pipeline/trading/planner',
      'pipeline/market',
      'pipeline/market/books',
      'pipeline/market/strategy',
      'pipeline/market/bars',
    ]);
    expect(Object.values(PIPELINE_PATHS)).toEqual(expect.arrayContaining(system.inspect().map((a) => a.path)));
    expect([refs.venue, refs.execution, refs.risk, refs.planner, refs.strategy, refs.bars].map((r) => r.path)).toEqual([
      PIPELINE_PATHS.venue,
      PIPELINE_PATHS.execution,
      PIPELINE_PATHS.risk,
      PIPELINE_PATHS.planner,
      PIPELINE_PATHS.strategy,
      PIPELINE_PATHS.bars,
    ]);
  });

  it('throws CONFIG_INVALID at spawn for a bad strategy config, as before the tree', () => {
    let error: unknown;
    try {
      pipelineRig(quiet, {}, { bogus: 1 });
    } catch (e) {
      error = e;
    }
    expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('bogus');
  });

  // One realistic way to make each trading actor throw: a message it cannot make sense of.
  const fill = { clientOrderId: 'ghost', symbol: 'ETH', side: 'buy', quantity: 1000, price: 10000, fee: 0n, liquidity: 'taker', ts: T0 };
  const poison: { actor: 'venue' | 'execution' | 'risk' | 'planner'; what: string; message: unknown }[] = [
    { actor: 'venue', what: 'a submit without an order', message: { type: 'venue_submit', order: null } },
    { actor: 'execution', what: 'a venue fill for a symbol with no instrument', message: { type: 'venue_event', event: { kind: 'fill', clientOrderId: 'ghost', fill, event: { type: 'fill' } } } },
    { actor: 'risk', what: 'a fill report for a symbol with no instrument', message: { type: 'fill_report', fill, position: 1000 } },
    {
      actor: 'planner',
      what: 'a limit target whose price rounds to zero',
      message: { type: 'target', exchange: 'x', symbol: 'BTC', ts: T0, strategy: 's', target: 1, orderType: 'limit', limitPrice: 1e-9 },
    },
  ];
  for (const { actor, what, message } of poison) {
    it(`fails the whole system, naming ${actor}, when ${actor} throws on ${what} (no restart with empty books)`, async () => {
      const { system, refs } = pipelineRig(quiet);
      const target = refs[actor] as { tell(m: unknown): void };
      target.tell(message);
      system.runUntilIdle();
      expect(system.isAccepting).toBe(false);
      const ended = await endedNow(system);
      expect(ended?.kind).toBe('failed');
      if (ended?.kind !== 'failed') return;
      // The chain: pipeline escalated to the root, trading to pipeline, the actor to trading.
      expect(isTickflowError(ended.error, 'ESCALATED')).toBe(true);
      const failure = actorFailureOf(ended.error);
      expect(failure.actor).toBe(PIPELINE_PATHS[actor]);
      expect(failure.gaveUp).toBeUndefined();
      expect(formatActorFailure(failure)).toMatch(new RegExp(`^actor pipeline/trading/${actor} failed: .+`));
      expect(system.inspectActor(refs[actor] as never)!.counters.restarts).toBe(0);
    });
  }

  it('restarts a throwing strategy alone after the backoff, stashing what arrives meanwhile, and trading goes on', async () => {
    // Targets 1 on a close above 100, 0 otherwise; a close of 0 is a bug it trips over.
    const strategy = barStrategy('flaky', (b, api) => {
      if (b.close === 0) throw new Error('close of 0');
      api.target(b.symbol, b.close > 100 ? 1 : 0);
    });
    const rig = pipelineRig(strategy);
    const { system, refs } = rig;
    const t1 = T0 + MINUTE;
    await rig.feed([bar(t1, 100), bar(t1 + MINUTE, 0)]);
    const failedAt = t1 + MINUTE;
    const strategySnapshot = () => system.inspectActor(refs.strategy as never)!;
    expect(strategySnapshot().status).toBe('restarting');

    // Just inside the shortest backoff: still down; the bar waits in the stash.
    await rig.feed([bar(failedAt + MARKET_BACKOFF.minUs - MILLISECOND, 105)]);
    expect(strategySnapshot().status).toBe('restarting');
    expect(strategySnapshot().stashed).toBe(1);
    expect(strategySnapshot().counters.restarts).toBe(0);

    // Past the longest first backoff (minUs plus 20% jitter): up again, the stashed bar handled.
    await rig.feed([bar(failedAt + MARKET_BACKOFF.minUs * (1 + MARKET_BACKOFF.jitter) + MILLISECOND, 105), bar(failedAt + 2 * MINUTE, 106)]);
    expect(strategySnapshot().status).toBe('running');
    expect(restartsOf(system, refs)).toEqual({
      [PIPELINE_PATHS.venue]: 0,
      [PIPELINE_PATHS.execution]: 0,
      [PIPELINE_PATHS.risk]: 0,
      [PIPELINE_PATHS.planner]: 0,
      [PIPELINE_PATHS.strategy]: 1,
      [PIPELINE_PATHS.bars]: 0,
      [PIPELINE_PATHS.books]: 0,
    });
    expect(system.isAccepting).toBe(true);
    const stats = await rig.ask<StrategyStats>(refs.strategy, STRATEGY_STATS);
    expect(stats.bars).toBe(5);
    expect(stats.signals).toBe(1);
    // The target set after the restart became an order, filled on the next bar that opened after
    // it reached the venue: trading never noticed.
    const snapshot = await rig.ask<ExecutionSnapshot>(refs.execution, { type: 'exec_snapshot' });
    expect(snapshot.orders.map((o) => [o.clientOrderId, o.status])).toEqual([['strategy-BTC-1', 'FILLED']]);
    expect(snapshot.portfolio.positions[`x:${BTC.symbol}`]?.quantity).toBe('1.000');
    await system.stop();
  });

  it('fails the system, naming the strategy and the market supervisor, after more than 10 strategy restarts within 60 s', async () => {
    const strategy = barStrategy('broken', () => {
      throw new Error('always');
    });
    const rig = pipelineRig(strategy);
    const { system, refs } = rig;
    // A bar every 2 s: each restart (backoff at most 1.2 s) is done before the next bar fails it.
    const every2s = Array.from({ length: 11 }, (_, i) => bar(T0 + (i + 1) * 2 * SECOND, 100));
    await rig.feed(every2s.slice(0, 10));
    expect(system.isAccepting).toBe(true);
    expect(system.inspectActor(refs.strategy as never)!.counters.restarts).toBe(9);
    await rig.feed(every2s.slice(10));
    expect(system.inspectActor(refs.strategy as never)!.counters.restarts).toBe(10);
    expect(system.isAccepting).toBe(false);
    const ended = await endedNow(system);
    expect(ended?.kind).toBe('failed');
    if (ended?.kind !== 'failed') return;
    const failure = actorFailureOf(ended.error);
    expect(failure.actor).toBe(PIPELINE_PATHS.strategy);
    expect(failure.gaveUp).toEqual({ supervisor: PIPELINE_PATHS.market, maxRestarts: 10, withinUs: 60 * SECOND });
    expect((failure.error as Error).message).toBe('always');
    expect(formatActorFailure(failure)).toMatch(/^actor pipeline\/market\/strategy failed: always \(at test\/app\/trading-pipeline\.test\.ts:\d+\) \(supervisor pipeline\/market gave up after 10 restarts within 60 s\)$/);
  });

  it('keeps market restarts apart: failures more than 60 s apart never add up to giving up', async () => {
    let fail = true;
    const strategy = barStrategy('sometimes', () => {
      if (fail) throw new Error('sometimes');
    });
    const rig = pipelineRig(strategy);
    // One failure every 61 s, fifteen times: never more than one within 60 s.
    await rig.feed(Array.from({ length: 15 }, (_, i) => bar(T0 + (i + 1) * 61 * SECOND, 100)));
    fail = false;
    await rig.feed([bar(T0 + 16 * 61 * SECOND, 100)]);
    expect(rig.system.isAccepting).toBe(true);
    expect(rig.system.inspectActor(rig.refs.strategy as never)!.counters.restarts).toBe(15);
    await rig.system.stop();
  });

  it('runs a quiet replay with no failure and no restart', async () => {
    const rig = pipelineRig(quiet);
    expect(await rig.feed(bars(30))).toBe(30);
    expect(Object.values(restartsOf(rig.system, rig.refs)).every((n) => n === 0)).toBe(true);
    expect((await endedNow(rig.system))).toBeUndefined();
    await rig.system.stop();
  });
});
