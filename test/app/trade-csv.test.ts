/**
 * fills.csv and orders.csv as people read them: ISO 8601 UTC times carrying the engine's
 * microseconds, sizes, prices and fees at the instrument's precisions, the exchange beside the
 * symbol; and the summary's period in ISO 8601 too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOutcome } from '../../src/app/backtest.js';
import { parseConfig } from '../../src/app/config.js';
import { formatSummary, writeReport } from '../../src/app/report.js';
import { writeWaveJournal } from '../support/wave-journal.js';

const ISO_US = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const tmp = mkdtempSync(join(tmpdir(), 'tickflow-trade-csv-'));
let outcome: BacktestOutcome;
let dir = '';

/** Microseconds since the epoch of an ISO 8601 UTC time with six decimals. */
function micros(iso: string): number {
  return Date.parse(`${iso.slice(0, 23)}Z`) * 1000 + Number(iso.slice(23, 26));
}

/** Decimals of a decimal string. */
const decimals = (text: string) => (text.includes('.') ? text.length - text.indexOf('.') - 1 : 0);

function rows(file: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(dir, file), 'utf8').trimEnd().split('\n');
  const names = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [names[i]!, cell])));
}

beforeAll(async () => {
  const journal = writeWaveJournal(tmp);
  const config = parseConfig({ log: { level: 'silent' }, strategy: { name: 'ema-cross' }, bars: { spec: '10s' } }, 'test');
  outcome = await runBacktest({ input: { kind: 'files', data: [journal] }, config, sets: [] });
  dir = join(tmp, 'out');
  writeReport(dir, outcome);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the trade CSVs', () => {
  it('write fill times as ISO 8601 UTC with the engine microseconds, and money at the instrument precisions', () => {
    const fills = rows('fills.csv');
    expect(fills.length).toBe(outcome.execution.fills.length);
    expect(fills.length).toBeGreaterThan(0);
    const instrument = outcome.instruments[0]!;
    const pricePrecision = instrument.priceIncrement.split('.')[1]?.length ?? 0;
    const sizePrecision = instrument.sizeIncrement.split('.')[1]?.length ?? 0;
    fills.forEach((f, i) => {
      expect(f['ts']).toMatch(ISO_US);
      expect(micros(f['ts']!)).toBe(outcome.execution.fills[i]!.ts);
      expect([f['exchange'], f['symbol']]).toEqual(['sim', 'SIMUSDT']);
      expect(decimals(f['price']!)).toBe(pricePrecision);
      expect(decimals(f['quantity']!)).toBe(sizePrecision);
      expect(decimals(f['fee']!)).toBe(outcome.execution.portfolio.quotePrecision);
    });
  });

  it('write order times the same way, and sizes and prices as decimals, not lots or ticks', () => {
    const orders = rows('orders.csv');
    expect(orders.length).toBe(outcome.execution.orders.length);
    orders.forEach((o, i) => {
      const order = outcome.execution.orders[i]!;
      expect(o['createdTs']).toMatch(ISO_US);
      expect(micros(o['createdTs']!)).toBe(order.createdTs);
      expect(micros(o['updatedTs']!)).toBe(order.updatedTs);
      expect(o['exchange']).toBe('sim');
      expect(o['quantity']).toMatch(/^\d+\.\d+$/);
      // Size 1: an entry is 1, a flip from short to long (or back) is 2.
      expect([1, 2]).toContain(Number(o['quantity']));
    });
  });

  it('show the period replayed in the summary as ISO 8601 UTC', () => {
    // 600 trades a second apart from 1_722_000_000 s: 2024-07-26T13:20:00Z to 13:29:59.
    expect(formatSummary(outcome)).toMatch(/^period +2024-07-26T13:20:00\.000000Z to 2024-07-26T13:29:59\.000000Z \(9m 59s\)$/m);
  });
});
