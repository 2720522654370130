/**
 * The state of a strategy actor: per-instrument user state, last published targets, counters, and
 * the `StrategyApi` the handlers call. `defineStrategy` wires it into an actor; it mutates itself
 * in place (the actor's state is this one object) so the per-record path allocates nothing but the
 * `TargetPosition` it publishes.
 */
import { isDeepStrictEqual } from 'node:util';
import { notMadeByFill, type FillReport, type OrderUpdate } from '../execution/execution-messages.js';
import type { Fill } from '../../src/model/fill.js';
import { instrumentKey, parseInstrumentKey } from '../../src/model/instrument-key.js';
import { orderOfChange, type Order } from '../../src/model/order.js';
import type { BookReader, BookSnapshot } from '../../src/model/order-book.js';
import type { MarketRecord, Trade, TradeBar } from '../../src/model/records.js';
import { recordRef } from '../../src/model/record-ref.js';
import { signalTopic, type TargetPosition } from '../../src/model/signal.js';
import type { ActorContext, ActorRef } from '../../src/runtime/actor.js';
import { TickflowError } from '../../src/runtime/errors.js';
import { BookView } from './book-view.js';
import { ExecutionView } from './execution-view.js';
import type { StrategyApi, StrategyConfig, StrategyMessage, StrategyReconfigureResult, StrategyStats, TargetOptions } from './strategy-api.js';

/** The spec's handlers with their types erased (the runner is not generic, to stay monomorphic). */
export interface StrategyHandlers {
  readonly name: string;
  init(params: unknown): unknown;
  onBar?(state: unknown, bar: TradeBar, api: StrategyApi<unknown>): unknown;
  onTrade?(state: unknown, trade: Trade, api: StrategyApi<unknown>): unknown;
  onFill?(state: unknown, fill: Fill, api: StrategyApi<unknown>): unknown;
  onOrder?(state: unknown, order: Order, api: StrategyApi<unknown>): unknown;
  warmUp?(params: unknown): number;
}

/** How a reconfigure's params are checked (`defineStrategy` builds it from the spec). */
export interface ParamRules {
  /** The params `init` reads: a change of one is refused. */
  readonly initParams: readonly string[];
  /** Validates params as written by the strategy's schema (strict, defaults filled in). */
  parse(input: unknown): { readonly ok: true; readonly params: unknown } | { readonly ok: false; readonly detail: string };
}

type OrderType = 'market' | 'limit';

/** A target's execution, normalised from either form of `TargetOptions`. */
interface Execution {
  orderType: OrderType;
  limitPrice: number | undefined;
  limitAt: 'touch' | undefined;
  timeoutUs: number | undefined;
}

/** One instrument a strategy has seen or targeted. */
class Instrument {
  readonly exchange: string;
  readonly symbol: string;
  /** `signal.<exchange>.<symbol>`, built once. */
  readonly topic: string;
  /** The user's state; created by `init` on the instrument's first record. */
  state: unknown;
  started: boolean;
  /** Inputs handed to the handlers since `init` built `state`, and the most over its restarts (`StrategyWarmUp`). */
  seen: number;
  peak: number;
  target: number;
  orderType: OrderType;
  limitPrice: number | undefined;
  limitAt: 'touch' | undefined;
  timeoutUs: number | undefined;

  constructor(exchange: string, symbol: string) {
    // Every field set here, in one order, so all instruments share one hidden class.
    this.exchange = exchange;
    this.symbol = symbol;
    this.topic = signalTopic(exchange, symbol);
    this.state = undefined;
    this.started = false;
    this.seen = 0;
    this.peak = 0;
    this.target = 0;
    this.orderType = 'market';
    this.limitPrice = undefined;
    this.limitAt = undefined;
    this.timeoutUs = undefined;
  }
}

/**
 * What survives a restart (see `defineStrategy`): last targets and counters, and the positions and
 * open orders execution reported (not rebuilt from the market: they come only with the next fill or
 * order change).
 */
interface Carried {
  /** The params in force (a reconfigure's, which the spawn config does not have). */
  readonly params: unknown;
  readonly signals: number;
  readonly bars: number;
  readonly trades: number;
  readonly targets: readonly ({ exchange: string; symbol: string; target: number } & Execution)[];
  /** Each fed instrument's warm-up high-water mark: a restart rebuilds the state, not what it reached. */
  readonly peaks: readonly { exchange: string; symbol: string; peak: number }[];
  readonly execution: ExecutionView;
}

// Keyed by the actor's ref, which stays the same object across its restarts; weak, so a stopped
// actor's entry goes with it.
const carried = new WeakMap<ActorRef<never>, Carried>();

const RECONFIGURED: StrategyReconfigureResult = Object.freeze({ ok: true });

/** A strategy instance's state and its handler API. */
export class StrategyRunner implements StrategyApi<unknown> {
  // Replaced by a reconfigure; handlers read it through the API at each call.
  params: unknown;
  private readonly handlers: StrategyHandlers;
  private readonly rules: ParamRules | undefined;
  private readonly config: StrategyConfig;
  private readonly ctx: ActorContext<StrategyMessage>;
  private readonly name: string;
  private readonly symbols: ReadonlySet<string> | undefined;
  private readonly byExchange: Map<string, Map<string, Instrument>>;
  // Latest book snapshot per exchange and symbol, apart from instruments: a book seen is not an
  // instrument traded (stats list traded ones).
  private readonly books: Map<string, Map<string, BookView>>;
  // Positions and this strategy's open orders, from execution's reports.
  private execution: ExecutionView;
  // The instrument of the last lookup: streams of one symbol skip both map lookups.
  private last: Instrument | undefined;
  // Exchange of the record being handled: `target(symbol, …)` acts there.
  private exchange: string;
  // The market record being handled (null outside one): a target names it as its cause.
  private current: MarketRecord | null;
  private signals: number;
  private bars: number;
  private trades: number;

  /** `rules` absent: reconfigures are refused (a runner built outside `defineStrategy`). */
  constructor(handlers: StrategyHandlers, config: StrategyConfig, ctx: ActorContext<StrategyMessage>, rules?: ParamRules) {
    this.params = config.params;
    this.handlers = handlers;
    this.rules = rules;
    this.config = config;
    this.ctx = ctx;
    // The actor's name, not its path: client order ids start with it, so they stay short (venues
    // cap them) and do not change when the supervision tree is reorganised. Siblings have
    // unique names, and every strategy is a child of the one market supervisor.
    const path = ctx.self.path;
    this.name = path.slice(path.lastIndexOf('/') + 1);
    this.symbols = config.symbols === undefined ? undefined : new Set(config.symbols);
    this.byExchange = new Map();
    this.books = new Map();
    this.execution = new ExecutionView(this.name);
    this.last = undefined;
    this.exchange = '';
    this.current = null;
    this.signals = 0;
    this.bars = 0;
    this.trades = 0;
    const kept = carried.get(ctx.self as ActorRef<never>);
    if (kept !== undefined) this.restore(kept);
  }

  /** Bus prefixes to subscribe to for the given inputs (see `defineStrategy`). */
  subscriptions(inputs: readonly ('trade_bar' | 'trade')[]): string[] {
    const { topicPrefix, exchange, symbols } = this.config;
    // By record type: its inputs and `book` (the book actor's snapshots, for `api.book(symbol)`),
    // so quotes, depth diffs and snapshots a strategy never reads are not delivered to it at all.
    // (Execution's reports, `exec.fill` and `exec.order`, are subscribed apart: `execSubscriptions`.)
    const types = [...inputs, 'book'];
    if (exchange === undefined) return types.map((type) => `${topicPrefix}.*.*.${type}`);
    if (symbols === undefined) return types.map((type) => `${topicPrefix}.${exchange}.*.${type}`);
    return symbols.flatMap((symbol) => types.map((type) => `${topicPrefix}.${exchange}.${symbol}.${type}`));
  }

  /**
   * Execution's reports, for `position`, `openOrders`, `onFill` and `onOrder`: every instrument's,
   * since a strategy may trade an instrument it is not fed (an instrument key) and a position is
   * the instrument's whatever strategy traded it. One message per fill or order change (a fill's
   * change rides in its fill report).
   */
  execSubscriptions(): ReadonlyArray<readonly [topic: string, accept?: (message: unknown) => boolean]> {
    // A fill's change of its order comes with the fill report (`FillReport.order`), not twice.
    return [['exec.fill'], ['exec.order', notMadeByFill]];
  }

  /** Handles one message. Records of other types (on a shared prefix) are ignored. */
  receive(message: StrategyMessage): void {
    switch (message.type) {
      case 'trade_bar':
        if (this.handlers.onBar !== undefined && this.accepts(message.exchange, message.symbol)) {
          if (this.config.interval !== undefined && message.interval !== this.config.interval) return;
          const instrument = this.enter(message.exchange, message.symbol);
          this.bars++;
          if (++instrument.seen > instrument.peak) instrument.peak = instrument.seen;
          this.current = message;
          const next = this.handlers.onBar(instrument.state, message, this);
          this.current = null;
          if (next !== undefined) instrument.state = next;
        }
        return;
      case 'trade':
        if (this.handlers.onTrade !== undefined && this.accepts(message.exchange, message.symbol)) {
          const instrument = this.enter(message.exchange, message.symbol);
          this.trades++;
          if (++instrument.seen > instrument.peak) instrument.peak = instrument.seen;
          this.current = message;
          const next = this.handlers.onTrade(instrument.state, message, this);
          this.current = null;
          if (next !== undefined) instrument.state = next;
        }
        return;
      case 'book_snapshot':
        if (this.accepts(message.exchange, message.symbol)) this.keepBook(message);
        return;
      case 'fill_report':
        this.onFillReport(message);
        return;
      case 'order_update':
        this.onOrderUpdate(message);
        return;
      case 'strategy_stats':
        this.ctx.reply(this.stats());
        return;
      case 'strategy_params':
        this.ctx.reply(this.params);
        return;
      case 'strategy_reconfigure':
        this.ctx.reply(this.reconfigure(message.params));
        return;
      default:
        return;
    }
  }

  now(): number {
    return this.ctx.clock.now();
  }

  target(symbol: string, quantity: number, options?: TargetOptions): boolean {
    let orderType: OrderType = 'market';
    let limitPrice: number | undefined;
    let limitAt: 'touch' | undefined;
    let timeoutUs: number | undefined;
    if (options !== undefined && 'execution' in options) {
      if (options.execution === 'limit') {
        orderType = 'limit';
        if (options.price === 'touch') limitAt = 'touch';
        else limitPrice = options.price;
        timeoutUs = options.timeoutUs;
      }
    } else if (options !== undefined) {
      orderType = options.orderType ?? 'market';
      limitPrice = options.limitPrice;
    }
    if (!Number.isFinite(quantity)) this.invalid(`target quantity must be finite, got ${quantity}`, symbol);
    if (orderType === 'limit' && limitAt === undefined) {
      const ok = limitPrice !== undefined && Number.isFinite(limitPrice) && limitPrice > 0;
      if (!ok) this.invalid(`a limit target needs a positive limit price, got ${limitPrice}`, symbol);
    } else if (limitPrice !== undefined) {
      this.invalid(`a market target takes no limit price, got ${limitPrice}`, symbol);
    }
    if (timeoutUs !== undefined && !(Number.isSafeInteger(timeoutUs) && timeoutUs > 0)) {
      this.invalid(`a limit timeout must be a positive integer of µs, got ${timeoutUs}`, symbol);
    }
    const instrument = this.named(symbol);
    const target = quantity + 0; // -0 becomes 0: a target of "minus nothing" is no change
    if (
      target === instrument.target &&
      orderType === instrument.orderType &&
      limitPrice === instrument.limitPrice &&
      limitAt === instrument.limitAt &&
      timeoutUs === instrument.timeoutUs
    ) {
      return false;
    }
    instrument.target = target;
    instrument.orderType = orderType;
    instrument.limitPrice = limitPrice;
    instrument.limitAt = limitAt;
    instrument.timeoutUs = timeoutUs;
    this.signals++;
    const position: TargetPosition = {
      type: 'target',
      exchange: instrument.exchange,
      symbol: instrument.symbol,
      ts: this.ctx.clock.now(),
      strategy: this.name,
      target,
      orderType,
      limitPrice,
      limitAt,
      timeoutUs,
      cause: this.current === null ? undefined : recordRef(this.current),
    };
    this.ctx.publish(instrument.topic, position);
    return true;
  }

  currentTarget(symbol: string): number {
    return this.named(symbol).target;
  }

  book(symbol: string): BookReader | undefined {
    const key = symbol.includes(':') ? parseInstrumentKey(symbol) : undefined;
    const view = key === undefined ? this.books.get(this.exchange)?.get(symbol) : this.books.get(key.exchange)?.get(key.symbol);
    return view !== undefined && view.snapshot.valid ? view : undefined;
  }

  position(symbol: string): number {
    return this.execution.position(this.keyOf(symbol));
  }

  openOrders(symbol: string): readonly Order[] {
    return this.execution.openOrders(this.keyOf(symbol));
  }

  /** Counters and current targets, instruments sorted by exchange then symbol. */
  stats(): StrategyStats {
    const targets: { exchange: string; symbol: string; target: number }[] = [];
    for (const bySymbol of this.byExchange.values()) {
      for (const i of bySymbol.values()) targets.push({ exchange: i.exchange, symbol: i.symbol, target: i.target });
    }
    targets.sort((a, b) => compare(a.exchange, b.exchange) || compare(a.symbol, b.symbol));
    return { strategy: this.name, signals: this.signals, bars: this.bars, trades: this.trades, targets, warmUp: this.warmUpStats() };
  }

  /** Warm-up progress of the instruments fed, when the spec states a warm-up. */
  private warmUpStats(): StrategyStats['warmUp'] {
    if (this.handlers.warmUp === undefined) return undefined;
    const needed = this.handlers.warmUp(this.params);
    const instruments: { exchange: string; symbol: string; inputs: number; warm: boolean }[] = [];
    for (const bySymbol of this.byExchange.values()) {
      for (const i of bySymbol.values()) if (i.peak > 0) instruments.push({ exchange: i.exchange, symbol: i.symbol, inputs: i.peak, warm: i.peak >= needed });
    }
    instruments.sort((a, b) => compare(a.exchange, b.exchange) || compare(a.symbol, b.symbol));
    return { needed, instruments };
  }

  /**
   * Validates `input` and makes it the params of the next handler call, or refuses with the old
   * params kept: when the schema refuses it, or when a param `init` reads changed (instrument states
   * are built from those; a restart applies them). Instrument states, targets and counters are kept.
   */
  reconfigure(input: unknown): StrategyReconfigureResult {
    if (this.rules === undefined) return { ok: false, detail: `strategy ${this.handlers.name} cannot be reconfigured` };
    const parsed = this.rules.parse(input);
    if (!parsed.ok) return parsed;
    const before = this.params as Readonly<Record<string, unknown>>;
    const after = parsed.params as Readonly<Record<string, unknown>>;
    const changed = this.rules.initParams.filter((key) => !isDeepStrictEqual(before[key], after[key]));
    if (changed.length > 0) {
      const what = changed.map((key) => `${key} (${JSON.stringify(before[key])} -> ${JSON.stringify(after[key])})`).join(', ');
      return { ok: false, detail: `strategy ${this.handlers.name}: ${what} read by init() to build each instrument's state (its indicators); a restart applies a change, params kept` };
    }
    this.params = after;
    return RECONFIGURED;
  }

  /** Keeps the last targets and counters for the next incarnation of the actor `self`. */
  carryOver(self: ActorRef<never>): void {
    const targets: Carried['targets'][number][] = [];
    const peaks: Carried['peaks'][number][] = [];
    for (const bySymbol of this.byExchange.values()) {
      for (const i of bySymbol.values()) {
        if (i.peak > 0) peaks.push({ exchange: i.exchange, symbol: i.symbol, peak: i.peak });
        if (i.target !== 0 || i.orderType !== 'market') {
          targets.push({ exchange: i.exchange, symbol: i.symbol, target: i.target, orderType: i.orderType, limitPrice: i.limitPrice, limitAt: i.limitAt, timeoutUs: i.timeoutUs });
        }
      }
    }
    carried.set(self, { params: this.params, signals: this.signals, bars: this.bars, trades: this.trades, targets, peaks, execution: this.execution });
  }

  private restore(kept: Carried): void {
    this.params = kept.params;
    this.signals = kept.signals;
    this.bars = kept.bars;
    this.trades = kept.trades;
    this.execution = kept.execution;
    for (const t of kept.targets) {
      const instrument = this.instrument(t.exchange, t.symbol);
      instrument.target = t.target;
      instrument.orderType = t.orderType;
      instrument.limitPrice = t.limitPrice;
      instrument.limitAt = t.limitAt;
      instrument.timeoutUs = t.timeoutUs;
    }
    for (const p of kept.peaks) this.instrument(p.exchange, p.symbol).peak = p.peak;
  }

  /** Any fill moves its instrument's position; only this strategy's own fills go to `onFill`. */
  private onFillReport(report: FillReport): void {
    // The change the fill made to its order first (`onOrder` before `onFill`, as it was published).
    if (report.order !== undefined) this.onOrderUpdate(report.order);
    if (!this.execution.applyFill(report) || this.handlers.onFill === undefined) return;
    const fill = report.fill;
    const instrument = this.enter(fill.exchange, fill.symbol);
    const next = this.handlers.onFill(instrument.state, fill, this);
    if (next !== undefined) instrument.state = next;
  }

  /** Keeps this strategy's open orders (another's are ignored), then calls `onOrder`. */
  private onOrderUpdate(update: OrderUpdate): void {
    const times = this.execution.applyOrder(update);
    if (times === undefined || this.handlers.onOrder === undefined) return;
    const instrument = this.enter(update.order.exchange, update.order.symbol);
    const next = this.handlers.onOrder(instrument.state, orderOfChange(update, times), this);
    if (next !== undefined) instrument.state = next;
  }

  /** The instrument key a handler names: a symbol on the current exchange, or an `exchange:SYMBOL` key. */
  private keyOf(name: string): string {
    const key = name.includes(':') ? parseInstrumentKey(name) : undefined;
    return key === undefined ? instrumentKey(this.exchange, name) : instrumentKey(key.exchange, key.symbol);
  }

  private keepBook(snapshot: BookSnapshot): void {
    let bySymbol = this.books.get(snapshot.exchange);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.books.set(snapshot.exchange, bySymbol);
    }
    const view = bySymbol.get(snapshot.symbol);
    if (view === undefined) bySymbol.set(snapshot.symbol, new BookView(snapshot));
    else view.snapshot = snapshot;
  }

  private accepts(exchange: string, symbol: string): boolean {
    const config = this.config;
    return (config.exchange === undefined || exchange === config.exchange) && (this.symbols === undefined || this.symbols.has(symbol));
  }

  /** Makes `exchange` current and returns the instrument, its state created on first use. */
  private enter(exchange: string, symbol: string): Instrument {
    this.exchange = exchange;
    const instrument = this.instrument(exchange, symbol);
    if (!instrument.started) {
      instrument.state = this.handlers.init(this.params);
      instrument.started = true;
      instrument.seen = 0;
    }
    return instrument;
  }

  /** The instrument a handler names: a symbol on the current exchange, or an `exchange:SYMBOL` key. */
  private named(name: string): Instrument {
    // Symbols hold no colon: a name with one is an instrument key (checked first, no allocation).
    if (name.includes(':')) {
      const key = parseInstrumentKey(name);
      if (key !== undefined) return this.instrument(key.exchange, key.symbol);
    }
    return this.instrument(this.exchange, name);
  }

  private instrument(exchange: string, symbol: string): Instrument {
    const last = this.last;
    if (last !== undefined && last.symbol === symbol && last.exchange === exchange) return last;
    let bySymbol = this.byExchange.get(exchange);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.byExchange.set(exchange, bySymbol);
    }
    let instrument = bySymbol.get(symbol);
    if (instrument === undefined) {
      instrument = new Instrument(exchange, symbol);
      bySymbol.set(symbol, instrument);
    }
    this.last = instrument;
    return instrument;
  }

  private invalid(message: string, symbol: string): never {
    throw new TickflowError('ORDER_INVALID', `${this.name}: ${message}`, { actor: this.ctx.self.path, exchange: this.exchange, symbol });
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
