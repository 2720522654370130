/**
 * Inspection: a snapshot per actor of its status, mailbox and counters, and percentiles of its
 * sampled processing latency. Built only when asked for; the counters it reads are plain fields
 * the cells bump anyway.
 */
import type { ActorCell } from './actor-cell.js';
import type { ActorCounters } from './kernel.js';
import { statusName, type ActorStatus } from './actor-status.js';
import type { OverflowPolicy } from './mailbox.js';

/** One actor's state as seen from outside. Latencies in nanoseconds. */
export interface ActorSnapshot {
  readonly path: string;
  readonly status: ActorStatus;
  readonly mailboxDepth: number;
  readonly capacity: number;
  readonly overflow: OverflowPolicy;
  readonly stashed: number;
  /**
   * The counters, with `received`: every message that reached the actor, whatever became of it
   * (start failures are not messages and are not in it).
   */
  readonly counters: Readonly<ActorCounters & { readonly received: number }>;
  readonly latencyNs: { readonly samples: number; readonly p50: number; readonly p99: number; readonly max: number };
}

/** Snapshot of one cell. */
export function snapshotOf(cell: ActorCell): ActorSnapshot {
  return {
    path: cell.path,
    status: statusName(cell.st),
    mailboxDepth: cell.mailbox.live,
    capacity: cell.mailbox.capacity,
    overflow: cell.mailbox.overflow,
    stashed: cell.stash.length,
    counters: { received: received(cell), ...cell.counters },
    latencyNs: {
      samples: cell.latency.count,
      p50: cell.latency.percentile(50),
      p99: cell.latency.percentile(99),
      max: cell.latency.max,
    },
  };
}

function received(cell: ActorCell): number {
  const c = cell.counters;
  return c.processed + c.dropped + c.conflated + c.failed + c.deadLettered + cell.mailbox.live + cell.stash.length;
}
