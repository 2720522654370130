import { describe, expect, it } from 'vitest';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SECOND, SimulatedClock } from '../../src/runtime/clock.js';
import { TickflowError } from '../../src/runtime/errors.js';
import { askNow, counterActor } from './fixtures.js';

describe('ask', () => {
  it('replies through ctx.reply', async () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    const c = system.spawn(counterActor());
    c.tell('inc');
    expect(await askNow(system, c, 'get')).toBe(1);
  });

  it('times out with a typed error on engine time', async () => {
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock });
    const mute = system.spawn(defineActor<void, null, string>({ name: 'mute', init: () => null, receive: (s) => s }));
    const reply = mute.ask('hello?', { timeout: 2 * SECOND });
    const outcome = reply.catch((e: unknown) => e);
    clock.advanceTo(SECOND);
    clock.advanceTo(2 * SECOND);
    const error = await outcome;
    expect(error).toBeInstanceOf(TickflowError);
    expect((error as TickflowError).code).toBe('ASK_TIMEOUT');
  });

  it('fails at once when the target is stopped', async () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    const c = system.spawn(counterActor(), { restart: 'temporary' });
    c.tell('exit');
    system.runUntilIdle();
    await expect(c.ask('get')).rejects.toMatchObject({ code: 'ASK_TARGET_STOPPED' });
  });

  it('fails when the target stops before replying', async () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    const c = system.spawn(counterActor(), { restart: 'temporary' });
    c.tell('exit');
    const reply = c.ask('get');
    system.runUntilIdle();
    await expect(reply).rejects.toMatchObject({ code: 'ASK_TARGET_STOPPED' });
  });
});
