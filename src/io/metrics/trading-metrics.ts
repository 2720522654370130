/**
 * The trading metric families: orders by state, risk denials by reason, the trading state,
 * positions, PnL and equity. All empty while the trading port answers `undefined` (not trading),
 * so a market-data-only daemon exports no misleading zeros.
 *
 * The trading state is one series per state, 1 for the current one and 0 for the others (the
 * Prometheus enum idiom): states are names, not an order, and `tickflow_trading_state{state="HALTED"}
 * == 1` reads as what it means.
 */
import type { Registry } from 'prom-client';
import type { EngineScrape } from './scrape-reader.js';
import { scrapedCounter, scrapedGauge } from './scraped-metric.js';
import type { TradingMetricsView } from './trading-metrics-view.js';

/** The money gauges, each read from one `TradingMetricsView` field, labelled by currency. */
const MONEY_GAUGES: readonly { readonly name: string; readonly field: 'realizedPnl' | 'unrealizedPnl' | 'equity'; readonly help: string }[] = [
  { name: 'tickflow_realized_pnl', field: 'realizedPnl', help: 'Realized PnL since start, in quote currency units.' },
  { name: 'tickflow_unrealized_pnl', field: 'unrealizedPnl', help: 'Unrealized PnL of the open positions at the last marks, in quote currency units.' },
  { name: 'tickflow_equity', field: 'equity', help: 'Account equity (cash plus marked positions), in quote currency units.' },
];

/** Registers the trading families on `registry`, filled from `read().trading` at each scrape. */
export function registerTradingMetrics(registry: Registry, read: () => EngineScrape): void {
  scrapedGauge({
    registry,
    name: 'tickflow_orders',
    help: 'Orders in each state now.',
    labelNames: ['state'],
    read,
    values: (s, emit) => entries(s.trading?.ordersByState, (state, n) => emit({ state }, n)),
  });
  scrapedCounter({
    registry,
    name: 'tickflow_risk_denials_total',
    help: 'Orders denied by the risk guard, by reason.',
    labelNames: ['reason'],
    read,
    values: (s, emit) => entries(s.trading?.denialsByReason, (reason, n) => emit({ reason }, n)),
  });
  scrapedGauge({
    registry,
    name: 'tickflow_trading_state',
    help: 'Trading state of the risk guard: 1 for the current state, 0 for the others.',
    labelNames: ['state'],
    read,
    values: (s, emit) => {
      const t = s.trading;
      if (t === undefined) return;
      for (const state of t.tradingStates) emit({ state }, state === t.tradingState ? 1 : 0);
      // A state missing from the list is still shown: the current state is never hidden.
      if (!t.tradingStates.includes(t.tradingState)) emit({ state: t.tradingState }, 1);
    },
  });
  scrapedGauge({
    registry,
    name: 'tickflow_position',
    help: 'Net position per instrument (exchange:SYMBOL), signed, in base units.',
    labelNames: ['instrument'],
    read,
    values: (s, emit) => entries(s.trading?.positions, (instrument, q) => emit({ instrument }, q)),
  });
  for (const { name, field, help } of MONEY_GAUGES) {
    scrapedGauge({
      registry,
      name,
      help,
      labelNames: ['currency'],
      read,
      values: (s, emit) => {
        const t: TradingMetricsView | undefined = s.trading;
        if (t !== undefined) emit({ currency: t.currency }, t[field]);
      },
    });
  }
}

function entries(record: Readonly<Record<string, number | undefined>> | undefined, visit: (key: string, value: number) => void): void {
  if (record === undefined) return;
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (value !== undefined) visit(key, value);
  }
}
