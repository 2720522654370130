/**
 * `tickflow serve-feed` through the CLI's own entry (`main`), in process: it prints where it
 * listens, serves until SIGINT, then closes its connections and exits 0; bad flags exit 64 naming
 * the flag (and, for `--fault`, the bad part).
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/app/cli.js';
import { TestClient, waitUntil } from './feed-test-client.js';

async function cli(args: readonly string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

describe('tickflow serve-feed', () => {
  it('serves the simulated market until SIGINT, then closes its connections and exits 0', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const running = main(['serve-feed', '--simulated', '--port', '0', '--speed', '20', '--fault', 'garbage=0'], (l) => out.push(l), (l) => err.push(l));
    await waitUntil(() => out.some((l) => l.startsWith('listening on ')), 5000, 'the listening line');
    const url = /listening on (ws:\/\/[^ ]+)/.exec(out.find((l) => l.startsWith('listening on '))!)![1]!;
    expect(url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const client = await TestClient.open(`${url}/stream?streams=simusdt@trade`);
    await waitUntil(() => client.frames.length >= 5, 5000, 'five trades');
    expect(client.json()[0]!['stream']).toBe('simusdt@trade');
    process.emit('SIGINT');
    expect(await running).toBe(0);
    expect((await client.closedWithin()).code).toBe(1001);
    expect(client.events.map((e) => e.event['e'])).toEqual(['serverShutdown']);
    expect(out[0]).toContain('Binance spot replay of the simulated market at speed 20');
    expect(out.at(-1)).toMatch(/stopped after 1 connections, \d+ frames, 0 faults injected/);
    expect(err).toEqual([]);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });

  it.each([
    [['--fault', 'stall=5s'], '--fault: fault "stall=5s": needs <value>@<replay time>'],
    [['--fault', 'drop-every=30s,bogus=1'], 'unknown fault "bogus"'],
    [['--speed', 'fast'], '--speed must be a positive factor such as 1, 10 or 0.5, or "max", got "fast"'],
    [['--speed', '0'], '--speed must be a positive factor'],
    [['--port', '70000'], '--port must be a port number from 0 to 65535'],
    [['--simulated', '--data', 'x.gz'], '--data and --simulated exclude each other'],
    [['--verbose'], 'unknown flag --verbose'],
  ])('exits 64 for %j, saying what was wrong', async (args, message) => {
    const run = await cli(['serve-feed', ...args]);
    expect(run.code).toBe(64);
    expect(run.err.join('\n')).toContain(message);
  });

  it('exits 66 naming a capture that is missing', async () => {
    const run = await cli(['serve-feed', '--data', '/nonexistent/btcusdt.gz', '--port', '0']);
    expect(run.code).toBe(66);
    expect(run.err.join('\n')).toContain('/nonexistent/btcusdt.gz');
  });

  it('lists serve-feed and its flags in the usage text', async () => {
    const run = await cli(['help']);
    expect(run.out.join('\n')).toContain('tickflow serve-feed');
    expect(run.out.join('\n')).toContain('--fault');
  });
});
