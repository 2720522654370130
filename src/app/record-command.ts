/**
 * `tickflow record`: the command behind the CLI's flags (parsed by `src/app/cli.ts`). Checks the
 * flag values once (a bad one is a `CLI_USAGE` error naming the flag: exit 64), records a live
 * Binance feed with `startRecording` (`src/io/journal/recording.ts`: what is written, rotation,
 * flush policy, what a stop keeps) until SIGINT, SIGTERM or `--duration`, then prints a summary
 * and returns 0. An output folder that cannot be created is `IO_UNAVAILABLE` naming it (exit 70).
 *
 * `--rest` (the REST base for depth snapshots), when not given: the venue's own for Binance's
 * stream hosts (`stream.binance.com` → `https://api.binance.com`, `data-stream.binance.vision` →
 * `https://data-api.binance.vision`, `fstream.binance.com` → `https://fapi.binance.com`); for a
 * loopback URL (a local `serve-feed`, which answers REST on its stream port), the same host and port
 * over http(s); otherwise it must be given when `depth` is recorded. `--market` defaults to `usdm`
 * for `fstream.binance.com`, else `spot`.
 */
import { parseDuration, DURATION_FORMS, formatDuration } from '../model/duration.js';
import { LiveClock } from '../runtime/clock.js';
import { isTickflowError, TickflowError } from '../runtime/errors.js';
import { FEED_CHANNELS, type BinanceMarket, type FeedChannel } from '../../streams/live/binance-feed-options.js';
import { liveFeedTimers } from '../../streams/live/feed-timers.js';
import type { SourceIssue } from '../../streams/record-source.js';
import { RECORDING_DEFAULTS, startRecording, type RecordingOptions, type RecordSummary } from '../io/journal/recording.js';

/** The `record` flags as given on the command line (values still text). */
export interface RecordFlags {
  readonly url?: string | undefined;
  readonly rest?: string | undefined;
  readonly symbols?: string | undefined;
  readonly channels?: string | undefined;
  readonly market?: string | undefined;
  readonly out?: string | undefined;
  readonly raw: boolean;
  readonly duration?: string | undefined;
  readonly segmentBytes?: string | undefined;
  readonly segmentAge?: string | undefined;
  readonly flushEvery?: string | undefined;
}

/** The flags checked: everything `startRecording` needs but the clock and timers, plus the duration. */
export interface RecordPlan {
  readonly url: string;
  readonly restUrl: string;
  readonly market: BinanceMarket;
  readonly symbols: readonly string[];
  readonly channels: readonly FeedChannel[];
  readonly out: string;
  readonly raw: boolean;
  /** µs, or null: until a signal. */
  readonly durationUs: number | null;
  readonly segmentBytes: number;
  readonly segmentAgeUs: number;
  readonly flushEveryUs: number;
}

/** Issues printed as they happen before the rest are only counted (a flood of bad frames must not flood the terminal). */
const PRINTED_ISSUES = 20;

/**
 * Runs the command; resolves with the exit code once every file is finished. `until` replaces the
 * wait for SIGINT / SIGTERM (tests). Throws `CLI_USAGE` for a bad flag, `IO_UNAVAILABLE` for an
 * output folder that cannot be created, and a write failure met while recording.
 */
export async function runRecord(flags: RecordFlags, out: (line: string) => void, err: (line: string) => void, until?: Promise<unknown>): Promise<number> {
  const plan = parseRecordFlags(flags);
  let issues = 0;
  const onIssue = (issue: SourceIssue): void => {
    if (++issues <= PRINTED_ISSUES) err(`tickflow record: ${issue.message}`);
    else if (issues === PRINTED_ISSUES + 1) err('tickflow record: further issues are counted, not printed');
  };
  const clock = new LiveClock();
  const timers = liveFeedTimers({ setTimeout, clearTimeout });
  const options: RecordingOptions = {
    feed: { url: plan.url, restUrl: plan.restUrl, market: plan.market, symbols: plan.symbols, channels: plan.channels, clock, timers, onIssue },
    out: plan.out,
    raw: plan.raw,
    segmentBytes: plan.segmentBytes,
    segmentAgeUs: plan.segmentAgeUs,
    flushEveryUs: plan.flushEveryUs,
  };
  const recording = startRecording(options);
  const length = plan.durationUs === null ? 'until SIGINT or SIGTERM' : `for ${formatDuration(plan.durationUs)}`;
  out(`tickflow record: ${recording.feed.streams.join(', ')} from ${plan.url} (REST ${plan.restUrl}) into ${plan.out}${plan.raw ? ' with raw frames' : ''}, ${length}`);
  const stop = stopSignal(plan.durationUs, until);
  let why: string;
  try {
    why = await Promise.race([stop.promise, recording.failed]);
  } catch (error) {
    stop.dispose();
    await recording.stop().catch(() => undefined);
    throw error;
  }
  stop.dispose();
  const summary = await recording.stop();
  out(formatRecordSummary(summary, why));
  return 0;
}

/** Checks every flag; throws `CLI_USAGE` naming the first bad one and what would be right. */
export function parseRecordFlags(flags: RecordFlags): RecordPlan {
  const url = required(flags.url, 'url', 'the stream base URL, e.g. wss://stream.binance.com:9443 or ws://127.0.0.1:9443 (serve-feed)');
  const parsedUrl = parseUrl(url, 'url', ['ws:', 'wss:']);
  const symbols = required(flags.symbols, 'symbols', 'a comma list such as BTCUSDT,ETHUSDT')
    .split(',')
    .map((s) => s.trim().toUpperCase());
  for (const s of symbols) if (!/^[A-Z0-9]{1,20}$/.test(s)) throw usage(`--symbols must be a comma list of symbols of 1 to 20 letters and digits (BTCUSDT,ETHUSDT), got "${flags.symbols}"`);
  const channels = (flags.channels ?? FEED_CHANNELS.join(',')).split(',').map((c) => c.trim());
  for (const c of channels) if (!FEED_CHANNELS.includes(c as FeedChannel)) throw usage(`--channels must be a comma list among ${FEED_CHANNELS.join(', ')}, got "${flags.channels}"`);
  const market = flags.market ?? (parsedUrl.hostname === 'fstream.binance.com' ? 'usdm' : 'spot');
  if (market !== 'spot' && market !== 'usdm') throw usage(`--market must be spot or usdm, got "${market}"`);
  const restUrl = flags.rest ?? defaultRestUrl(parsedUrl, channels.includes('depth'));
  if (flags.rest !== undefined) parseUrl(flags.rest, 'rest', ['http:', 'https:']);
  const out = required(flags.out, 'out', 'the output folder (journal/ and raw/ go there)');
  return {
    url: url.replace(/\/+$/, ''),
    restUrl: restUrl.replace(/\/+$/, ''),
    market,
    symbols: [...new Set(symbols)],
    channels: [...new Set(channels as FeedChannel[])],
    out,
    raw: flags.raw,
    durationUs: flags.duration === undefined ? null : duration(flags.duration, 'duration', 1),
    segmentBytes: flags.segmentBytes === undefined ? RECORDING_DEFAULTS.segmentBytes : byteSize(flags.segmentBytes),
    segmentAgeUs: flags.segmentAge === undefined ? RECORDING_DEFAULTS.segmentAgeUs : duration(flags.segmentAge, 'segment-age', 1),
    flushEveryUs: flags.flushEvery === undefined ? RECORDING_DEFAULTS.flushEveryUs : duration(flags.flushEvery, 'flush-every', 0),
  };
}

/** The summary printed at the end (also useful to programmatic callers). */
export function formatRecordSummary(s: RecordSummary, why: string): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const seconds = Math.max(0, s.stoppedUs - s.startedUs) / 1e6;
  const types = Object.entries(s.byType).filter(([, count]) => count > 0).map(([type, count]) => `${type} ${n(count)}`).join(', ');
  const f = s.feed;
  const lines = [
    `tickflow record: stopped (${why}) after ${seconds.toFixed(1)} s`,
    `records: ${n(s.records)} written${types === '' ? '' : ` (${types})`}, ${n(Math.round(s.records / Math.max(seconds, 1e-3)))}/s${s.notWritten > 0 ? `; ${n(s.notWritten)} delivered after the stop, not written` : ''}`,
    `feed: ${n(f.frames)} frames, ${n(f.connects)} connects, ${n(f.reconnects)} reconnects, ${n(f.gaps)} gaps, ${n(f.resyncs)} resyncs, ${n(f.snapshots)} snapshots, ${n(f.duplicates)} duplicates, ${n(f.restamped)} restamped, ${n(f.malformed)} malformed`,
    `journal: ${s.journalFiles.length} segment(s), ${mib(s.journalBytes)} written, ${mib(s.journalDiskBytes)} on disk`,
    ...s.journalFiles.map((file) => `  ${file}`),
  ];
  if (s.rawFiles.length > 0 || s.frames > 0) {
    lines.push(`raw: ${n(s.frames)} frames, ${n(s.snapshots)} snapshots, ${mib(s.rawBytes)} written, ${mib(s.rawDiskBytes)} on disk`, ...s.rawFiles.map((file) => `  ${file}`));
    lines.push(`replay raw: tickflow backtest ${s.rawFiles.map((file) => `--data ${file}@${symbolOfRawFile(file)}`).join(' ')} ...`);
  }
  return lines.join('\n');
}

/** Resolves with why the recording should stop: the duration, a signal, or `until`. */
function stopSignal(durationUs: number | null, until: Promise<unknown> | undefined): { promise: Promise<string>; dispose(): void } {
  let dispose = (): void => undefined;
  const promise = new Promise<string>((resolve) => {
    const timer = durationUs === null ? undefined : setTimeout(() => resolve(`--duration ${formatDuration(durationUs)}`), durationUs / 1000);
    const on = (signal: NodeJS.Signals): void => resolve(signal);
    if (until === undefined) {
      process.once('SIGINT', on);
      process.once('SIGTERM', on);
    } else {
      void until.then(() => resolve('stopped by the caller'));
    }
    dispose = () => {
      clearTimeout(timer);
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
  });
  return { promise, dispose: () => dispose() };
}

function defaultRestUrl(url: URL, needed: boolean): string {
  const known: Readonly<Record<string, string>> = {
    'stream.binance.com': 'https://api.binance.com',
    'data-stream.binance.vision': 'https://data-api.binance.vision',
    'fstream.binance.com': 'https://fapi.binance.com',
  };
  const venue = known[url.hostname];
  if (venue !== undefined) return venue;
  const local = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\./.test(url.hostname);
  if (local || !needed) return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}`;
  throw usage(`--rest <http(s) URL> is required with ${url.host}: depth snapshots come from REST, and only Binance's own hosts and loopback have a known REST address`);
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined || value.trim() === '') throw usage(`--${flag} is required (${what})`);
  return value.trim();
}

function parseUrl(text: string, flag: string, protocols: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usage(`--${flag} must be a ${protocols.join(' or ')} URL, got "${text}"`);
  }
  if (!protocols.includes(url.protocol)) throw usage(`--${flag} must be a ${protocols.join(' or ')} URL, got "${text}"`);
  return url;
}

function duration(text: string, flag: string, min: number): number {
  let us: number;
  try {
    us = parseDuration(text);
  } catch (error) {
    if (isTickflowError(error, 'CONFIG_INVALID')) throw usage(`--${flag}: ${error.message}`);
    throw error;
  }
  if (us < min) throw usage(`--${flag} must be ${min === 0 ? 'a duration' : 'longer than zero'} (${DURATION_FORMS}), got "${text}"`);
  return us;
}

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3 };

function byteSize(text: string): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m === null ? undefined : BYTE_UNITS[m[2]!.toLowerCase()];
  const bytes = m === null || unit === undefined ? NaN : Number(m[1]) * unit;
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw usage(`--segment-bytes must be a whole number of bytes, optionally with k, m or g (KiB, MiB, GiB), such as 64m, got "${text}"`);
  return bytes;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(2)} MiB`;
}

/** `btcusdt_20240808.gz` → `BTCUSDT`: the symbol a raw file's snapshot lines take on replay. */
function symbolOfRawFile(file: string): string {
  const base = file.split(/[/\\]/).pop() ?? file;
  return base.slice(0, base.indexOf('_')).toUpperCase();
}

function usage(message: string): TickflowError {
  return new TickflowError('CLI_USAGE', `tickflow record: ${message}`);
}
