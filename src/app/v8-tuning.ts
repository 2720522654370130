/**
 * V8 settings the command line runs with (the daemon, backtests, sweeps). Importing this module
 * sets them. It is the command line's first import, so it is evaluated before any other of its
 * modules: V8 decides on allocation sites from the first collections, and evaluating the CLI's
 * modules already causes some (set after the imports, an early switch still slipped through in one
 * run of three). The library entry (`src/index.ts`) does not import it.
 *
 * `--no-allocation-site-pretenuring`. V8 watches each object literal's allocations and, when
 * nearly all of a young collection's survivors from one site are still alive, makes that site
 * allocate in the old generation from then on, for the life of the process. Early in a run,
 * before the pipeline settles, per-record objects (an order's bookkeeping entry, a target, a
 * venue submission) are often all alive at one scavenge, so whether a site is switched is a coin
 * flip per process. A switched site's objects die in the old generation and drag the young
 * objects they point at into it too: in the core-path benchmark about half the processes
 * promoted 190-330 MB instead of 72 MB, ran 8-16 full collections instead of 5 and took 12-16 µs
 * a record instead of 10-11, for the whole run. Without pretenuring every process runs as the
 * fast half does (16 processes of 16).
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
