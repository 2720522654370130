/**
 * Bad frames never end the live feed. Malformed JSON (the local exchange's `garbage` fault) is
 * counted frame for frame and the feed reads on, the lost records showing as gaps and resyncs.
 * Invalid UTF-8 in a text frame is a protocol error `ws` itself answers by closing the socket
 * (1007): a tiny raw server sends one, and the feed counts it and reconnects.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { MarketRecord } from '../../../src/model/records.js';
import type { SourceIssue } from '../../../streams/record-source.js';
import { dataPath } from '../../support/data.js';
import { buildBook, Collected, decodeCapture, drainUntil, readCapture, Rig, tradeIds, waitUntil } from './live-feed-rig.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const rig = new Rig();
const raw: WebSocketServer[] = [];
afterEach(async () => {
  await rig.close();
  for (const server of raw.splice(0)) {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe.skipIf(!spotPath)('live feed and malformed frames (real capture)', () => {
  let capture: MarketRecord[] = [];
  beforeAll(() => {
    capture = decodeCapture(readCapture(spotPath!));
  });

  it('counts every garbage frame as malformed and reads on to the end', async () => {
    const want = tradeIds(capture);
    const server = await rig.server({ data: [spotPath!], speed: 'max', faults: 'garbage=0.01', seed: 5 });
    const issues: SourceIssue[] = [];
    const feed = rig.feed(server, { onIssue: (issue) => issues.push(issue) });
    const got = new Collected();
    await drainUntil(feed, got, () => server.stats.replay.ended && feed.stats.frames === server.stats.framesSent, 15_000, 'every frame sent');
    const garbage = server.stats.faults.garbage;
    expect(garbage).toBeGreaterThan(300); // 1 % of 41,248
    expect(feed.stats.malformed).toBe(garbage);
    expect(feed.stats.lines).toBe(server.stats.framesSent); // every frame reached the decoder
    expect(feed.stats.records + feed.stats.malformed).toBe(feed.stats.lines);
    // No connection was lost to garbage: only to the end of the data.
    expect(issues.filter((i) => i.code === 'IO_UNAVAILABLE').every((i) => i.message.includes('closed 1000 end of data'))).toBe(true);
    // Each one is also an issue, naming what was wrong (the listener sees all; stats keep the first 100).
    const malformed = issues.filter((i) => i.code === 'DATA_MALFORMED_LINE');
    expect(malformed.length).toBe(garbage);
    expect(malformed[0]!.message).toMatch(/not a well-formed JSON object \(line starts "\{/);
    expect(feed.stats.issues.length).toBe(100);
    // Spoiled trades are gaps, exactly as many ids missing as were spoiled.
    const ids = got.tradeIds;
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    const trailing = want.at(-1)! - ids.at(-1)!;
    expect(ids.length + feed.stats.streams['btcusdt@trade']!.missing + trailing).toBe(want.length);
    // Spoiled diffs are depth gaps, each repaired from REST: the book ends valid.
    expect(feed.stats.resyncs).toBeGreaterThan(0);
    await drainUntil(feed, got, () => buildBook(got.records).valid, 3000, 'the last resync');
    expect(buildBook(got.records).gaps).toBe(0);
  });
});

describe('live feed and invalid UTF-8', () => {
  it('counts the protocol error ws closes the socket for (1007), reconnects, and drops what it saw before', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    raw.push(server);
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    const closes: number[] = [];
    let connections = 0;
    const trade = (id: number) => `{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":${id},"p":"1.5","q":"2","T":1,"m":true,"M":true}}`;
    server.on('connection', (ws: WebSocket, req) => {
      connections++;
      expect(req.url).toBe('/stream?streams=btcusdt@trade');
      ws.on('close', (code) => closes.push(code));
      if (connections === 1) {
        ws.send(trade(1));
        // A text frame whose bytes are not UTF-8 (0xff never is): `ws` does not check what it sends.
        ws.send(Buffer.concat([Buffer.from('{"stream":"btcusdt@trade","data":{"s":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]), { binary: false });
        ws.send(trade(2)); // never read: the client closed on the bad frame
      } else {
        // Another venue backend may start a little earlier: trade 1 again is a duplicate to drop.
        ws.send(trade(1));
        ws.send(trade(2));
        ws.send(trade(3));
      }
    });
    const feed = rig.feed({ url: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` }, { channels: ['trade'] });
    const got = new Collected();
    await drainUntil(feed, got, () => got.tradeIds.length >= 3, 3000, 'three trades');
    expect(got.tradeIds).toEqual([1, 2, 3]);
    expect(feed.stats.protocolErrors).toBe(1);
    expect(feed.stats.reconnects).toBe(1);
    expect(feed.stats.malformed).toBe(0); // the bad frame never reached the decoder
    expect(feed.stats.streams['btcusdt@trade']).toEqual({ gaps: 0, missing: 0, duplicates: 1, resyncs: 0 });
    expect(feed.stats.issues[0]!.message).toMatch(/protocol-error: WS_ERR_INVALID_UTF8/);
    await waitUntil(() => closes.length >= 1, 1000, 'the server to see the close');
    expect(closes[0]).toBe(1007);
    expect(connections).toBe(2);
  });
});
