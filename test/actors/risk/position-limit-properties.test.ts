import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FillReport } from '../../../actors/execution/execution-messages.js';
import type { RiskStats } from '../../../actors/risk/risk-actor.js';
import { defineStrategy, type StrategyDefinition } from '../../../actors/strategies/define-strategy.js';
import type { BookTicker, MarketRecord, Trade } from '../../../src/model/records.js';
import { recordingActor, type Received } from '../../support/recording-actor.js';
import { T0, pipelineRig } from '../../support/pipeline-rig.js';

/**
 * The whole trading path (planner, risk, execution, paper venue) on a simulated clock, driven by a
 * strategy that changes its target on every trade, trades coming faster than the venue's latency:
 * orders and cancels are always in flight when the next target arrives (the runaway, where
 * `bench-every-trade` reached a position of 5 under `maxPosition: "1.5"`).
 */

// The targets the strategy steps through, one per trade (set by each run before it replays).
let script: readonly number[] = [];

const scripted = defineStrategy({
  name: 'scripted',
  params: z.object({}),
  init: () => ({ next: 0 }),
  onTrade(state, trade, api) {
    api.target(trade.symbol, script[state.next++ % script.length] ?? 0);
  },
}) as unknown as StrategyDefinition;

interface Step {
  /** Gap to the previous step, as a fraction (per mille) of the latency: always less than it. */
  readonly gapPermille: number;
  /** Displayed size at the top of book (lots): small ones make partial fills. */
  readonly quoteLots: number;
  /** Target magnitude (lots); the sign alternates step by step. */
  readonly targetLots: number;
}

function records(latencyUs: number, steps: readonly Step[]): MarketRecord[] {
  const out: MarketRecord[] = [];
  let t = T0 + 1_000_000;
  steps.forEach((s, i) => {
    t += Math.max(1, Math.floor((latencyUs * s.gapPermille) / 1000));
    const amount = s.quoteLots / 1000;
    const quote: BookTicker = { type: 'book_ticker', exchange: 'x', symbol: 'BTC', ts: t, tsRecv: t, bidPrice: 100, bidAmount: amount, askPrice: 100.01, askAmount: amount };
    const trade: Trade = { type: 'trade', exchange: 'x', symbol: 'BTC', ts: t, tsRecv: t, id: String(i), price: 100, amount, side: i % 2 === 0 ? 'buy' : 'sell' };
    out.push(quote, trade);
  });
  // Quiet quotes after the last trade, so whatever is still in flight fills or cancels.
  for (let k = 1; k <= 5; k++) {
    t += latencyUs;
    out.push({ type: 'book_ticker', exchange: 'x', symbol: 'BTC', ts: t, tsRecv: t, bidPrice: 100, bidAmount: 1, askPrice: 100.01, askAmount: 1 });
  }
  return out;
}

/** Replays the steps; returns the position (lots) after every fill, and the MAX_POSITION denials. */
async function run(latencyUs: number, steps: readonly Step[], risk: Record<string, unknown>): Promise<{ positions: number[]; denied: number }> {
  script = steps.map((s, i) => ((i % 2 === 0 ? 1 : -1) * s.targetLots) / 1000);
  const p = pipelineRig(scripted, { risk, execution: { venue: { latencyUs } } });
  const fills: Received<FillReport>[] = [];
  p.system.spawn(recordingActor<FillReport>(fills, ['exec.fill'], 'fill-watch'));
  p.system.runUntilIdle();
  await p.feed(records(latencyUs, steps));
  const stats = await p.ask<RiskStats>(p.refs.risk, { type: 'risk_stats' });
  await p.system.stop();
  return { positions: fills.map((f) => f.message.position), denied: stats.denials.MAX_POSITION };
}

const step = fc.record({
  gapPermille: fc.integer({ min: 1, max: 999 }),
  quoteLots: fc.integer({ min: 100, max: 3_000 }),
  targetLots: fc.integer({ min: 1, max: 2_500 }),
});
const latency = fc.integer({ min: 200, max: 20_000 });

describe('position limits under latency (property)', () => {
  it('never lets |position| exceed maxPosition, whatever the latency, with targets flipping faster than it', async () => {
    let filled = 0;
    let denied = 0;
    await fc.assert(
      fc.asyncProperty(latency, fc.array(step, { minLength: 4, maxLength: 40 }), async (latencyUs, steps) => {
        const seen = await run(latencyUs, steps, { maxPosition: '1.5' });
        filled += seen.positions.length;
        denied += seen.denied;
        for (const position of seen.positions) expect(Math.abs(position)).toBeLessThanOrEqual(1_500);
      }),
      { numRuns: 60 },
    );
    // The runs traded and met the limit: the bound was tested, not held vacuously.
    expect(filled).toBeGreaterThan(0);
    expect(denied).toBeGreaterThan(0);
  });

  it('without any risk limit, the planner alone never takes |position| past the largest |target| it was given', async () => {
    await fc.assert(
      fc.asyncProperty(latency, fc.array(step, { minLength: 4, maxLength: 40 }), async (latencyUs, steps) => {
        const seen = await run(latencyUs, steps, {});
        const largest = Math.max(...steps.map((s) => s.targetLots));
        for (const position of seen.positions) expect(Math.abs(position)).toBeLessThanOrEqual(largest);
      }),
      { numRuns: 60 },
    );
  });
});
