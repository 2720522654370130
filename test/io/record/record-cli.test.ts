/**
 * `tickflow record` through the CLI entry (`main`): a timed recording against a local exchange
 * exits 0 with its summary and finished files, and every bad flag exits 64 naming the flag; an
 * output folder that cannot be created exits 70 naming it.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/app/cli.js';
import { parseRecordFlags } from '../../../src/app/record-command.js';
import { createFeedServer } from '../../../src/io/feed-server/feed-server.js';
import { dataPath } from '../../support/data.js';
import { tempDir } from '../live-feed/live-feed-rig.js';

const capturePath = dataPath('binance-spot/btcusdt_20240808.gz');
const tmp = tempDir();
afterAll(() => tmp.remove());

async function cli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.skipIf(!capturePath)('tickflow record (CLI)', () => {
  it('records for --duration, finishes every file and exits 0 with a summary', async () => {
    // A factor rather than max: the capture's six minutes last 18 s, so one second records a slice of it.
    const server = await createFeedServer({ data: [capturePath!], port: 0, speed: 20 });
    const out = join(tmp.path, 'cli');
    try {
      const run = await cli(['record', '--url', server.url, '--symbols', 'btcusdt', '--out', out, '--raw', '--duration', '1s', '--segment-bytes', '256k']);
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      expect(run.out).toContain('btcusdt@trade, btcusdt@bookTicker, btcusdt@depth@100ms');
      expect(run.out).toMatch(/stopped \(--duration 1s\) after 1\.\d s/);
      expect(run.out).toMatch(/records: [\d,]+ written \(trade [\d,]+, book_ticker [\d,]+, book_change [\d,]+, depth_snapshot 1\)/);
      expect(run.out).toMatch(/feed: [\d,]+ frames, 1 connects, 0 reconnects, 0 gaps/);
      const journal = readdirSync(join(out, 'journal'));
      expect(journal.length).toBeGreaterThan(0);
      expect(journal.every((n) => /^journal-\d{8}T\d{6}Z-\d{6}\.ndjson\.gz$/.test(n))).toBe(true);
      expect(readdirSync(join(out, 'raw'))).toEqual([expect.stringMatching(/^btcusdt_\d{8}\.gz$/)]);
      expect(run.out).toMatch(/replay raw: tickflow backtest --data \S+btcusdt_\d{8}\.gz@BTCUSDT/);
    } finally {
      await server.close();
    }
  });
});

describe('tickflow record flags', () => {
  const ok = ['--url', 'ws://127.0.0.1:9443', '--symbols', 'BTCUSDT', '--out', join(tmp.path, 'unused')];
  /** `ok` with `flag` set to `value` (replaced if there, else added). */
  const set = (flag: string, value: string): string[] => {
    const at = ok.indexOf(flag);
    return at < 0 ? [...ok, flag, value] : ok.map((word, i) => (i === at + 1 ? value : word));
  };
  const bad: readonly (readonly [string, readonly string[], string])[] = [
    ['no --url', ['--symbols', 'BTCUSDT', '--out', 'x'], '--url is required'],
    ['no --symbols', ['--url', 'ws://127.0.0.1:9443', '--out', 'x'], '--symbols is required'],
    ['no --out', ['--url', 'ws://127.0.0.1:9443', '--symbols', 'BTCUSDT'], '--out is required'],
    ['an http --url', set('--url', 'http://127.0.0.1:9443'), '--url must be a ws: or wss: URL'],
    ['a bad symbol', set('--symbols', 'BTCUSDT,BTC-USDT'), '--symbols must be'],
    ['an unknown channel', set('--channels', 'trade,kline'), '--channels must be'],
    ['an unknown market', set('--market', 'coinm'), '--market must be'],
    ['a bare-number duration', set('--duration', '30'), '--duration: '],
    ['a zero duration', set('--duration', '0s'), '--duration must be longer than zero'],
    ['a bad segment size', set('--segment-bytes', '64x'), '--segment-bytes must be'],
    ['a bad segment age', set('--segment-age', 'soon'), '--segment-age: '],
    ['a bad flush period', set('--flush-every', '1.5s'), '--flush-every: '],
    ['an ftp --rest', set('--rest', 'ftp://127.0.0.1'), '--rest must be'],
    ['no REST for an unknown host', ['--url', 'wss://example.com', '--symbols', 'BTCUSDT', '--out', 'x'], '--rest <http(s) URL> is required'],
    ['an unknown flag', [...ok, '--speed', 'max'], 'unknown flag --speed'],
  ];
  for (const [what, args, message] of bad) {
    it(`exits 64 for ${what}`, async () => {
      const run = await cli(['record', ...args]);
      expect(run.code).toBe(64);
      expect(run.err).toContain(message);
    });
  }

  it('exits 70 naming an output folder that cannot be created', async () => {
    const file = join(tmp.path, 'a-file');
    writeFileSync(file, 'not a folder');
    const run = await cli(['record', '--url', 'ws://127.0.0.1:9', '--symbols', 'BTCUSDT', '--out', join(file, 'out')]);
    expect(run.code).toBe(70);
    expect(run.err).toContain(`cannot create the output folder ${join(file, 'out', 'journal')}`);
  });

  it('derives the REST base and the market from the URL', () => {
    const plan = (url: string) => parseRecordFlags({ url, symbols: 'btcusdt,ethusdt,BTCUSDT', out: 'x', raw: false });
    expect(plan('ws://127.0.0.1:9443/')).toMatchObject({ restUrl: 'http://127.0.0.1:9443', market: 'spot', symbols: ['BTCUSDT', 'ETHUSDT'], channels: ['trade', 'bookTicker', 'depth'] });
    expect(plan('wss://stream.binance.com:9443')).toMatchObject({ restUrl: 'https://api.binance.com', market: 'spot' });
    expect(plan('wss://fstream.binance.com')).toMatchObject({ restUrl: 'https://fapi.binance.com', market: 'usdm' });
    expect(parseRecordFlags({ url: 'wss://example.com', symbols: 'BTCUSDT', channels: 'trade', out: 'x', raw: false }).restUrl).toBe('https://example.com');
    expect(plan('ws://127.0.0.1:9443')).toMatchObject({ segmentBytes: 64 * 1024 * 1024, segmentAgeUs: 3_600_000_000, flushEveryUs: 1_000_000, durationUs: null });
  });
});
