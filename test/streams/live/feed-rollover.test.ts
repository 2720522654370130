/**
 * The rollover arbiter on its own (no sockets): whatever way the old and the new connection's
 * messages interleave, the records that come out are the venue's sequence exactly once, in order.
 */
import fc from 'fast-check';
import type { Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { BookTicker, MarketRecord, Trade } from '../../../src/model/records.js';
import { FeedRollover, type RolloverHost } from '../../../streams/live/feed-rollover.js';
import type { FeedSequencer } from '../../../streams/live/feed-sequencer.js';
import type { FeedSocket } from '../../../streams/live/feed-socket.js';
import { MutableFeedStats } from '../../../streams/live/feed-stats.js';

function trade(id: number): Trade {
  return { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: id, tsRecv: id, id: String(id), price: 1, amount: 1, side: 'buy' };
}

function quote(n: number): BookTicker {
  return { type: 'book_ticker', exchange: 'binance', symbol: 'BTCUSDT', ts: n, tsRecv: n, bidPrice: n, bidAmount: 1, askPrice: n + 1, askAmount: 1 };
}

/** The venue's sequence: trades and quotes mixed as `kinds` says (true: a trade). */
function venueSequence(kinds: readonly boolean[]): MarketRecord[] {
  let id = 100;
  return kinds.map((isTrade, i) => (isTrade ? trade(id++) : quote(i)));
}

/** A rig: two fake sockets, lanes writing into `out`, and the arbiter between them. */
function arbiterRig() {
  const out: MarketRecord[] = [];
  const stats = new MutableFeedStats('test', [], 10, null);
  const events: string[] = [];
  const host: RolloverHost = {
    retire: () => events.push('retire'),
    holdFull: () => events.push('holdFull'),
    switched: (_from, _to, matched) => events.push(matched ? 'switched' : 'forced'),
  };
  // Only `force()` consults the sequencer: "already delivered" means "in out".
  const sequencer = { isSeen: (r: MarketRecord) => out.includes(r) } as unknown as FeedSequencer;
  const arbiter = new FeedRollover(host, sequencer, stats, 1_000_000);
  const lane = { next: (r: MarketRecord) => out.push(r), complete: () => undefined } as unknown as Subscriber<MarketRecord>;
  const old = { role: 'primary' } as FeedSocket;
  const fresh = { role: 'candidate' } as FeedSocket;
  arbiter.attach(old, lane);
  arbiter.attach(fresh, lane);
  arbiter.setPrimary(old);
  return { arbiter, out, stats, events, old, fresh };
}

describe('FeedRollover', () => {
  it('outputs the venue sequence exactly once however the two connections interleave (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 2, maxLength: 60 }),
        fc.nat(),
        fc.array(fc.boolean(), { maxLength: 200 }),
        (kinds, joinSeed, order) => {
          const sequence = venueSequence(kinds);
          // The candidate subscribed before message `join` (at least one message after it is a trade).
          const join = 1 + (joinSeed % (sequence.length - 1));
          fc.pre(sequence.slice(join).some((r) => r.type === 'trade'));
          const { arbiter, out, events, old, fresh } = arbiterRig();
          let p = 0;
          let c = join;
          let o = 0;
          // Before the candidate exists, the old connection delivers a few on its own.
          const early = Math.min(join, order.length % (join + 1));
          for (; p < early; p++) arbiter.route(old, sequence[p]!);
          arbiter.setCandidate(fresh);
          while (p < sequence.length || c < sequence.length) {
            const fromOld = c >= sequence.length || (p < sequence.length && (order[o++ % Math.max(1, order.length)] ?? true));
            if (fromOld) arbiter.route(old, sequence[p++]!);
            else arbiter.route(fresh, sequence[c++]!);
          }
          expect(out).toEqual(sequence);
          expect(events).toEqual(['retire', 'switched']);
          expect(arbiter.primary).toBe(fresh);
        },
      ),
      { numRuns: 500, seed: 10 },
    );
  });

  it('drops what a retired connection still sends, counting it', () => {
    const { arbiter, out, stats, old, fresh } = arbiterRig();
    arbiter.route(old, trade(1));
    arbiter.setCandidate(fresh);
    arbiter.route(fresh, trade(2));
    arbiter.route(old, trade(2)); // the overlap: switch
    arbiter.route(old, trade(3)); // retired: dropped
    arbiter.route(fresh, trade(3));
    expect(out.map((r) => (r as Trade).id)).toEqual(['1', '2', '3']);
    expect(stats.duplicates).toBe(2); // the held copy of 2, and the retired 3
  });

  it('forces the switch without an overlap, dropping held records already delivered', () => {
    const { arbiter, out, events, old, fresh } = arbiterRig();
    arbiter.route(old, trade(1));
    arbiter.route(old, trade(2));
    arbiter.setCandidate(fresh);
    arbiter.route(fresh, quote(9));
    arbiter.route(fresh, trade(3)); // the old one never sends 3: it ended
    arbiter.force();
    expect(out.map((r) => r.type)).toEqual(['trade', 'trade', 'book_ticker', 'trade']);
    expect(events).toEqual(['retire', 'forced']);
  });

  it('forgets what a failed candidate held, and goes on with the primary', () => {
    const { arbiter, out, old, fresh } = arbiterRig();
    arbiter.setCandidate(fresh);
    arbiter.route(fresh, trade(5));
    arbiter.dropCandidate(fresh);
    arbiter.route(old, trade(5));
    arbiter.route(fresh, trade(6)); // neither primary nor candidate any more
    expect(out.map((r) => (r as Trade).id)).toEqual(['5']);
    expect(arbiter.candidate).toBeNull();
  });
});
