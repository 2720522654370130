import { describe, expect, it } from 'vitest';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { isNoFaults, NO_FAULTS, parseFaultSpec } from '../../../src/io/feed-server/fault-spec.js';

function errorOf(spec: string): { code: string; message: string; part: unknown } {
  try {
    parseFaultSpec(spec);
  } catch (error) {
    if (isTickflowError(error)) return { code: error.code, message: error.message, part: error.context['part'] };
    throw error;
  }
  throw new Error(`"${spec}" was accepted`);
}

describe('parseFaultSpec', () => {
  it('reads every fault of the documented example', () => {
    const plan = parseFaultSpec('drop-every=30s,stall=5s@60s,garbage=0.001,skip-trades=3@45s,skip-depth=1@50s,http429=10s@20s,http418=1m@2m');
    expect(plan).toEqual({
      dropEveryUs: 30_000_000,
      garbage: 0.001,
      stalls: [{ atUs: 60_000_000, durationUs: 5_000_000 }],
      skipTrades: [{ atUs: 45_000_000, count: 3 }],
      skipDepth: [{ atUs: 50_000_000, count: 1 }],
      http: [
        { status: 429, atUs: 20_000_000, durationUs: 10_000_000 },
        { status: 418, atUs: 120_000_000, durationUs: 60_000_000 },
      ],
    });
  });

  it('sorts repeated timed faults by time and allows a fault from time zero', () => {
    const plan = parseFaultSpec(' stall=1s@90s , stall=500ms@0s,skip-trades=2@1m30s,skip-trades=1@10s ');
    expect(plan.stalls.map((s) => s.atUs)).toEqual([0, 90_000_000]);
    expect(plan.skipTrades).toEqual([
      { atUs: 10_000_000, count: 1 },
      { atUs: 90_000_000, count: 2 },
    ]);
  });

  it('reads an empty spec as no faults', () => {
    expect(parseFaultSpec('')).toBe(NO_FAULTS);
    expect(isNoFaults(parseFaultSpec('  '))).toBe(true);
    expect(isNoFaults(parseFaultSpec('garbage=0'))).toBe(true);
  });

  it.each([
    ['explode=1s', 'explode=1s', 'unknown fault "explode"'],
    ['stall=5s', 'stall=5s', 'needs <value>@<replay time>'],
    ['stall=5@60s', 'stall=5@60s', 'bare number'],
    ['stall=0s@60s', 'stall=0s@60s', 'zero does nothing'],
    ['garbage=1.5', 'garbage=1.5', 'fraction of frames from 0 to 1'],
    ['garbage=abc', 'garbage=abc', 'fraction'],
    ['skip-trades=0@1s', 'skip-trades=0@1s', 'whole number from 1'],
    ['skip-depth=2.5@1s', 'skip-depth=2.5@1s', 'whole number'],
    ['http429=10s@-1s', 'http429=10s@-1s', 'negative'],
    ['drop-every', 'drop-every', 'needs a value'],
    ['drop-every=1s,drop-every=2s', 'drop-every=2s', 'given twice'],
    ['stall=1s@1s,,garbage=0.1', '', 'empty part'],
  ])('refuses %s, naming the bad part', (spec, part, why) => {
    const error = errorOf(spec);
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.part).toBe(part);
    expect(error.message).toContain(`fault "${part}"`);
    expect(error.message).toContain(why);
  });
});
