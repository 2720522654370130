/**
 * `startRecording` against a local exchange replaying the real Binance spot capture at full speed:
 * the journal read back is exactly what the feed delivered (in order, none lost or doubled, the
 * capture's trades without a gap), the raw file replays through the capture reader to the same
 * records, receive times included, and a quiet feed is still flushed within the flush period.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../../src/model/journal-codec.js';
import type { MarketRecord } from '../../../src/model/records.js';
import { openSource } from '../../../streams/open-source.js';
import { capturePath, decodeCapture, expectRawReplaysToJournal, gunzipLines, readCapture, readJournal, recordingRig, summary, tradeIds, waitUntil } from './recording-rig.js';

const rig = recordingRig();

describe.skipIf(!capturePath)('startRecording (btcusdt_20240808 at max speed)', () => {
  it('journals exactly the records the feed delivered, and the raw file replays to the same records', async () => {
    const out = join(rig.tmp, 'full');
    const server = await rig.server();
    const delivered: MarketRecord[] = [];
    const started = performance.now();
    const recording = rig.record(server, out, { segmentBytes: 1024 * 1024, onRecords: (chunk) => delivered.push(...chunk) });
    await waitUntil(() => recording.records >= 8_000, 8_000, `8,000 records (feed ${JSON.stringify(summary(recording.feed))})`);
    const result = await recording.stop();
    const seconds = (performance.now() - started) / 1000;
    const feed = result.feed;

    // (a) The journal, read back with the validating journal decoder, is what the feed delivered,
    // in segments rotated by size, none left unfinished.
    expect(result.journalFiles.length).toBeGreaterThanOrEqual(2);
    expect(readdirSync(join(out, 'journal')).filter((n) => n.endsWith('.part'))).toEqual([]);
    for (const file of result.journalFiles) expect(gunzipLines(file).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)).toBeLessThanOrEqual(1024 * 1024);
    const journal = readJournal(result);
    expect(journal.length).toBe(result.records);
    expect(journal).toEqual(delivered);
    expect(result.notWritten).toBe(feed.delivered - result.records);
    expect(Object.values(result.byType).reduce((a, b) => a + b, 0)).toBe(result.records);
    // None lost or doubled: the trades are the capture's, from its first, without a gap.
    const got = tradeIds(journal);
    expect(got.length).toBeGreaterThan(1000);
    expect(got).toEqual(tradeIds(decodeCapture(readCapture(capturePath!))).slice(0, got.length));
    expect(feed).toMatchObject({ reconnects: 0, gaps: 0, duplicates: 0, malformed: 0, snapshots: 1 });
    // A segment is what `backtest --data` reads: the journal format is recognised.
    const segment = await openSource(result.journalFiles[0]!);
    expect(segment.stats.format).toBe('journal');
    await segment.close();

    // (b) The raw file replays through the capture reader to the journal's records.
    await expectRawReplaysToJournal(result, journal);

    const mb = (n: number) => (n / 1024 ** 2).toFixed(2);
    console.log(
      `recorded ${result.records} records in ${seconds.toFixed(2)} s with the stop; journal ${result.journalFiles.length} segments, ` +
        `${mb(result.journalBytes)} MiB -> ${mb(result.journalDiskBytes)} MiB gz; raw ${mb(result.rawBytes)} MiB -> ${mb(result.rawDiskBytes)} MiB gz; ` +
        `stale diffs ${feed.staleDiffs}, restamped ${feed.restamped}, not written ${result.notWritten}`,
    );
  });

  it('flushes a quiet feed within the flush period: the .part files decode while recording', async () => {
    const out = join(rig.tmp, 'quiet');
    // Paused at its first record, the exchange sends no frame; its REST snapshot is the only record.
    const server = await rig.server(true);
    const recording = rig.record(server, out, { flushEveryUs: 100_000 });
    await waitUntil(() => recording.records === 1, 5_000, 'the depth snapshot');
    const journalDir = join(out, 'journal');
    const part = () => readdirSync(journalDir).find((n) => n.endsWith('.part'));
    const rawPart = () => join(out, 'raw', readdirSync(join(out, 'raw'))[0] ?? 'none');
    // Written once, never again: only the flush timer can make them decodable.
    const decodable = () => part() !== undefined && gunzipLines(join(journalDir, part()!), true).length === 1 && existsSync(rawPart()) && gunzipLines(rawPart(), true).length === 1;
    await waitUntil(decodable, 2_000, 'the timer flush');
    expect(decodeRecord(gunzipLines(join(journalDir, part()!), true)[0]!).type).toBe('depth_snapshot');
    expect(gunzipLines(rawPart(), true)[0]).toMatch(/^\d+000 \{"lastUpdateId":/);
    const result = await recording.stop();
    expect(result).toMatchObject({ records: 1, frames: 0, snapshots: 1 });
    expect(readdirSync(journalDir).some((n) => n.endsWith('.part'))).toBe(false);
  });
});
