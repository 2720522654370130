/**
 * What the daemon's HTTP routes read about the running engine: readiness checks and the trading
 * figures for `/metrics`. Scrapes and probes are synchronous reads of plain data, while the engine
 * answers only by `ask`, so a poller asks execution, risk and the books on a period and keeps the
 * last answers; a probe never waits on an actor, and a stuck actor shows as stale data, not as a
 * hung probe.
 */
import type { BooksStats } from '../../actors/books/book-actor.js';
import { BOOKS_STATS } from '../../actors/books/book-actor.js';
import type { ExecutionSnapshot } from '../../actors/execution/orders/execution-actor.js';
import type { RiskStats } from '../../actors/risk/risk-actor.js';
import { TRADING_STATES } from '../../actors/risk/trading-state.js';
import type { ReadinessCheck } from '../io/http/health-report.js';
import type { TradingMetricsView } from '../io/metrics/trading-metrics-view.js';
import type { TradingPipeline } from './trading-pipeline.js';

/** The last answers of the engine's actors, refreshed by `start`. */
export class EngineViews {
  execution: ExecutionSnapshot | undefined;
  risk: RiskStats | undefined;
  books: BooksStats | undefined;
  /** Asks that failed or timed out in a row (the engine is stuck or stopping). */
  misses: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly pipeline: TradingPipeline,
    private readonly timeoutUs: number,
  ) {
    this.execution = undefined;
    this.risk = undefined;
    this.books = undefined;
    this.misses = 0;
    this.timer = undefined;
  }

  /** Refreshes now and then every `periodMs`. */
  start(periodMs: number): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), periodMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  async refresh(): Promise<void> {
    const options = { timeout: this.timeoutUs };
    try {
      const [execution, risk, books] = await Promise.all([
        this.pipeline.execution.ask<ExecutionSnapshot>({ type: 'exec_snapshot' }, options),
        this.pipeline.risk.ask<RiskStats>({ type: 'risk_stats' }, options),
        this.pipeline.books.ask<BooksStats>(BOOKS_STATS, options),
      ]);
      this.execution = execution;
      this.risk = risk;
      this.books = books;
      this.misses = 0;
    } catch {
      this.misses++;
    }
  }

  /** The trading figures for `/metrics`, or `undefined` before the first answer. */
  trading(): TradingMetricsView | undefined {
    const execution = this.execution;
    const risk = this.risk;
    if (execution === undefined || risk === undefined) return undefined;
    const p = execution.portfolio;
    const positions: Record<string, number> = {};
    for (const [key, position] of Object.entries(p.positions)) positions[key] = Number(position.quantity);
    return {
      ordersByState: execution.ordersByStatus,
      denialsByReason: risk.denials as Record<string, number>,
      tradingState: risk.state,
      tradingStates: TRADING_STATES,
      positions,
      currency: 'quote',
      realizedPnl: Number(p.realizedPnl),
      unrealizedPnl: Number(p.unrealizedPnl),
      equity: Number(p.equity),
    };
  }

  /** Readiness of the books (every book valid) and of the engine (answering its asks). */
  checks(depth: boolean): ReadinessCheck[] {
    const out: ReadinessCheck[] = [{ name: 'engine', ok: this.misses < 3 && this.risk !== undefined, detail: this.misses === 0 ? 'answering' : `${this.misses} asks unanswered in a row` }];
    if (depth) {
      const books = this.books?.books ?? [];
      const invalid = books.filter((b) => !b.valid).map((b) => `${b.exchange}:${b.symbol}`);
      out.push({ name: 'books', ok: books.length > 0 && invalid.length === 0, detail: books.length === 0 ? 'no book synced yet' : invalid.length === 0 ? `${books.length} valid` : `not valid: ${invalid.join(', ')}` });
    }
    return out;
  }
}
