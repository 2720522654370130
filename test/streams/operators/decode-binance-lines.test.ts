import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decodeBinanceLines } from '../../../streams/operators/decode-binance-lines.js';
import { openSource } from '../../../streams/open-source.js';
import { MutableSourceStats } from '../../../streams/record-source.js';
import { dataPath } from '../../support/data.js';
import { readAll } from '../source-helpers.js';

const path = dataPath('binance-usdm/btcusdt_20240808.gz');

describe.skipIf(!path)('decodeBinanceLines', () => {
  it('decodes capture lines exactly as the file source does', async () => {
    const lines = gunzipSync(readFileSync(path!)).toString('utf8').split('\n').slice(0, 5000);
    const stats = new MutableSourceStats('lines', 'binance');
    const out = await firstValueFrom(from(lines).pipe(decodeBinanceLines({ stats }), toArray()));
    const fromFile = (await readAll(await openSource(path!))).slice(0, 5000);
    expect(out).toEqual(fromFile);
    expect(stats.byType.depth_snapshot).toBe(1);
  });
});
