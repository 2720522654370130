/**
 * One REST depth snapshot request against a scripted `fetch`: a sound body becomes the record, and
 * a body the Binance parser refuses (a level beyond a double, an event time whose µs are not a safe
 * integer) is a failed attempt whose reason names the field, so the caller retries rather than
 * seeding a book with Infinity or a rounded time.
 */
import { describe, expect, it } from 'vitest';
import { requestDepthSnapshot, type SnapshotRequest } from '../../../streams/live/binance-depth-snapshot.js';

function request(body: string, market: 'spot' | 'usdm' = 'usdm'): SnapshotRequest {
  return {
    restUrl: 'http://venue',
    market,
    symbol: 'BTCUSDT',
    limit: 1000,
    exchange: 'binance-futures',
    fetch: async () => ({ status: 200, headers: { get: () => null }, text: async () => body }),
    clock: { kind: 'live', now: () => 1_000_000 },
    timers: { setTimeout: () => 0, clearTimeout: () => undefined },
    timeoutMs: 5000,
    signal: new AbortController().signal,
  };
}

describe('requestDepthSnapshot', () => {
  it('gives the snapshot of a sound body, ts from E in µs', async () => {
    const attempt = await requestDepthSnapshot(request('{"lastUpdateId":7,"E":1723161256501,"T":1,"bids":[["1.5","2"]],"asks":[["2","1e2"]]}'));
    expect(attempt).toMatchObject({ ok: true, snapshot: { type: 'depth_snapshot', symbol: 'BTCUSDT', lastUpdateId: 7, ts: 1723161256501000, asks: [{ price: 2, amount: 100 }] } });
  });

  it('fails the attempt, naming the field, when a level price is beyond a double', async () => {
    const attempt = await requestDepthSnapshot(request('{"lastUpdateId":7,"bids":[["1e400","2"]],"asks":[]}', 'spot'));
    expect(attempt).toMatchObject({ ok: false, status: 200, reason: expect.stringContaining('depth snapshot without a valid bids (') });
  });

  it("fails the attempt, naming the field, when E's µs are not a safe integer", async () => {
    const attempt = await requestDepthSnapshot(request('{"lastUpdateId":7,"E":9007199254740991,"T":1,"bids":[],"asks":[]}'));
    expect(attempt).toMatchObject({ ok: false, status: 200, reason: expect.stringContaining('depth snapshot without a valid E (') });
  });
});
