/**
 * Defect 3 of the "trading truth" issue: Binance spot and USD-M `BTCUSDT` replayed together became
 * one instrument, one book, one position and one venue, and one order filled alternately at spot
 * and futures prices. Instruments are keyed by exchange and symbol everywhere: two instruments, two
 * positions, each order filled only at its own venue's prices, CSVs with an exchange column.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/app/cli.js';
import { openSource } from '../../streams/open-source.js';
import { dataPath } from '../support/data.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-venues-'));

beforeAll(() => {
  vi.stubEnv('TICKFLOW_LOG__LEVEL', 'silent');
});
afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(tmp, { recursive: true, force: true });
});

const spot = dataPath('binance-spot/btcusdt_20240808.gz');
const usdm = dataPath('binance-usdm/btcusdt_20240808.gz');

/** Every price a recording shows (quotes, trades, book levels), by exchange. */
async function pricesOf(path: string): Promise<Map<string, Set<number>>> {
  const out = new Map<string, Set<number>>();
  const source = await openSource(path);
  for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
    for (const r of chunk) {
      let set = out.get(r.exchange);
      if (set === undefined) out.set(r.exchange, (set = new Set()));
      if (r.type === 'book_ticker') {
        set.add(r.bidPrice);
        set.add(r.askPrice);
      } else if (r.type === 'trade') set.add(r.price);
      else if (r.type === 'book_change' || r.type === 'depth_snapshot') for (const l of [...r.bids, ...r.asks]) set.add(l.price);
    }
  }
  await source.close();
  return out;
}

function csv(path: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  const names = header!.split(',');
  return rows.map((row) => Object.fromEntries(row.split(',').map((v, i) => [names[i], v])));
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe.skipIf(!spot || !usdm)('a backtest of Binance spot and USD-M BTCUSDT together', () => {
  it('keeps two instruments and two positions, and fills every order only at its own venue’s prices', async () => {
    const dir = join(tmp, 'merged');
    // 0.4 BTC on each venue fits the default cash at leverage 1 (spot's shorts are refused: a cash account).
    const r = await run(['backtest', '--data', spot!, '--data', usdm!, '--strategy', 'ema-cross', '--bar', '1s', '--set', 'size=0.4', '--out', dir]);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, any>;
    expect(Object.keys(report['instruments']).sort()).toEqual(['binance-futures:BTCUSDT', 'binance:BTCUSDT']);
    expect(report['instruments']['binance:BTCUSDT']).toMatchObject({ exchange: 'binance', priceIncrement: '0.01', sizeIncrement: '0.00001' });
    expect(report['instruments']['binance-futures:BTCUSDT']).toMatchObject({ exchange: 'binance-futures', priceIncrement: '0.1', sizeIncrement: '0.001' });
    expect(Object.keys(report['positions']).sort()).toEqual(['binance-futures:BTCUSDT', 'binance:BTCUSDT']);
    expect(Object.keys(report['books']).sort()).toEqual(['binance-futures:BTCUSDT', 'binance:BTCUSDT']);

    const orders = csv(join(dir, 'orders.csv'));
    const fills = csv(join(dir, 'fills.csv'));
    const exchangeOf = new Map(orders.map((o) => [o['clientOrderId'], o['exchange']]));
    expect(new Set(orders.map((o) => o['exchange']))).toEqual(new Set(['binance', 'binance-futures']));
    expect(new Set(exchangeOf.keys()).size).toBe(orders.length); // client order ids stay unique across venues

    const prices = new Map([...(await pricesOf(spot!)), ...(await pricesOf(usdm!))]);
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) {
      // A fill is at its order's venue, at a price that venue showed.
      expect(f['exchange']).toBe(exchangeOf.get(f['clientOrderId']));
      expect(prices.get(f['exchange']!)!.has(Number(f['price'])), `${f['clientOrderId']} at ${f['price']} on ${f['exchange']}`).toBe(true);
    }
    // Each position is the sum of its own venue's fills.
    for (const [key, position] of Object.entries(report['positions'] as Record<string, { quantity: string; fills: number }>)) {
      const own = fills.filter((f) => `${f['exchange']}:${f['symbol']}` === key);
      expect(own.length).toBe(position.fills);
      const net = own.reduce((sum, f) => sum + (f['side'] === 'buy' ? 1 : -1) * Number(f['quantity']), 0);
      expect(net).toBeCloseTo(Number(position.quantity), 9);
    }
  });

  it('refuses a configured instrument without an exchange when both venues have its symbol (exit 78, naming the path)', async () => {
    const config = join(tmp, 'ambiguous.yaml');
    writeFileSync(config, 'instruments:\n  - symbol: BTCUSDT\n    priceIncrement: "0.01"\n    sizeIncrement: "0.00001"\n');
    const r = await run(['backtest', '--config', config, '--data', spot!, '--data', usdm!, '--strategy', 'ema-cross', '--out', join(tmp, 'ambiguous')]);
    expect(r.code).toBe(78);
    expect(r.err).toMatch(/instruments\.0\.exchange: BTCUSDT is on 2 exchanges in the data \(binance, binance-futures\)/);
  });

  it('applies a configured instrument without an exchange to the only venue that has it', async () => {
    const config = join(tmp, 'unique.yaml');
    writeFileSync(
      config,
      'instruments:\n  - symbol: BTCUSDT\n    priceIncrement: "0.01"\n    sizeIncrement: "0.0001"\n  - exchange: binance-futures\n    symbol: BTCUSDT\n    priceIncrement: "0.1"\n    sizeIncrement: "0.001"\n',
    );
    const dir = join(tmp, 'unique');
    const r = await run(['backtest', '--config', config, '--data', spot!, '--data', usdm!, '--strategy', 'ema-cross', '--bar', '1s', '--out', dir]);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, any>;
    expect(report['instruments']['binance:BTCUSDT']).toMatchObject({ exchange: 'binance', sizeIncrement: '0.0001', source: 'config' });
    expect(report['instruments']['binance-futures:BTCUSDT']).toMatchObject({ exchange: 'binance-futures', sizeIncrement: '0.001', source: 'config' });
  });
});

describe.skipIf(!spot)('a single-venue backtest', () => {
  it('writes the exchange beside the symbol in fills.csv and orders.csv', async () => {
    const dir = join(tmp, 'single');
    const r = await run(['backtest', '--data', spot!, '--strategy', 'ema-cross', '--bar', '1s', '--out', dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'fills.csv'), 'utf8').split('\n')[0]).toBe('ts,clientOrderId,exchange,symbol,side,quantity,price,fee,liquidity');
    expect(readFileSync(join(dir, 'orders.csv'), 'utf8').split('\n')[0]).toBe(
      'createdTs,updatedTs,clientOrderId,exchange,symbol,side,type,status,quantity,limitPrice,filledQuantity,avgFillPrice,reason',
    );
    const fills = csv(join(dir, 'fills.csv'));
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) expect([f['exchange'], f['symbol']]).toEqual(['binance', 'BTCUSDT']);
    for (const o of csv(join(dir, 'orders.csv'))) expect([o['exchange'], o['symbol']]).toEqual(['binance', 'BTCUSDT']);
  });
});
