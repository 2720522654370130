import { describe, expect, it } from 'vitest';
import { actorFailureOf, formatActorFailure } from '../../src/app/actor-failure.js';
import { TickflowError } from '../../src/runtime/errors.js';

// The chains below are built the way the supervisors build them (see `actor-failure.ts`); the
// pipeline tests produce the same ones from real failures.
const escalated = (actor: string, cause: unknown) => new TickflowError('ESCALATED', `${actor} failed and escalated`, { actor }, { cause });
const gaveUp = (actor: string, cause: unknown) =>
  new TickflowError('SUPERVISOR_GAVE_UP', `${actor} exceeded 10 restarts in 60000000 µs`, { actor, maxRestarts: 10, withinUs: 60_000_000 }, { cause });
/** The error without its stack, so the lines below do not depend on where this file puts it. */
const stackless = <E extends Error>(error: E): E => {
  error.stack = `${error.name}: ${error.message}`;
  return error;
};

describe('actorFailureOf', () => {
  it('names the deepest escalating actor and keeps its own error', () => {
    const original = stackless(new TypeError("Cannot read properties of undefined (reading 'sizePrecision')"));
    const failure = actorFailureOf(escalated('pipeline', escalated('pipeline/trading', escalated('pipeline/trading/execution', original))));
    expect(failure).toEqual({ actor: 'pipeline/trading/execution', error: original, where: undefined, gaveUp: undefined });
    expect(formatActorFailure(failure)).toBe("actor pipeline/trading/execution failed: Cannot read properties of undefined (reading 'sizePrecision')");
  });

  it('names the supervisor that gave up, its limits and the last error', () => {
    const last = stackless(new Error('always'));
    const failure = actorFailureOf(escalated('pipeline', escalated('pipeline/market', gaveUp('pipeline/market', last))));
    expect(failure).toEqual({ actor: 'pipeline/market', error: last, where: undefined, gaveUp: { supervisor: 'pipeline/market', maxRestarts: 10, withinUs: 60_000_000 } });
    expect(formatActorFailure(failure)).toBe('supervisor pipeline/market gave up after 10 restarts within 60 s; last error: always');
  });

  it('names an actor below a supervisor that gave up on an escalating child', () => {
    const failure = actorFailureOf(gaveUp('pipeline/market', escalated('pipeline/market/books/btc', stackless(new Error('gap in sequence')))));
    expect(failure.actor).toBe('pipeline/market/books/btc');
    expect(formatActorFailure(failure)).toBe(
      'actor pipeline/market/books/btc failed: gap in sequence (supervisor pipeline/market gave up after 10 restarts within 60 s)',
    );
  });

  it('takes the actor from an error that names it, and says so when nothing does', () => {
    const overflow = new TickflowError('MAILBOX_OVERFLOW', 'mailbox of pipeline/market/bars is full', { actor: 'pipeline/market/bars' });
    expect(actorFailureOf(overflow).actor).toBe('pipeline/market/bars');
    expect(formatActorFailure(actorFailureOf('boom'))).toBe('actor (unknown) failed: boom');
  });

  it('says where the error was thrown: its first frame in user code, here this file', () => {
    const failure = actorFailureOf(escalated('pipeline/market', escalated('pipeline/market/strategy', new Error('twelfth bar'))));
    expect(failure.where).toMatch(/^test\/app\/actor-failure\.test\.ts:\d+$/);
    expect(formatActorFailure(failure)).toMatch(/^actor pipeline\/market\/strategy failed: twelfth bar \(at test\/app\/actor-failure\.test\.ts:\d+\)$/);
  });
});
