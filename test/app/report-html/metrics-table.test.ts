import { describe, expect, it } from 'vitest';
import { instrumentsTable, metricsTable } from '../../../src/app/report-html/metrics-table.js';

const T = Date.UTC(2024, 0, 1) * 1000;

describe('metricsTable', () => {
  it('shows each value as report.json writes it, nested names dotted, with a reading for people', () => {
    const rows = metricsTable({
      totalReturn: 0.0123457,
      sharpe: null,
      initialEquity: '100000.00',
      maxDrawdown: { fraction: 0.25, startTs: T, durationUs: 3_723_400_000 },
      annualisation: { annualised: false },
      roundTrips: [{ instrument: 'x' }],
      instruments: { 'sim:SIMUSDT': { fills: 3 } },
    });
    expect(rows).toEqual([
      ['totalReturn', '0.0123457', '1.23457%'],
      ['sharpe', 'n/a', ''],
      ['initialEquity', '100000.00', ''],
      ['maxDrawdown.fraction', '0.25', '25%'],
      ['maxDrawdown.startTs', String(T), '2024-01-01T00:00:00.000000Z'],
      ['maxDrawdown.durationUs', '3723400000', '1h2m3s'],
      ['annualisation.annualised', 'false', ''],
    ]);
  });

  it('makes the per-instrument figures a table of their own', () => {
    expect(instrumentsTable({ instruments: { 'a:X': { fills: 3, exposure: null }, 'b:Y': { fills: 1, exposure: 0.5 } } })).toEqual({
      columns: ['instrument', 'fills', 'exposure'],
      rows: [
        ['a:X', '3', 'n/a'],
        ['b:Y', '1', '0.5'],
      ],
      total: 2,
      file: 'report.json',
    });
  });
});
