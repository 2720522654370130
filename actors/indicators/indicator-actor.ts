/**
 * The indicator actor: runs any streaming indicator on closed bars and publishes its values on the
 * bus, for consumers that do not own indicators themselves (the gateway, dashboards). Strategies
 * own their indicators instead (no join across actors).
 */
import { z } from 'zod';
import type { TradeBar } from '../../src/model/records.js';
import { defineActor, type ConfigSchema } from '../../src/runtime/actor.js';
import { TickflowError } from '../../src/runtime/errors.js';
import type { StreamingIndicator } from './streaming-indicator.js';

/** The bar field fed to a number-input indicator. */
export type BarField = 'open' | 'high' | 'low' | 'close' | 'volume' | 'vwap';

/** An indicator value on the bus, at `ind.<exchange>.<symbol>.<name>`. */
export interface IndicatorValue<T = unknown> {
  readonly type: 'indicator';
  readonly exchange: string;
  readonly symbol: string;
  /** The bar's `ts` and `tsRecv` (a value is known when its bar closed). */
  readonly ts: number;
  readonly tsRecv: number;
  /** The bar's interval (`1m`, `100t`). */
  readonly interval: string;
  /** The indicator actor's `name`, the topic's last segment. */
  readonly name: string;
  readonly value: T;
}

/** Bus topic of an indicator value: `ind.<exchange>.<symbol>.<name>`. */
export function indicatorTopic(exchange: string, symbol: string, name: string): string {
  return `ind.${exchange}.${symbol}.${name}`;
}

/** Config of the indicator actor, as given at spawn. */
export type IndicatorActorConfig = {
  /** One topic segment naming the series, e.g. `ema20`. */
  readonly name: string;
  /** Only these symbols (all when absent). */
  readonly symbols?: readonly string[];
  /** Only this exchange (all when absent). */
  readonly exchange?: string;
  /** First segment(s) of market-data topics (default `md`). */
  readonly topicPrefix?: string;
  /** Only bars of this interval (all when absent). */
  readonly interval?: string;
} & (
  | {
      /** Makes one indicator; called once per instrument. */
      readonly create: () => StreamingIndicator<number, unknown>;
      /** The bar field fed to the indicator (default `close`). */
      readonly input?: BarField;
    }
  | {
      readonly create: () => StreamingIndicator<TradeBar, unknown>;
      /** `bar`: the whole bar (ATR, VWAP, OBV). */
      readonly input: 'bar';
    }
);

/** The inspection message: the actor replies with `{ bars, published }`. */
export interface IndicatorStatsRequest {
  readonly type: 'indicator_stats';
}

type Message = TradeBar | IndicatorStatsRequest | { readonly type: string };

interface Parsed {
  readonly name: string;
  readonly create: () => StreamingIndicator<unknown, unknown>;
  readonly input: BarField | 'bar';
  readonly symbols: readonly string[] | undefined;
  readonly exchange: string | undefined;
  readonly topicPrefix: string;
  readonly interval: string | undefined;
}

/** Per instrument: its indicator and its output topic, built once. */
interface Series {
  readonly indicator: StreamingIndicator<unknown, unknown>;
  readonly topic: string;
}

interface State {
  readonly config: Parsed;
  readonly symbols: ReadonlySet<string> | undefined;
  readonly series: Map<string, Map<string, Series>>;
  bars: number;
  published: number;
}

const segment = z.string().regex(/^[^.\s]+$/, 'must be one topic segment (no dots or spaces)');

const IndicatorActorConfigSchema = z
  .object({
    name: segment,
    create: z.custom<() => StreamingIndicator<unknown, unknown>>((v) => typeof v === 'function', 'must be a function returning an indicator'),
    input: z.enum(['open', 'high', 'low', 'close', 'volume', 'vwap', 'bar']).default('close'),
    symbols: z.array(segment).min(1).optional(),
    exchange: segment.optional(),
    topicPrefix: z.string().min(1).default('md'),
    interval: z.string().min(1).optional(),
  })
  .strict();

const configSchema: ConfigSchema<IndicatorActorConfig> = {
  parse(input: unknown): IndicatorActorConfig {
    const result = IndicatorActorConfigSchema.safeParse(input);
    if (!result.success) {
      throw new TickflowError('CONFIG_INVALID', `invalid config for indicator actor:\n${z.prettifyError(result.error)}`, {
        actor: 'indicator',
        issues: result.error.issues,
      });
    }
    // The kernel types config once, as given at spawn; `init` receives this parsed form.
    return result.data as unknown as IndicatorActorConfig;
  },
};

/**
 * Runs one indicator per instrument (made by `create`, on the instrument's first bar) over closed
 * bars from `<topicPrefix>.<exchange>.<symbol>.trade_bar`, feeding it the `input` field (or the
 * whole bar), and publishes each defined value as an `IndicatorValue` on
 * `ind.<exchange>.<symbol>.<name>`; nothing is published while the indicator warms up. Subscribes
 * exactly to each symbol's bar topic when `exchange` and `symbols` are given, else to the wider
 * prefix, filtering by type. Config is validated at spawn (`CONFIG_INVALID`).
 *
 * Restart keeps nothing: indicators re-warm from fresh, and publish again once warm. A throwing
 * indicator (a non-finite input) fails the actor like any error.
 */
export const indicatorActor = defineActor<IndicatorActorConfig, State, Message>({
  name: 'indicator',
  config: configSchema,
  init(config) {
    const parsed = config as unknown as Parsed;
    return { config: parsed, symbols: parsed.symbols && new Set(parsed.symbols), series: new Map(), bars: 0, published: 0 };
  },
  onStart(state, ctx) {
    const { topicPrefix, exchange, symbols } = state.config;
    if (exchange === undefined) ctx.subscribe(topicPrefix);
    else if (symbols === undefined) ctx.subscribe(`${topicPrefix}.${exchange}`);
    else for (const symbol of symbols) ctx.subscribe(`${topicPrefix}.${exchange}.${symbol}.trade_bar`);
    return state;
  },
  receive(state, message, ctx) {
    if (message.type === 'indicator_stats') {
      ctx.reply({ bars: state.bars, published: state.published });
      return state;
    }
    if (message.type !== 'trade_bar') return state;
    const bar = message as TradeBar;
    const config = state.config;
    if (config.exchange !== undefined && bar.exchange !== config.exchange) return state;
    if (state.symbols !== undefined && !state.symbols.has(bar.symbol)) return state;
    if (config.interval !== undefined && bar.interval !== config.interval) return state;
    state.bars++;
    const series = seriesOf(state, bar.exchange, bar.symbol);
    const value = series.indicator.update(config.input === 'bar' ? bar : bar[config.input]);
    if (value === undefined) return state;
    const out: IndicatorValue = {
      type: 'indicator',
      exchange: bar.exchange,
      symbol: bar.symbol,
      ts: bar.ts,
      tsRecv: bar.tsRecv,
      interval: bar.interval,
      name: config.name,
      value,
    };
    state.published++;
    ctx.publish(series.topic, out);
    return state;
  },
});

function seriesOf(state: State, exchange: string, symbol: string): Series {
  let bySymbol = state.series.get(exchange);
  if (bySymbol === undefined) {
    bySymbol = new Map();
    state.series.set(exchange, bySymbol);
  }
  let series = bySymbol.get(symbol);
  if (series === undefined) {
    series = { indicator: state.config.create(), topic: indicatorTopic(exchange, symbol, state.config.name) };
    bySymbol.set(symbol, series);
  }
  return series;
}
