/**
 * The raw tap across rollovers: only the arbitrated connection's frames reach the raw file (the
 * old one's until the switch, the new one's from it, its held frames included, the duplicates
 * dropped), so the capture still replays to the journal's records with nothing doubled or lost.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capturePath, decodeCapture, expectRawReplaysToJournal, readCapture, readJournal, recordingRig, summary, tradeIds, waitUntil } from './recording-rig.js';

const rig = recordingRig();

describe.skipIf(!capturePath)('startRecording across rollovers (btcusdt_20240808 at max speed)', () => {
  it('taps only the arbitrated connection: the raw file still replays to the journal', async () => {
    const server = await rig.server();
    const recording = rig.record(server, join(rig.tmp, 'rollover'), { maxConnectionAgeMs: 250, rolloverLeadMs: 100 });
    await waitUntil(() => recording.records >= 8_000 && recording.feed.stats.rollovers >= 2, 20_000, `two rollovers (feed ${JSON.stringify(summary(recording.feed))})`);
    const result = await recording.stop();
    // The connections overlapped (the arbiter dropped duplicates), and none of it reached the files.
    // At max speed on a loaded machine the old connection can end before the new one has caught up
    // with it (a forced, unmatched switch, which loses and doubles nothing: the checks below); at
    // least one rollover must still have been matched.
    expect(result.feed).toMatchObject({ reconnects: 0, gaps: 0, snapshots: 1 });
    expect(result.feed.rolloversUnmatched).toBeLessThan(result.feed.rollovers);
    expect(result.feed.duplicates).toBeGreaterThan(0);
    const journal = readJournal(result);
    const got = tradeIds(journal);
    expect(got).toEqual(tradeIds(decodeCapture(readCapture(capturePath!))).slice(0, got.length));
    await expectRawReplaysToJournal(result, journal);
    console.log(`${result.feed.rollovers} rollovers, ${result.feed.duplicates} duplicates dropped, ${result.feed.restamped} restamped, ${result.records} records`);
  });
});
