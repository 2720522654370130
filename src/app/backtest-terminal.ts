/**
 * What `tickflow backtest` adds to a run for the person at the terminal: a progress line on stderr
 * (`progress-line.ts`: only on a terminal, not with `--quiet`) and Ctrl-C (`interrupt.ts`: the
 * first stops the replay, and the outputs for what was replayed are written marked partial; the
 * second exits 130 at once). The share of the input read is the bytes read of the files against
 * their sizes (`read-meter.ts`), or for the simulated market the records against its total.
 */
import { ReadMeter } from '../../streams/read-meter.js';
import type { BacktestInput, BacktestRequest } from './backtest.js';
import type { TickflowConfig } from './config.js';
import { listenForInterrupt, type InterruptTarget } from './interrupt.js';
import { createProgressLine, NO_PROGRESS, type ProgressStream } from './progress-line.js';

/** How to set up the terminal side of one backtest. */
export interface BacktestTerminalOptions {
  readonly input: BacktestInput;
  readonly config: TickflowConfig;
  /** `--quiet`: no progress line. */
  readonly quiet: boolean;
  /** Where the progress line goes (default `process.stderr`). */
  readonly stream?: ProgressStream | undefined;
  /** For messages (the note after a first Ctrl-C). */
  readonly err: (line: string) => void;
  /** Milliseconds on a monotonic clock (default `performance.now`). */
  readonly now?: (() => number) | undefined;
  /** Where SIGINT is listened for (default `process`). */
  readonly signals?: InterruptTarget | undefined;
}

/** The hooks to put in the `BacktestRequest`, and what to do when it settles. */
export interface BacktestTerminal {
  /** `onRecord` is absent when no progress is shown: a replay nobody watches pays no call per record. */
  readonly hooks: Pick<BacktestRequest, 'signal' | 'onRecord' | 'meter'>;
  /** True once Ctrl-C stopped (or asked to stop) the run. */
  readonly interrupted: boolean;
  /** Erases the progress line: call before printing anything once the run has settled. */
  settle(): void;
  /** Stops listening for Ctrl-C (after the outputs are written). */
  close(): void;
}

/** Sets up progress and Ctrl-C for one backtest (see the module comment). */
export function createBacktestTerminal(options: BacktestTerminalOptions): BacktestTerminal {
  const meter = new ReadMeter();
  const simulatedTotal = options.input.kind === 'simulated' ? options.config.simulated.records : undefined;
  const progress = createProgressLine({
    stream: options.stream ?? process.stderr,
    quiet: options.quiet,
    now: options.now,
    fraction: simulatedTotal === undefined ? () => meter.fraction() : (records) => records / simulatedTotal,
    totalBytes: simulatedTotal === undefined ? () => meter.totalBytes : undefined,
  });
  const interrupt = listenForInterrupt(() => {
    progress.finish();
    options.err('tickflow backtest: interrupted (SIGINT): stopping the replay and writing the outputs for the records replayed; Ctrl-C again to quit at once');
  }, options.signals);
  return {
    hooks: { signal: interrupt.signal, onRecord: progress === NO_PROGRESS ? undefined : () => progress.record(), meter },
    get interrupted() {
      return interrupt.interrupted;
    },
    settle: () => progress.finish(),
    close: () => interrupt.close(),
  };
}
