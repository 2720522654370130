import { describe, expect, it } from 'vitest';
import { listenForInterrupt, SIGINT_EXIT, type InterruptTarget } from '../../src/app/interrupt.js';

/** A process that delivers SIGINT when told, and records exits instead of exiting. */
function fakeProcess(): InterruptTarget & { sigint(): void; readonly exits: number[]; listeners(): number } {
  let listeners: (() => void)[] = [];
  const exits: number[] = [];
  return {
    exits,
    once: (_event, listener) => listeners.push(listener),
    off: (_event, listener) => (listeners = listeners.filter((l) => l !== listener)),
    exit: ((code: number) => {
      exits.push(code);
    }) as (code: number) => never,
    sigint() {
      const now = listeners;
      listeners = [];
      for (const l of now) l();
    },
    listeners: () => listeners.length,
  };
}

describe('Ctrl-C listener', () => {
  it('aborts the signal on the first SIGINT and exits 130 on the second', () => {
    const target = fakeProcess();
    const told: string[] = [];
    const listener = listenForInterrupt(() => told.push('first'), target);
    expect(listener.signal.aborted).toBe(false);
    target.sigint();
    expect(listener.signal.aborted).toBe(true);
    expect(listener.signal.reason).toBe('SIGINT');
    expect(listener.interrupted).toBe(true);
    expect(told).toEqual(['first']);
    expect(target.exits).toEqual([]);
    target.sigint();
    expect(target.exits).toEqual([SIGINT_EXIT]);
    expect(SIGINT_EXIT).toBe(130);
  });

  it('leaves no handler behind once closed', () => {
    const target = fakeProcess();
    const listener = listenForInterrupt(undefined, target);
    expect(target.listeners()).toBe(1);
    listener.close();
    expect(target.listeners()).toBe(0);
    const after = listenForInterrupt(undefined, target);
    target.sigint();
    after.close();
    expect(target.listeners()).toBe(0);
  });
});
