/**
 * Records a backtest's equity curve (`equity-curve.ts`) without touching the trading actors: a tap
 * on the bus (a plain subscriber, not an actor, so it has no mailbox, adds no line to the report's
 * per-actor counters and cannot hold up admission) keeps its own `Portfolio`, fed exactly what the
 * execution actor's portfolio is fed: every fill published on `exec.fill.*`, and the marks
 * execution takes (`execution-actor.ts`): a trade's price, a two-sided quote's mid, a bar's close.
 *
 * Why a copy agrees with the books. Equity after a set of events depends only on the fills, in
 * their order, and on the last mark per instrument, and the bus delivers both in the same order to
 * every subscriber; the copy sees each at publish time, execution a little later at the same engine
 * time. The end-to-end test checks that the last sample equals the report's `finalEquity` exactly.
 *
 * Sampling. The replay advances engine time only when every earlier message is processed
 * (DESIGN.md, Clock), so when the tap sees a message at engine time `now`, every grid point `b <
 * now` not yet sampled has seen all of its events and none after: it is sampled from the state
 * before that message. No timer is involved (a periodic timer would keep `nextTimerDue` finite and
 * move the replay's own timing). `finish` samples the grid points up to the end and a closing
 * sample at the end itself. Deterministic: only engine time and bus order are read.
 *
 * Long runs. A sample per interval would be 10 million for twenty years of daily bars at the
 * default minute, so the curve holds at most `MAX_EQUITY_SAMPLES`: past it, the interval is
 * coarsened along `COARSENING` (1 minute: 5 m, 15 m, 1 h, 4 h, 1 d, 1 w, then doubling) and the
 * samples off the new grid are dropped. Each step is a multiple of the one before, on a grid from
 * the same start, so the samples kept are exactly those a run at the coarser interval takes: the
 * curve is the same as if that interval had been asked for. The curve states both intervals.
 *
 * Cost: one `Portfolio.mark` per trade, quote or bar (O(1), as in execution), and at most about
 * twice `MAX_EQUITY_SAMPLES` samples taken per coarsening step.
 */
import type { FillReport } from '../../../actors/execution/execution-messages.js';
import { Portfolio } from '../../../actors/execution/orders/portfolio.js';
import type { Instrument } from '../../model/instrument.js';
import { InstrumentKeys } from '../../model/instrument-key.js';
import type { MarketRecord } from '../../model/records.js';
import type { ActorSystem } from '../../runtime/actor-system.js';
import type { BusSubscriber } from '../../runtime/bus.js';
import type { EquityCurve, EquitySample } from './equity-curve.js';

/** What the recorder needs: the run's instruments and money terms, as execution has them. */
export interface EquityRecorderSpec {
  /** By `instrumentKey(exchange, symbol)`. */
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly quotePrecision: number;
  readonly initialCash: string;
  /** Sampling interval of engine time, µs (a positive integer). */
  readonly intervalUs: number;
}

/** A running recorder; `finish` once, when the run has ended. */
export interface EquityRecorder {
  /** Stops recording and returns the curve, closed at engine time `endTs` (the run's end). */
  finish(endTs: number): EquityCurve;
}

/** Most samples a curve holds; past it the interval is coarsened (see the module comment). */
export const MAX_EQUITY_SAMPLES = 200_000;

/** Factors from one sampling interval to the next coarser one; after the last, 2. */
export const COARSENING: readonly number[] = [5, 3, 4, 4, 6, 7];

// The topics execution marks and fills from (`execution-actor.ts`, MARK_TYPES and `fillTopic`).
const TOPICS = ['md.*.*.trade', 'md.*.*.book_ticker', 'md.*.*.trade_bar', 'exec.fill'] as const;

/**
 * Starts recording on `system` (before the replay starts; the first grid point is the clock's
 * time now). Throws a `RangeError` for an interval that is not a positive integer.
 */
export function createEquityRecorder(system: ActorSystem, spec: EquityRecorderSpec): EquityRecorder {
  if (!Number.isSafeInteger(spec.intervalUs) || spec.intervalUs <= 0) throw new RangeError(`equity interval must be a positive integer of µs, got ${spec.intervalUs}`);
  const tap = new EquityTap(system, spec);
  for (const topic of TOPICS) system.bus.subscribe(topic, tap);
  return {
    finish(endTs: number): EquityCurve {
      system.bus.unsubscribe(tap);
      return tap.finish(endTs);
    },
  };
}

// Every field set in the constructor, in one order (hidden class): `enqueue` runs per tick.
class EquityTap implements BusSubscriber<unknown> {
  private readonly portfolio: Portfolio;
  // Interned, as execution's: no key string built per tick.
  private readonly interned: InstrumentKeys;
  // The latest mark per instrument key since the portfolio was last marked: a tick only records
  // its price (a number); the portfolio (BigInt arithmetic) is marked with the latest one before a
  // fill or a sample, where equity is read. A mark depends only on the last price, so the state
  // there is the same as marking every tick.
  private readonly pendingMarks: Map<string, number>;
  private readonly keys: readonly string[];
  private samples: EquitySample[];
  private readonly start: number;
  private interval: number;
  private coarsenings: number;
  private next: number;
  private finished: boolean;

  constructor(
    private readonly system: ActorSystem,
    private readonly spec: EquityRecorderSpec,
  ) {
    this.portfolio = new Portfolio({ quotePrecision: spec.quotePrecision, initialCash: spec.initialCash });
    this.interned = new InstrumentKeys();
    this.pendingMarks = new Map();
    this.keys = [...spec.instruments.keys()].sort();
    this.samples = [];
    this.start = system.clock.now();
    this.interval = spec.intervalUs;
    this.coarsenings = 0;
    this.next = this.start;
    this.finished = false;
  }

  enqueue(message: unknown): void {
    if (this.finished) return;
    const now = this.system.clock.now();
    while (this.next < now) this.sample(this.next);
    const m = message as MarketRecord | FillReport;
    switch (m.type) {
      case 'trade':
        this.pendingMarks.set(this.interned.of(m.exchange, m.symbol), m.price);
        return;
      case 'book_ticker':
        if (m.bidPrice > 0 && m.askPrice > 0) this.pendingMarks.set(this.interned.of(m.exchange, m.symbol), (m.bidPrice + m.askPrice) / 2);
        return;
      case 'trade_bar':
        this.pendingMarks.set(this.interned.of(m.exchange, m.symbol), m.close);
        return;
      case 'fill_report': {
        const fill = m.fill;
        this.markPending();
        this.portfolio.applyFill(fill, this.spec.instruments.get(this.interned.of(fill.exchange, fill.symbol))!);
        return;
      }
      default:
        return;
    }
  }

  finish(endTs: number): EquityCurve {
    this.finished = true;
    while (this.next <= endTs) this.sample(this.next);
    const last = this.samples[this.samples.length - 1];
    if (last === undefined || last.ts < endTs) this.samples.push(this.take(endTs));
    return {
      intervalUs: this.interval,
      ...(this.interval === this.spec.intervalUs ? {} : { requestedIntervalUs: this.spec.intervalUs }),
      quotePrecision: this.spec.quotePrecision,
      initialEquity: this.portfolio.initialCash,
      keys: this.keys,
      samples: this.samples,
    };
  }

  private sample(ts: number): void {
    this.samples.push(this.take(ts));
    this.next = ts + this.interval;
    if (this.samples.length > MAX_EQUITY_SAMPLES) this.coarsen();
  }

  /** Moves to the next coarser interval, keeping the samples on its grid (all taken at grid points so far). */
  private coarsen(): void {
    this.interval *= COARSENING[this.coarsenings++] ?? 2;
    const interval = this.interval;
    const start = this.start;
    this.samples = this.samples.filter((s) => (s.ts - start) % interval === 0);
    // The state has not changed since the last sample taken, so the next grid point is sampled
    // as usual: the first one after the last kept.
    this.next = this.samples[this.samples.length - 1]!.ts + interval;
  }

  /** Marks the portfolio with each instrument's latest price since the last time. */
  private markPending(): void {
    if (this.pendingMarks.size === 0) return;
    for (const [key, price] of this.pendingMarks) this.portfolio.mark(key, price);
    this.pendingMarks.clear();
  }

  private take(ts: number): EquitySample {
    this.markPending();
    return { ts, equity: this.portfolio.equity(), positions: this.keys.map((k) => this.portfolio.positionQuantity(k)) };
  }
}
