/**
 * tickflow's public entry: one explicit list, grouped by topic (STYLE.md, rule 2). Everything a
 * user composes an engine from is here; internals (cells, the dispatcher, parsers' helpers) are not.
 */

// ---- Runtime: actors, supervision, clocks, bus --------------------------------------------
export { defineActor, defineSupervisor } from './runtime/actor.js';
export type { ActorClock, ActorContext, ActorDefinition, ActorRef, ChildSpec, PipeOutcome, SpawnOptions } from './runtime/actor.js';
export { ActorSystem, createActorSystem } from './runtime/actor-system.js';
export type { ActorSystemOptions, Termination } from './runtime/actor-system.js';
export { LiveClock, SimulatedClock, MILLISECOND, SECOND, MINUTE, HOUR } from './runtime/clock.js';
export type { Clock } from './runtime/clock.js';
export { defaultMailbox } from './runtime/mailbox.js';
export type { MailboxConfig, OverflowPolicy } from './runtime/mailbox.js';
export { defaultSupervision } from './runtime/supervision.js';
export type { Directive, RestartType, SupervisionPolicy, SupervisionStrategy } from './runtime/supervision.js';
export { noBackoff } from './runtime/backoff.js';
export type { BackoffPolicy } from './runtime/backoff.js';
export type { DeadLetter, DeadLetterReason } from './runtime/dead-letters.js';
export type { ActorSnapshot } from './runtime/inspection.js';
export { MAX_TRACE_DEPTH, Trace } from './runtime/trace.js';
export type { TraceSink } from './runtime/trace.js';
export { createRandom } from './runtime/random.js';
export type { Random } from './runtime/random.js';
export { TickflowError, isTickflowError } from './runtime/errors.js';
export type { TickflowErrorCode } from './runtime/errors.js';
export type { Logger } from './runtime/logger.js';

// ---- Model: records, instruments, money, orders ---------------------------------------------
export { topicOf } from './model/records.js';
export type { BookChange, BookLevel, BookTicker, DepthSnapshot, MarketRecord, MarketRecordType, Side, Trade, TradeBar } from './model/records.js';
export { MarketRecordSchema } from './model/schemas.js';
export { decodeRecord, encodeRecord } from './model/journal-codec.js';
export { createInstrument, inferInstrument, priceToTicks, sizeToLots, formatPrice, formatSize } from './model/instrument.js';
export type { Instrument } from './model/instrument.js';
export { instrumentKey, parseInstrumentKey } from './model/instrument-key.js';
export { formatUnits, parseDecimal, toUnits, divHalfEven, productUnits } from './model/money.js';
export { createOrder, applyOrderEvent, orderOfChange, orderView, LiveOrder } from './model/order.js';
export type { NewOrder, Order, OrderChange, OrderEvent, OrderSide, OrderStatus, OrderTerms, OrderType } from './model/order.js';
export { ORDER_TRANSITIONS } from './model/order-transitions.js';
export type { Fill } from './model/fill.js';
export { signalTopic } from './model/signal.js';
export { recordRef } from './model/record-ref.js';
export type { TargetPosition } from './model/signal.js';
export { parseDuration, formatDuration, durationSchema, microsecondsSchema } from './model/duration.js';
export { OrderBook } from './model/order-book.js';
export type { BookApplyResult, BookReader, BookSnapshot } from './model/order-book.js';

// ---- Streams: sources, replay, operators ----------------------------------------------------
export { openSource, openDataArgs } from '../streams/open-source.js';
export { createMergedSource } from '../streams/merge-sources.js';
export type { RecordSource, SourceStats } from '../streams/record-source.js';
export { replay } from '../streams/replay-driver.js';
export type { Pacer, ReplayOptions, ReplayResult } from '../streams/replay-driver.js';
export { pumpSource } from '../streams/source-bridge.js';
export { observeTopic } from '../streams/observe-topic.js';
export { createSimulatedMarket } from '../streams/simulated-market.js';
export { SOURCE_FORMATS, createSourceFormatRegistry, parseSourceFormat } from '../streams/source-format.js';
export type { SourceFormat, SourceFormatRegistry } from '../streams/source-format.js';
export { SOURCE_FORMAT_DEFINITIONS } from '../streams/source-format-definitions.js';
export type { DecoderOptions, FormatDetection, SourceFormatDefinition } from '../streams/source-format-definition.js';
export { bars } from '../streams/operators/bars.js';
export { parseBarSpec } from '../streams/operators/bar-spec.js';
export { createBarAggregator } from '../streams/operators/bar-aggregator.js';
export { decodeBinanceLines } from '../streams/operators/decode-binance-lines.js';
export { decodeLines } from '../streams/operators/decode-lines.js';

// ---- Live feeds: Binance sockets, REST polling, the fallback chain ------------------------------
export { createBinanceFeed } from '../streams/live/binance-feed.js';
export type { BinanceFeed } from '../streams/live/binance-feed.js';
export type { BinanceFeedOptions, FeedRawTap } from '../streams/live/binance-feed-options.js';
export { liveFeedTimers } from '../streams/live/feed-timers.js';
export type { FeedTimers } from '../streams/live/feed-timers.js';
export type { FeedStats as BinanceFeedStats } from '../streams/live/feed-stats.js';
export { createBookTickerPoller } from '../streams/live/book-ticker-poller.js';
export { createFallbackFeed } from '../streams/live/fallback-feed.js';
export { createBinanceFallbackFeed, binanceFallbackSources, DEFAULT_BINANCE_FALLBACK_BREAKER } from '../streams/live/binance-fallback-feed.js';
export type { BinanceFallbacks, BinanceFallbackFeedOptions, BinanceEndpoint, BinancePollFallback } from '../streams/live/binance-fallback-feed.js';
export type { FallbackFeed } from '../streams/live/fallback-feed.js';
export type { FallbackFeedSource, SourceLink } from '../streams/live/fallback-feed-source.js';
export { FallbackChain } from '../streams/live/fallback-chain.js';
export { CircuitBreaker } from '../streams/live/circuit-breaker.js';
export { feedActor } from '../actors/feeds/feed-actor.js';
export { createFeedHandle } from '../actors/feeds/feed-handle.js';
export type { FeedHandle } from '../actors/feeds/feed-handle.js';
export { feedsSupervisor } from '../actors/feeds/feeds-supervisor.js';

// ---- Indicators --------------------------------------------------------------------------
export { SMA } from '../actors/indicators/sma.js';
export { EMA } from '../actors/indicators/ema.js';
export { WMA } from '../actors/indicators/wma.js';
export { RSI } from '../actors/indicators/rsi.js';
export { MACD } from '../actors/indicators/macd.js';
export { BollingerBands } from '../actors/indicators/bollinger-bands.js';
export { ATR } from '../actors/indicators/atr.js';
export { VWAP } from '../actors/indicators/vwap.js';
export { RollingVWAP } from '../actors/indicators/rolling-vwap.js';
export { RollingStdDev } from '../actors/indicators/rolling-std-dev.js';
export { ZScore } from '../actors/indicators/z-score.js';
export { OBV } from '../actors/indicators/obv.js';
export type { StreamingIndicator } from '../actors/indicators/streaming-indicator.js';
export { indicatorActor, indicatorTopic } from '../actors/indicators/indicator-actor.js';
export type { BarField, IndicatorActorConfig, IndicatorValue } from '../actors/indicators/indicator-actor.js';

// ---- Strategies and trading actors ------------------------------------------------------------
export { defineStrategy } from '../actors/strategies/define-strategy.js';
// A strategy's params schema must come from the zod the engine validates with: this one.
export { z } from 'zod';
export type { StrategyDefinition, StrategySpec } from '../actors/strategies/define-strategy.js';
export { STRATEGY_STATS } from '../actors/strategies/strategy-api.js';
export type { StrategyApi, StrategyMessage, StrategyStats, TargetOptions } from '../actors/strategies/strategy-api.js';
export { bookActor, BOOKS_STATS } from '../actors/books/book-actor.js';
export type { BookStats, BooksStats } from '../actors/books/book-actor.js';
export { RISK_OK, RISK_REASONS } from '../actors/risk/risk-reason.js';
export type { RiskReason, RiskVerdict, KillSwitchReason } from '../actors/risk/risk-reason.js';
export { TRADING_STATES } from '../actors/risk/trading-state.js';
export type { TradingState, RiskStateEvent } from '../actors/risk/trading-state.js';
export type { ApproveOrder, CancelOrder, FillReport, OrderDenied, OrderRequest, OrderUpdate, RejectOrder } from '../actors/execution/execution-messages.js';
// The built-ins, read-only: a user's own strategy is passed to `runBacktest` as a value, not registered.
export { getStrategy, listStrategies } from '../actors/strategies/strategies.js';
export type { StrategyInfo } from '../actors/strategies/strategies.js';
export { barsActor } from '../actors/bars/bars-actor.js';
export { plannerActor } from '../actors/execution/planner/planner-actor.js';
export { riskActor } from '../actors/risk/risk-actor.js';
export { executionActor } from '../actors/execution/orders/execution-actor.js';
export { paperVenueActor } from '../actors/execution/venues/paper/paper-venue-actor.js';
export { createPaperVenue } from '../actors/execution/venues/paper/paper-venue.js';
export { venueTopic } from '../actors/execution/venues/venue.js';
export type { VenueCancel, VenueCommand, VenueDefinition, VenueReport, VenueSetup, VenueSubmit } from '../actors/execution/venues/venue.js';
export type { VenueEvent, VenueReasonCode, FillSource } from '../actors/execution/venues/venue-events.js';
export { VENUES, DEFAULT_VENUE, venueNamed } from '../actors/execution/venues/venues.js';
export { DEFAULT_ACCOUNT_TYPES, accountTermsOf } from '../actors/execution/venues/paper/paper-account.js';
export type { AccountRefusal, AccountSnapshot, AccountType, ResolvedAccountTerms } from '../actors/execution/venues/paper/paper-account.js';
export { currencyPairOf } from './model/currency-pair.js';
export type { CurrencyPair } from './model/currency-pair.js';
export { Portfolio } from '../actors/execution/orders/portfolio.js';
export { OrderRegistry } from '../actors/execution/orders/order-registry.js';
export { createRiskGuard } from '../actors/risk/risk-guard.js';
export { riskChecks } from '../actors/risk/risk-checks.js';
export type { RiskCheck, RiskCheckConfig, RiskCheckContext, RiskConfigKey } from '../actors/risk/risk-check.js';

// ---- IO: local exchange, journal segments -----------------------------------------------------
export { createFeedServer } from './io/feed-server/feed-server.js';
export type { FeedServer } from './io/feed-server/feed-server.js';
export type { FeedServerOptions } from './io/feed-server/feed-server-options.js';
export { parseFaultSpec } from './io/feed-server/fault-spec.js';
export { createSegmentWriter } from './io/journal/segment-writer.js';
export { startRecording, RECORDING_DEFAULTS } from './io/journal/recording.js';
export type { Recording, RecordingOptions } from './io/journal/recording.js';
export { createRawCaptureWriter } from './io/journal/raw-capture-writer.js';
export { createGateway } from './io/gateway/gateway.js';
export type { Gateway } from './io/gateway/gateway.js';
export type { GatewayOptions } from './io/gateway/gateway-options.js';
export type { AuditEntry, CommandResult, GatewayCommands } from './io/gateway/gateway-commands.js';
export type { GatewayStats } from './io/gateway/gateway-stats.js';
export { generateToken } from './io/gateway/token-check.js';
export { ownOrigins } from './io/gateway/origin-check.js';
export { createHttpServer } from './io/http/http-server.js';
export { createDashboard } from './io/dashboard/dashboard.js';
export type { HttpServer } from './io/http/http-server.js';
export { createEngineMetrics } from './io/metrics/engine-metrics.js';
export type { EngineMetrics } from './io/metrics/engine-metrics.js';
export { liveFeedMetricsView, fallbackFeedMetricsView } from './io/metrics/feed-metrics-view.js';
export type { SegmentWriterOptions } from './io/journal/segment-writer.js';

// ---- Persistence: the write-ahead journal, recovery, PostgreSQL and Redis projections --------
export { openWal, readWal } from './io/journal/wal.js';
export type { Wal, WalOptions, WalReader, WalStats, WalFsyncPolicy } from './io/journal/wal.js';
export { recoverTrading } from './io/journal/wal-recovery.js';
export type { RecoveredTrading } from './model/trading-recovery.js';
export type { WalEntry, WalEntryKind } from './model/wal-entry.js';
export { projectionActor } from '../actors/persistence/projection-actor.js';
export type { ProjectionSink, ProjectionSource } from '../actors/persistence/projection-ports.js';
export type { ProjectionStatus } from '../actors/persistence/projection-status.js';
export { migrate } from './io/postgres/migrate.js';
export { createPostgresSink } from './io/postgres/postgres-sink.js';
export { createRedisSink } from './io/redis/redis-sink.js';
export { createTcpProxy } from './io/net/tcp-proxy.js';
export type { TcpProxy } from './io/net/tcp-proxy.js';

// ---- Application -----------------------------------------------------------------------------
export { spawnTradingPipeline, PIPELINE_PATHS } from './app/trading-pipeline.js';
export type { PipelineSpec, TradingPipeline } from './app/trading-pipeline.js';
export { TRADING_SUPERVISION, MARKET_SUPERVISION, MARKET_BACKOFF, PIPELINE_SUPERVISION, BACKTEST_ROOT_SUPERVISION } from './app/pipeline-supervision.js';
export { runBacktest, backtestFailureOf } from './app/backtest.js';
export { createBacktestRequest } from './app/backtest-request.js';
export type { BacktestOptions } from './app/backtest-request.js';
export type { AnyStrategyDefinition, BacktestComponents } from './app/backtest-components.js';
export { buildReport, writeReport, writeFailure, formatSummary, REPORT_FILES, FAILURE_FILE } from './app/report.js';
// report.html (README: The HTML report): the same page writeReport writes, as a string.
export { buildReportHtml, REPORT_HTML_FILE } from './app/report-html/report-html.js';
export type { PriceCandles, CandleSource } from './app/report-html/candle-recorder.js';
// Backtest metrics (README: Backtest metrics): pure functions of an equity curve and fills.
export { computeMetrics } from './app/metrics/backtest-metrics.js';
export type { BacktestMetrics, MetricsInput } from './app/metrics/backtest-metrics.js';
export { metricsReport } from './app/metrics/metrics-report.js';
export { equityCsv } from './app/metrics/equity-csv.js';
export type { EquityCurve, EquitySample } from './app/metrics/equity-curve.js';
export type { RoundTrip, RoundTrips } from './app/metrics/round-trips.js';
export { startLiveTrading } from './app/live-trading.js';
export { startDaemon } from './app/daemon.js';
export type { Daemon } from './app/daemon.js';
export type { LiveTrading, LiveTradingRequest } from './app/live-trading.js';
export type { BacktestFailure, BacktestInput, BacktestOutcome, BacktestRequest } from './app/backtest.js';
export { loadConfig, parseConfig, TickflowConfig } from './app/config.js';
export { createConfig } from './app/create-config.js';
export type { TickflowConfigInput } from './app/create-config.js';
