/**
 * Where an actor's error was thrown, as a person fixing it wants to see it: the first frame of its
 * stack in user or strategy code, `file:line`. Engine frames are passed over: Node's internals,
 * `node_modules`, tickflow's own `src/` and `streams/`, its actors' plumbing, and in
 * `actors/strategies/` the files that run strategies rather than being one (`PLUMBING`). So a
 * strategy that throws is shown at its own line, built-in or a user's; one that calls `api.target`
 * with a bad value is shown at that call, not inside the API. When every frame is the engine's (an
 * execution actor failing on its own), the first frame outside the actor kernel (`src/runtime/`)
 * is shown instead. Positions are the ones the stack holds: source lines under a loader that maps
 * them (vitest, `node --enable-source-maps`), else those of the compiled files.
 */
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// Two levels up from this file: the checkout (or `dist/` when compiled).
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Files of `actors/strategies/` that run strategies; every other file there is a strategy. */
const PLUMBING = new Set(['define-strategy', 'strategy-runner', 'strategy-api', 'execution-view', 'book-view', 'strategy-params', 'strategies']);

// `    at fn (file:///x/y.ts:30:11)`, `    at /x/y.js:30:11`, `    at async fn (node:internal/...:1:2)`.
const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):\d+\)?$/;

/** One parsed frame: an absolute path (or `node:...` name) and a 1-based line. */
interface Frame {
  readonly file: string;
  readonly line: number;
}

/**
 * `file:line` of the first user or strategy frame of `error`'s stack (see the module comment),
 * the path relative to the working directory when inside it; `undefined` when the error has no
 * stack with a usable frame.
 */
export function errorOrigin(error: unknown): string | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (stack === undefined) return undefined;
  const frames = parseFrames(stack);
  const frame = frames.find((f) => !isEngine(f.file)) ?? frames.find((f) => !isKernel(f.file));
  if (frame === undefined) return undefined;
  const cwd = process.cwd();
  const shown = frame.file.startsWith(cwd + sep) ? relative(cwd, frame.file) : frame.file;
  return `${shown}:${frame.line}`;
}

function parseFrames(stack: string): Frame[] {
  const frames: Frame[] = [];
  for (const text of stack.split('\n')) {
    const match = FRAME.exec(text);
    if (match === null) continue;
    let file = match[1]!;
    // Code compiled at run time (the kernel's run loops: `eval at compileRunLoop (...), <anonymous>`)
    // has no file of its own: never the place to show.
    if (file.startsWith('eval at ') || file.includes('<anonymous>')) continue;
    if (file.startsWith('file://')) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    frames.push({ file, line: Number(match[2]) });
  }
  return frames;
}

/** Node, dependencies, or tickflow itself (strategies in `actors/strategies/` excepted). */
function isEngine(file: string): boolean {
  if (isOutside(file)) return true;
  if (!file.startsWith(ROOT)) return false;
  const inside = file.slice(ROOT.length).split(sep);
  if (inside[0] === 'src' || inside[0] === 'streams') return true;
  if (inside[0] !== 'actors') return false;
  if (inside[1] !== 'strategies' || inside.length !== 3) return true;
  return PLUMBING.has(inside[2]!.replace(/\.[cm]?[jt]s$/, ''));
}

/** Node, dependencies, or the actor kernel. */
function isKernel(file: string): boolean {
  return isOutside(file) || file.startsWith(`${ROOT}src${sep}runtime${sep}`);
}

function isOutside(file: string): boolean {
  return file.startsWith('node:') || file.includes(`${sep}node_modules${sep}`) || !file.includes(sep);
}
