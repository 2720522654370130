/**
 * The account as a backtest's user meets it: terms and balances in the summary and `report.json`,
 * and, once, the notice that a strategy meant to short on a cash account.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/app/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-account-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function simulated(name: string, account: string, sets: string[] = []): Promise<{ code: number; out: string; report: Record<string, any> }> {
  const config = join(tmp, `${name}.yaml`);
  writeFileSync(config, `simulated: { records: 30000 }\nbars: { spec: 10s }\nlog: { level: silent }\nexecution:\n  venue:\n    accounts:\n      sim: ${account}\n`);
  const out: string[] = [];
  const dir = join(tmp, name);
  const code = await main(['backtest', '--simulated', '--strategy', 'ema-cross', '--config', config, ...sets.flatMap((s) => ['--set', s]), '--out', dir], (l) => out.push(l), (l) => out.push(l));
  return { code, out: out.join('\n'), report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) };
}

describe('the account in a backtest', () => {
  it('refuses short sales on a cash account, and says once what that did to the strategy', async () => {
    const r = await simulated('cash', '{ type: cash }');
    expect(r.code).toBe(0);
    expect(r.report['account']['terms']).toEqual({ sim: { type: 'cash', leverage: 1, borrowing: false, source: 'config' } });
    expect(r.report['account']['refused']['NO_SHORT_SALE']).toBeGreaterThan(0);
    expect(r.report['orders']['REJECTED']).toBe(r.report['account']['refused']['NO_SHORT_SALE']);
    expect(r.out.match(/^notice .*targets short positions, and sim is a cash account/gm)).toHaveLength(1);
    expect(r.out).toMatch(/^balances +USDT [\d.]+, SIM [\d.]+$/m);
    // Nothing short is ever held.
    expect(r.report['account']['balances']['SIM'].startsWith('-')).toBe(false);
  });

  it('says nothing of shorts for a long-only strategy on the same account', async () => {
    const r = await simulated('long', '{ type: cash }', ['longOnly=true']);
    expect(r.report['account']['refused']).toEqual({ INSUFFICIENT_BALANCE: 0, INSUFFICIENT_MARGIN: 0, NO_SHORT_SALE: 0 });
    expect(r.report['orders']['REJECTED'] ?? 0).toBe(0);
    expect(r.out).not.toMatch(/^notice/m);
  });

  it('lets a margin account go short, with the balance at its equity', async () => {
    const r = await simulated('margin', '{ type: margin, leverage: 2 }');
    expect(r.report['account']['refused']['NO_SHORT_SALE']).toBe(0);
    expect(r.report['account']['balances']).toEqual({ USDT: r.report['finalEquity'] });
    expect(r.out).toMatch(/^account +sim margin 2x$/m);
  });
});
