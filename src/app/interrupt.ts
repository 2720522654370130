/**
 * Ctrl-C during a run that can stop cleanly (`tickflow backtest`): the first SIGINT aborts the
 * run's signal, so it stops pulling input and still writes complete outputs for what it did; a
 * second SIGINT exits 130 at once, for a user who will not wait for that. Listening adds a signal
 * handler only, never a timer: the process still exits when the run is done.
 */

/** The process as the listener uses it (`process`, or a fake in tests). */
export interface InterruptTarget {
  once(event: 'SIGINT', listener: () => void): unknown;
  off(event: 'SIGINT', listener: () => void): unknown;
  exit(code: number): never;
}

/** What listening gives: the signal to pass to the run, and how to stop listening. */
export interface InterruptListener {
  /** Aborted (reason `'SIGINT'`) by the first Ctrl-C. */
  readonly signal: AbortSignal;
  /** True once a first Ctrl-C came. */
  readonly interrupted: boolean;
  /** Removes the handler; a later Ctrl-C has its default effect again. Idempotent. */
  close(): void;
}

/** The exit code of a run ended by SIGINT (128 + 2, as shells report it). */
export const SIGINT_EXIT = 130;

/**
 * Listens for SIGINT on `target` (default `process`). `onFirst` is told of the first one, after
 * the signal is aborted (to say what happens next).
 */
export function listenForInterrupt(onFirst: () => void = () => undefined, target: InterruptTarget = process): InterruptListener {
  const controller = new AbortController();
  let closed = false;
  const second = (): void => {
    target.exit(SIGINT_EXIT);
  };
  const first = (): void => {
    controller.abort('SIGINT');
    // Before anything that could throw, so a second Ctrl-C always exits.
    target.once('SIGINT', second);
    onFirst();
  };
  target.once('SIGINT', first);
  return {
    signal: controller.signal,
    get interrupted() {
      return controller.signal.aborted;
    },
    close() {
      if (closed) return;
      closed = true;
      target.off('SIGINT', first);
      target.off('SIGINT', second);
    },
  };
}
