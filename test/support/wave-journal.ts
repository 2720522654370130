/** A synthetic tickflow journal shared by the CLI tests. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeRecord } from '../../src/model/journal-codec.js';
import type { Trade } from '../../src/model/records.js';

/**
 * Journal lines of one trade a second for ten minutes on symbol `SIMUSDT`, prices on a slow wave:
 * enough 10 s bars to warm 30-bar EMAs and to make ema-cross trade.
 */
export function waveJournalLines(): string[] {
  const t0 = 1_722_000_000_000_000;
  const lines: string[] = [];
  for (let i = 0; i < 600; i++) {
    const ts = t0 + i * 1_000_000;
    const price = Math.round((100 + 5 * Math.sin(i / 40)) * 100) / 100;
    const trade: Trade = { type: 'trade', exchange: 'sim', symbol: 'SIMUSDT', ts, tsRecv: ts, id: String(i), price, amount: 0.5, side: i % 2 === 0 ? 'buy' : 'sell' };
    lines.push(encodeRecord(trade));
  }
  return lines;
}

/** Writes `waveJournalLines()` as a journal file `name` in `dir`; returns its path. */
export function writeWaveJournal(dir: string, name = 'wave.ndjson'): string {
  const path = join(dir, name);
  writeFileSync(path, waveJournalLines().join('\n') + '\n');
  return path;
}
