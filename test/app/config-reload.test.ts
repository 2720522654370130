import { describe, expect, it } from 'vitest';
import { riskActor, type ReconfigureResult, type RiskMessage } from '../../actors/risk/risk-actor.js';
import type { ResolvedRiskConfig } from '../../actors/risk/risk-config.js';
import { emaCross } from '../../actors/strategies/ema-cross.js';
import { STRATEGY_PARAMS } from '../../actors/strategies/strategy-api.js';
import { parseConfig, type TickflowConfig } from '../../src/app/config.js';
import { applyReload, createConfigReloader, reloadPlan, type ReloadTargets } from '../../src/app/config-reload.js';
import { defineActor, type ActorRef } from '../../src/runtime/actor.js';
import { createActorSystem, type ActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { BTC, T0 } from '../support/pipeline-rig.js';
import { recordingActor, type Received } from '../support/recording-actor.js';

/** A daemon's config: one feed, ema-cross, and `extra` over it (one level deep). */
function config(extra: Record<string, unknown> = {}): TickflowConfig {
  const base: Record<string, unknown> = {
    feeds: [{ url: 'ws://127.0.0.1:9443', symbols: ['BTCUSDT'] }],
    strategy: { name: 'ema-cross', params: { fast: 2, slow: 4, size: 0.01 } },
    risk: { maxOrderQuantity: '1' },
  };
  return parseConfig({ ...base, ...extra }, 'test');
}

describe('reloadPlan', () => {
  it('applies risk and the params the handlers read, and lists everything else that changed as needing a restart', () => {
    const running = config();
    const next = config({
      feeds: [{ url: 'ws://127.0.0.1:9444', symbols: ['BTCUSDT'] }],
      bars: { spec: '5s' },
      http: { port: 9999 },
      strategy: { name: 'ema-cross', params: { fast: 3, slow: 4, size: 0.005 } },
      risk: { maxOrderQuantity: '0.5', initialState: 'HALTED', symbols: { BTCUSDT: { maxPosition: '2' } } },
    });
    const plan = reloadPlan(running, next);
    expect(plan.problems).toEqual([]);
    expect(plan.applied).toEqual(['risk.maxOrderQuantity', 'risk.symbols.BTCUSDT', 'strategy.params.size']);
    expect(plan.needsRestart).toEqual(['bars.spec', 'risk.initialState', 'feeds.0.url', 'http.port', 'strategy.params.fast']);
    // Risk as the file says, but the state at start is the running one's business.
    expect(plan.risk?.to).toMatchObject({ maxOrderQuantity: '0.5', initialState: 'ACTIVE', symbols: { BTCUSDT: { maxPosition: '2' } } });
    expect(plan.risk?.from).toBe(running.risk);
    // The new size with the running fast: the strategy is never asked for a change it refuses.
    expect(plan.strategyParams).toEqual({
      from: { fast: 2, slow: 4, size: 0.01, seed: 'sma', longOnly: false },
      to: { fast: 2, slow: 4, size: 0.005, seed: 'sma', longOnly: false },
    });
    // The config in force afterwards: the applied parts of next, the rest of running.
    expect(plan.result.risk.maxOrderQuantity).toBe('0.5');
    expect(plan.result.risk.initialState).toBe('ACTIVE');
    expect(plan.result.strategy.params).toEqual(plan.strategyParams!.to);
    expect(plan.result.feeds).toBe(running.feeds);
    expect(plan.result.bars).toBe(running.bars);
  });

  it('finds no change in the same file, nor in a default written out', () => {
    const running = config();
    const plan = reloadPlan(running, config({ strategy: { name: 'ema-cross', params: { fast: 2, slow: 4, size: 0.01, seed: 'sma' } } }));
    expect(plan).toMatchObject({ applied: [], needsRestart: [], problems: [], risk: undefined, strategyParams: undefined });
  });

  it('applies no params of another strategy: the name and its params need a restart', () => {
    const plan = reloadPlan(config(), config({ strategy: { name: 'mean-reversion', params: { period: 10, size: 0.01 } } }));
    expect(plan.applied).toEqual([]);
    expect(plan.needsRestart).toEqual(['strategy.name', 'strategy.params.fast', 'strategy.params.slow', 'strategy.params.period']);
    expect(plan.strategyParams).toBeUndefined();
  });

  it('lists every bad path of a file a daemon could not start from', () => {
    const plan = reloadPlan(config(), config({ feeds: [], strategy: { name: 'ema-cross', params: { fast: 'two', size: -1 } }, risk: { maxOrderQuantity: '0.5' } }));
    expect(plan.problems).toEqual([
      expect.stringMatching(/^feeds: at least one feed/),
      expect.stringMatching(/^strategy\.params\.fast: /),
      expect.stringMatching(/^strategy\.params\.size: /),
    ]);
  });
});

/** A simulated system with a real risk actor, and a strategy (ema-cross unless told). */
function rig(strategy?: (replies: Received[]) => ReturnType<typeof defineActor<void, null, unknown>>) {
  const system = createActorSystem({ clock: new SimulatedClock(T0) });
  const execution = system.spawn(recordingActor([], [], 'execution'));
  const running = config();
  const risk = system.spawn(riskActor, {
    name: 'risk',
    config: { risk: running.risk, instruments: new Map([['x:BTC', BTC]]), quotePrecision: 2, initialCash: '100000', execution: execution as ActorRef<never> },
  });
  const received: Received[] = [];
  const strategyRef =
    strategy === undefined
      ? system.spawn(emaCross, { name: 'strategy', config: { params: { fast: 2, slow: 4, size: 0.01 } } })
      : system.spawn(strategy(received), { name: 'strategy' });
  system.runUntilIdle();
  const targets: ReloadTargets = { risk, strategy: strategyRef };
  return {
    system,
    running,
    targets,
    received,
    riskConfig: () => settle(system, risk.ask<ResolvedRiskConfig>({ type: 'risk_config' } satisfies RiskMessage)),
    params: () => settle(system, strategyRef.ask(STRATEGY_PARAMS)),
  };
}

/** An actor answering every message with `reply` and recording it. */
function answering(reply: ReconfigureResult) {
  return (into: Received[]) =>
    defineActor<void, null, unknown>({
      name: 'fake',
      init: () => null,
      receive: (state, message, ctx) => {
        into.push({ at: ctx.clock.now(), message });
        ctx.reply(reply);
        return state;
      },
    });
}

/** Runs the simulated system until `promise` settles (its awaits may send more asks). */
async function settle<T>(system: ActorSystem, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    system.runUntilIdle();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return promise;
}

const NEXT = () => config({ strategy: { name: 'ema-cross', params: { fast: 2, slow: 4, size: 0.005 } }, risk: { maxOrderQuantity: '0.5' } });

describe('applyReload', () => {
  it('applies risk limits and strategy params when both actors accept', async () => {
    const r = rig();
    const outcome = await settle(r.system, applyReload(r.targets, reloadPlan(r.running, NEXT())));
    expect(outcome).toEqual({ ok: true, applied: ['risk.maxOrderQuantity', 'strategy.params.size'], needsRestart: [], problems: [] });
    expect((await r.riskConfig()).maxOrderQuantity).toBe('0.5');
    expect(await r.params()).toMatchObject({ size: 0.005 });
  });

  it('puts the risk limits back when the strategy refuses: all or nothing', async () => {
    const r = rig(answering({ ok: false, detail: 'not today' }));
    const outcome = await settle(r.system, applyReload(r.targets, reloadPlan(r.running, NEXT())));
    expect(outcome).toEqual({ ok: false, applied: [], needsRestart: [], problems: ['strategy: not today'] });
    expect((await r.riskConfig()).maxOrderQuantity).toBe('1');
  });

  it('puts the strategy params back when risk refuses', async () => {
    const r = rig();
    const refusingRisk = r.system.spawn(answering({ ok: false, detail: 'limits kept' })([]), { name: 'refusing-risk' });
    const outcome = await settle(r.system, applyReload({ ...r.targets, risk: refusingRisk as ActorRef<never> }, reloadPlan(r.running, NEXT())));
    expect(outcome.problems).toEqual(['risk: limits kept']);
    expect(await r.params()).toMatchObject({ size: 0.01 });
  });

  it('sends nothing when the plan has a problem', async () => {
    const r = rig(answering({ ok: true }));
    const bad = config({ strategy: { name: 'ema-cross', params: { size: -1 } }, risk: { maxOrderQuantity: '0.5' } });
    const outcome = await settle(r.system, applyReload(r.targets, reloadPlan(r.running, bad)));
    expect(outcome).toMatchObject({ ok: false, problems: [expect.stringMatching(/^strategy\.params\.size: /)] });
    expect(r.received).toEqual([]);
    expect((await r.riskConfig()).maxOrderQuantity).toBe('1');
  });
});

describe('createConfigReloader', () => {
  it('plans each reload against what the last one left in force, and keeps it when one is refused', async () => {
    const r = rig();
    const reloader = createConfigReloader(r.targets, r.running);
    expect((await settle(r.system, reloader.reload(NEXT()))).applied).toEqual(['risk.maxOrderQuantity', 'strategy.params.size']);
    expect((await settle(r.system, reloader.reload(NEXT()))).applied).toEqual([]);
    const refused = await settle(r.system, reloader.reload(config({ feeds: [] })));
    expect(refused.ok).toBe(false);
    expect(reloader.config.risk.maxOrderQuantity).toBe('0.5');
    expect(reloader.config.strategy.params).toMatchObject({ size: 0.005 });
  });
});
