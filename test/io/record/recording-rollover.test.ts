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
    // The candidate opens 300 ms before the server's 500 ms age limit: time enough, even on a loaded
    // machine, for it to subscribe and overlap before the old connection is cut (with 100 ms of lead
    // a slow handshake once let the old one end first: a forced, unmatched switch).
    const recording = rig.record(server, join(rig.tmp, 'rollover'), { maxConnectionAgeMs: 500, rolloverLeadMs: 300 });
    await waitUntil(() => recording.records >= 8_000 && recording.feed.stats.rollovers >= 2, 20_000, `two rollovers (feed ${JSON.stringify(summary(recording.feed))})`);
    const result = await recording.stop();
    // The connections overlapped (the arbiter dropped duplicates), and none of it reached the files.
    expect(result.feed).toMatchObject({ reconnects: 0, gaps: 0, rolloversUnmatched: 0, snapshots: 1 });
    expect(result.feed.duplicates).toBeGreaterThan(0);
    const journal = readJournal(result);
    const got = tradeIds(journal);
    expect(got).toEqual(tradeIds(decodeCapture(readCapture(capturePath!))).slice(0, got.length));
    await expectRawReplaysToJournal(result, journal);
    console.log(`${result.feed.rollovers} rollovers, ${result.feed.duplicates} duplicates dropped, ${result.feed.restamped} restamped, ${result.records} records`);
  });
});
