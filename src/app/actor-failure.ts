/**
 * Why an actor system failed, in terms a person can act on. When the root gives up, the error it
 * ends with is the outermost link of a chain built on the way up the tree: each supervisor that
 * escalates wraps what it got in an `ESCALATED` error (`context.actor`: the child that failed,
 * `cause`: the child's error), and one that exceeds its restart intensity fails with
 * `SUPERVISOR_GAVE_UP` (`context.actor`: the supervisor, `cause`: the last error). Walking the
 * chain down to the first link that is neither gives the actor that failed first and its own error,
 * and that error's stack where it was thrown (`error-origin.ts`).
 */
import { isTickflowError } from '../runtime/errors.js';
import { errorOrigin } from './error-origin.js';

/** The actor that failed first, its own error, and the supervisor that gave up on the way, if one did. */
export interface ActorFailure {
  /** Path of the deepest actor named in the chain (`(unknown)` when none is). */
  readonly actor: string;
  /** Its own error: the innermost link of the chain. */
  readonly error: unknown;
  /** `file:line` where that error was thrown, in user or strategy code when the stack shows it (`errorOrigin`). */
  readonly where: string | undefined;
  /** The supervisor that exceeded its restart intensity, when that is how the failure went up. */
  readonly gaveUp: { readonly supervisor: string; readonly maxRestarts: number; readonly withinUs: number } | undefined;
}

// A chain longer than this is a cycle (a cause pointing back up), not a tree.
const MAX_DEPTH = 64;

/** Walks the `ESCALATED` / `SUPERVISOR_GAVE_UP` chain of a system's failure (see the module comment). */
export function actorFailureOf(error: unknown): ActorFailure {
  let actor: string | undefined;
  let gaveUp: ActorFailure['gaveUp'];
  let current = error;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (isTickflowError(current, 'ESCALATED')) {
      actor = pathIn(current.context) ?? actor;
      current = current.cause;
    } else if (isTickflowError(current, 'SUPERVISOR_GAVE_UP')) {
      const supervisor = pathIn(current.context) ?? actor ?? '(root)';
      const child = current.context['child'];
      actor = typeof child === 'string' && child !== '' ? child : supervisor;
      gaveUp ??= { supervisor, maxRestarts: Number(current.context['maxRestarts']), withinUs: Number(current.context['withinUs']) };
      current = current.cause;
    } else {
      break;
    }
  }
  // An actor's own error may name it too (a mailbox that overflowed under `fail`, say).
  if (actor === undefined && isTickflowError(current)) actor = pathIn(current.context);
  return { actor: actor ?? '(unknown)', error: current, where: errorOrigin(current), gaveUp };
}

/**
 * One line for people: `actor <path> failed: <message> (at <file:line>)`, or, when a supervisor
 * gave up, `supervisor <path> gave up after <n> restarts within <window>; last error: <message>
 * (at <file:line>)`. The place is left out when the stack does not show one.
 */
export function formatActorFailure(failure: ActorFailure): string {
  const message = errorMessage(failure.error) + (failure.where === undefined ? '' : ` (at ${failure.where})`);
  const g = failure.gaveUp;
  if (g === undefined) return `actor ${failure.actor} failed: ${message}`;
  const window = g.withinUs % 1_000_000 === 0 ? `${g.withinUs / 1_000_000} s` : `${g.withinUs} µs`;
  const gaveUp = `supervisor ${g.supervisor} gave up after ${g.maxRestarts} restarts within ${window}`;
  return g.supervisor === failure.actor ? `${gaveUp}; last error: ${message}` : `actor ${failure.actor} failed: ${message} (${gaveUp})`;
}

/** An error's message, or its text when it is not an `Error`. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return error === undefined ? 'unknown error' : String(error);
}

function pathIn(context: Readonly<Record<string, unknown>>): string | undefined {
  const actor = context['actor'];
  return typeof actor === 'string' && actor !== '' ? actor : undefined;
}
