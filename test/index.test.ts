import { describe, expect, it } from 'vitest';
import * as tickflow from '../src/index.js';

describe('public entry', () => {
  it('exports the indicators, the runtime and the backtest by name', () => {
    expect(new tickflow.EMA(3).update(1)).toBeUndefined();
    for (const name of ['createActorSystem', 'defineActor', 'defineStrategy', 'runBacktest', 'replay', 'openSource', 'SMA', 'RSI', 'MACD', 'OBV', 'parseDuration', 'OrderBook', 'spawnTradingPipeline']) {
      expect(typeof (tickflow as Record<string, unknown>)[name]).toBe('function');
    }
  });

  it('exports what an extender composes with: reason codes, trading states, the pipeline policies', () => {
    expect(tickflow.RISK_REASONS).toContain('MAX_POSITION');
    expect(tickflow.TRADING_STATES).toEqual(['ACTIVE', 'REDUCING', 'HALTED']);
    expect(tickflow.parseDuration('1m30s')).toBe(90_000_000);
    expect(tickflow.MARKET_SUPERVISION.strategy).toBe('one-for-one');
    expect(tickflow.PIPELINE_PATHS.strategy).toBe('pipeline/market/strategy');
  });

  it('exports the live path: feeds, the fallback chain, feed actors, live trading and recording', () => {
    for (const name of ['createBinanceFeed', 'liveFeedTimers', 'createBookTickerPoller', 'createFallbackFeed', 'createFeedHandle', 'feedsSupervisor', 'startLiveTrading', 'startRecording', 'createRawCaptureWriter', 'recordRef', 'createFeedServer']) {
      expect(typeof (tickflow as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('exports persistence: the journal, recovery, the projection writer and its stores', () => {
    for (const name of ['openWal', 'readWal', 'recoverTrading', 'migrate', 'createPostgresSink', 'createRedisSink', 'createTcpProxy']) {
      expect(typeof (tickflow as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(tickflow.projectionActor.name).toBe('projection');
  });

  it('exports library backtests: requests, config defaults, the report writers, and no mutable strategy registry', () => {
    for (const name of ['createBacktestRequest', 'createConfig', 'buildReport', 'writeReport', 'writeFailure', 'formatSummary', 'backtestFailureOf', 'getStrategy', 'listStrategies']) {
      expect(typeof (tickflow as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(tickflow.REPORT_FILES).toContain('report.json');
    expect(tickflow.z.object({}).parse({})).toEqual({});
    expect('strategies' in tickflow).toBe(false);
  });
});
