import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, useCliScratch, type CliOutput } from '../support/cli-scratch.js';
import { waveJournalLines } from '../support/wave-journal.js';
import { dataPath } from '../support/data.js';

const tmp = useCliScratch('cli');
let runs = 0;

interface CliRun extends CliOutput {
  readonly dir: string;
  report(): Record<string, any>;
}

async function cli(args: readonly string[], withOut = true): Promise<CliRun> {
  const dir = join(tmp, `run-${++runs}`);
  return {
    ...(await runCli(withOut ? [...args, '--out', dir] : args)),
    dir,
    report: () => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, any>,
  };
}

function lineCount(text: string): number {
  return text.split('\n').filter((l) => l.trim() !== '').length;
}

/** A journal of one trade a second for ten minutes, prices on a slow wave (enough 10 s bars to warm 30-bar EMAs). */
function writeJournal(): { plain: string; gz: string; records: number } {
  const lines = waveJournalLines();
  const text = lines.join('\n') + '\n';
  const plain = join(tmp, 'sim.ndjson');
  const gz = join(tmp, 'sim.ndjson.gz');
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(Buffer.from(text)));
  return { plain, gz, records: lines.length };
}

// ---------------------------------------------------------------------------------------------
// One quick run per format the replay layer reads, on the real recordings.
// ---------------------------------------------------------------------------------------------

interface FormatCase {
  readonly name: string;
  readonly file: string;
  readonly format: string;
  readonly args: readonly string[];
  /** Records the run must read; counted independently where the file allows. */
  readonly records: () => number;
  readonly bars?: boolean;
}

const gzLines = (path: string) => () => lineCount(gunzipSync(readFileSync(path)).toString('utf8'));
const csvRows = (path: string) => () => lineCount(readFileSync(path, 'utf8')) - 1;

const cases: FormatCase[] = [];
const add = (relative: string, build: (path: string) => Omit<FormatCase, 'file'>) => {
  const path = dataPath(relative);
  if (path !== undefined) cases.push({ file: path, ...build(path) });
};
add('binance-spot/ethusdt_20240808.gz', (p) => ({ name: 'Binance spot capture (gzip)', format: 'binance', args: ['--bar', '1s'], records: gzLines(p), bars: true }));
add('binance-usdm/btcusdt_20240808.gz', (p) => ({ name: 'Binance USD-M capture (gzip)', format: 'binance', args: ['--bar', '1s'], records: gzLines(p), bars: true }));
// 1,535 lines after the subscribe URL; 63 are klines still forming (not bars yet), read and skipped.
add('cryptofeed/BINANCE_FUTURES.ws.1.0', () => ({ name: 'cryptofeed capture', format: 'cryptofeed', args: ['--bar', '1s'], records: () => 1_472, bars: true }));
add('nautilus/tardis-bitmex-trades-XBTUSD.csv', (p) => ({ name: 'Tardis trades CSV', format: 'trades-csv', args: ['--bar', '1s'], records: csvRows(p), bars: true }));
add('nautilus/truefx-usdjpy-ticks.csv', (p) => ({ name: 'TrueFX quotes CSV (mid bars)', format: 'quotes-csv', args: ['--bar', '1m:mid'], records: csvRows(p), bars: true }));
add('vega/sp500-2000.csv', (p) => ({ name: 'daily bars CSV (bars feed the strategy directly)', format: 'bars-csv', args: ['--bar', '1d'], records: csvRows(p) }));
add('nautilus/btc-perp-20211231-20220201_1m.csv', (p) => ({ name: '1m bars CSV', format: 'bars-csv', args: [], records: csvRows(p) }));
add('lean/spy-20131007-trade.zip', () => ({ name: 'LEAN trade-tick zip', format: 'lean-trades', args: ['--bar', '1m'], records: () => 250_601, bars: true }));

describe('tickflow backtest on every format the replay layer reads', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: exits 0 and writes a report of what it read', async (_name, c) => {
    const run = await cli(['backtest', '--data', c.file, '--strategy', 'ema-cross', ...c.args]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const report = run.report();
    expect(report['inputs']).toEqual([{ name: c.file, format: c.format }]);
    expect(report['records']).toBeGreaterThan(0);
    expect(report['records']).toBe(c.records());
    expect(report['dataIssues']).toMatchObject({ malformed: 0, failure: null });
    if (c.bars === true) expect(report['bars']).toBeGreaterThan(0);
    for (const file of ['fills.csv', 'orders.csv', 'stats.json']) expect(existsSync(join(run.dir, file))).toBe(true);
    expect(run.out).toContain(`report: ${join(run.dir, 'report.json')}`);
  });

  it('reads its own journal, plain and gzip, to the same report apart from the input name', async () => {
    const journal = writeJournal();
    const plain = await cli(['backtest', '--data', journal.plain, '--strategy', 'ema-cross', '--bar', '10s']);
    const gz = await cli(['backtest', '--data', journal.gz, '--strategy', 'ema-cross', '--bar', '10s']);
    expect([plain.code, gz.code]).toEqual([0, 0]);
    const a = plain.report();
    const b = gz.report();
    expect(a['inputs']).toEqual([{ name: journal.plain, format: 'journal' }]);
    expect(a['records']).toBe(journal.records);
    expect(a['bars']).toBe(60);
    expect(a['signals']).toBeGreaterThan(0);
    expect({ ...b, inputs: a['inputs'] }).toEqual(a);
  });

  // BUG (reported): quotes files without size columns (TrueFX) decode with amounts 0, which
  // streams/formats/quotes-csv.ts documents as "size unknown", but the paper venue's matchQuote
  // reads a 0 size as an empty side that offers nothing: the market order planned from the one
  // signal is accepted and never fills, though quotes keep coming for three more minutes.
  const truefx = dataPath('nautilus/truefx-usdjpy-ticks.csv');
  it.skipIf(!truefx)('fills the market orders of a backtest on quotes that carry no sizes', async () => {
    const run = await cli(['backtest', '--data', truefx!, '--strategy', 'ema-cross', '--bar', '1m:mid']);
    const report = run.report();
    expect(report['signals']).toBe(1);
    expect(report['fills']).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Bad input: a non-zero exit and a message that names what was wrong; no report written.
// ---------------------------------------------------------------------------------------------

const TRADES = dataPath('nautilus/tardis-bitmex-trades-XBTUSD.csv');

describe.skipIf(!TRADES)('tickflow backtest on bad input', () => {
  const data = ['--data', TRADES!];

  async function fails(args: readonly string[], code: number, ...words: readonly string[]): Promise<CliRun> {
    const run = await cli(args);
    expect(run.code).toBe(code);
    for (const word of words) expect(run.err).toContain(word);
    return run;
  }

  it('names an unknown strategy and lists the valid ones', async () => {
    const run = await fails(['backtest', ...data, '--strategy', 'nope'], 78, 'unknown strategy "nope"', 'ema-cross', 'mean-reversion');
    expect(existsSync(run.dir)).toBe(false);
  });

  it('names an unknown --set key and lists the strategy parameters', async () => {
    const run = await fails(['backtest', ...data, '--strategy', 'ema-cross', '--set', 'bogus=3'], 78, 'unknown parameter "bogus"', 'fast', 'slow');
    expect(existsSync(run.dir)).toBe(false);
  });

  it('names a --set value of the wrong type, and a --set without "="', async () => {
    await fails(['backtest', ...data, '--strategy', 'ema-cross', '--set', 'fast=abc'], 78, 'fast=abc', 'integer');
    await fails(['backtest', ...data, '--strategy', 'ema-cross', '--set', 'fast'], 78, 'key=value');
  });

  it('names a missing file', async () => {
    const missing = join(tmp, 'no-such-file.csv');
    const run = await fails(['backtest', '--data', missing, '--strategy', 'ema-cross'], 66, missing, 'no such file');
    expect(existsSync(run.dir)).toBe(false);
  });

  it('names a directory given as a file', async () => {
    await fails(['backtest', '--data', tmp, '--strategy', 'ema-cross'], 66, tmp, 'not a regular file');
  });

  it('names a file it cannot read as any format, quoting its first line and the formats it knows', async () => {
    const garbage = join(tmp, 'garbage.txt');
    writeFileSync(garbage, 'hello world\nthis is not market data\n');
    await fails(['backtest', '--data', garbage, '--strategy', 'ema-cross'], 65, garbage, '"hello world"', 'trades-csv');
  });

  it('stops on a file whose rows are all malformed, naming the format it tried', async () => {
    const junk = join(tmp, 'junk-rows.csv');
    writeFileSync(junk, `${readFileSync(TRADES!, 'utf8').split('\n')[0]}\n${Array.from({ length: 100 }, (_, i) => `junk,${i},x`).join('\n')}\n`);
    await fails(['backtest', '--data', junk, '--strategy', 'ema-cross'], 65, junk, 'not in the trades-csv format', 'expected 8 fields');
  });

  it('names a truncated gzip and exits non-zero, keeping the report of what was read', async () => {
    const spot = dataPath('binance-spot/btcusdt_20240808.gz');
    if (spot === undefined) return;
    const truncated = join(tmp, 'truncated.gz');
    writeFileSync(truncated, readFileSync(spot).subarray(0, 200_000));
    const run = await fails(['backtest', '--data', truncated, '--strategy', 'ema-cross', '--bar', '1s'], 65, truncated, 'truncated');
    const report = run.report();
    expect(report['records']).toBeGreaterThan(0);
    expect(report['dataIssues'].failure).toContain('truncated');
  });

  it('names a bad --bar and lists the valid forms', async () => {
    await fails(['backtest', ...data, '--strategy', 'ema-cross', '--bar', '7q'], 78, 'invalid bar spec "7q"', '1m:mid', '100t');
    await fails(['backtest', ...data, '--strategy', 'ema-cross', '--bar', '0s'], 78, 'invalid bar spec "0s"', 'positive');
  });

  it('requires --out, --data and --strategy, saying what each is for', async () => {
    const noOut = await cli(['backtest', ...data, '--strategy', 'ema-cross'], false);
    expect(noOut.code).toBe(64);
    expect(noOut.err).toContain('--out <dir> is required');
    const noData = await cli(['backtest', '--strategy', 'ema-cross']);
    expect(noData.code).toBe(64);
    expect(noData.err).toContain('--data');
    const noStrategy = await cli(['backtest', ...data]);
    expect(noStrategy.code).toBe(64);
    expect(noStrategy.err).toContain('--strategy <name> is required');
  });

  it('names an unknown flag, an unknown format and a bad --cash', async () => {
    await fails(['backtest', ...data, '--strategy', 'ema-cross', '--frobnicate'], 64, '--frobnicate', '--data');
    await fails(['backtest', ...data, '--strategy', 'ema-cross', '--format', 'nope'], 65, 'unknown data format "nope"', 'binance');
    await fails(['backtest', ...data, '--strategy', 'ema-cross', '--cash', '-5'], 64, '--cash', '"-5"');
  });

  it('names a config file that is not YAML (exit 78)', async () => {
    const bad = join(tmp, 'not-yaml.yaml');
    writeFileSync(bad, 'seed: [1\nbars: {\n');
    await fails(['backtest', ...data, '--strategy', 'ema-cross', '--config', bad], 78, bad, 'not valid YAML');
  });

  it('exits 78 listing every bad path of an invalid config', async () => {
    const bad = join(tmp, 'invalid.yaml');
    writeFileSync(bad, 'seed: abc\nmailboxCapacity: 0\nexecution:\n  approval: sometimes\n');
    const run = await fails(['backtest', ...data, '--strategy', 'ema-cross', '--config', bad], 78, bad);
    expect(run.err).toMatch(/^\s+seed: /m);
    expect(run.err).toMatch(/^\s+mailboxCapacity: /m);
    expect(run.err).toMatch(/^\s+execution\.approval: /m);
    expect(existsSync(run.dir)).toBe(false);
  });

  it('names an unknown command', async () => {
    const run = await cli(['frobnicate'], false);
    expect(run.code).toBe(64);
    expect(run.err).toContain('unknown command "frobnicate"');
  });
});

describe.skipIf(!TRADES)('tickflow backtest summary', () => {
  it('says why no bar was built when the input lacks what the bar spec builds from', async () => {
    const run = await cli(['backtest', '--data', TRADES!, '--strategy', 'ema-cross', '--bar', '1m:mid']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('no bars: 1m:mid bars are built from quotes, and the input has none');
    const ok = await cli(['backtest', '--data', TRADES!, '--strategy', 'ema-cross', '--bar', '1s']);
    expect(ok.out).not.toContain('no bars');
  });
});

// ---------------------------------------------------------------------------------------------
// Help, version, and flags every command checks the same way.
// ---------------------------------------------------------------------------------------------

const COMMAND_NAMES = ['backtest', 'start', 'serve-feed', 'record', 'run', 'migrate', 'strategies'] as const;

describe('tickflow help and version', () => {
  it('prints the version of package.json for --version and -V, exit 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await cli([flag], false);
      expect(run.code).toBe(0);
      expect(run.out).toBe(`tickflow ${version}`);
      expect(run.err).toBe('');
    }
  });

  it('prints the overview for -h, --help, help and no command, exit 0, naming every command', async () => {
    const outs = new Set<string>();
    for (const args of [['-h'], ['--help'], ['help'], []]) {
      const run = await cli(args, false);
      expect(run.code).toBe(0);
      outs.add(run.out);
    }
    expect(outs.size).toBe(1);
    const [text] = [...outs];
    for (const name of COMMAND_NAMES) expect(text).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(text).toMatch(/^  --version +the version/m);
  });

  it.each(COMMAND_NAMES)('prints the usage and flags of %s for `help <command>`, --help and -h alike, exit 0', async (name) => {
    const help = await cli(['help', name], false);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(new RegExp(`^usage: tickflow ${name}\\b`));
    expect(help.out).toContain('flags');
    expect(help.out).toContain('exit codes:');
    for (const flag of ['--help', '-h']) {
      const run = await cli([name, flag], false);
      expect(run.code).toBe(0);
      expect(run.out).toBe(help.out);
    }
    // One source: the command's section is the overview's, word for word.
    const section = help.out.slice(0, help.out.lastIndexOf('\n\nexit codes:'));
    expect((await cli(['help'], false)).out).toContain(section);
  });

  it('lists each command’s own flags in its help, and keeps hidden ones out', async () => {
    expect((await cli(['help', 'backtest'], false)).out).toMatch(/--strategy <value> .*\n[^]*--cash <value>/);
    expect((await cli(['help', 'record'], false)).out).toContain('--segment-bytes');
    const start = (await cli(['start', '--help'], false)).out;
    expect(start).toContain('--speed');
    expect(start).not.toMatch(/^\s+--out /m);
    expect((await cli(['help', 'strategies'], false)).out).toContain('(no flags)');
  });

  it('takes -h as the value of a flag that takes one, not as a request for help', async () => {
    const run = await cli(['backtest', '--symbol', '-h', '--strategy', 'ema-cross']);
    expect(run.code).toBe(64);
    expect(run.err).toContain('--data');
  });

  it('exits 64 for help on an unknown command, listing the commands', async () => {
    const run = await cli(['help', 'frobnicate'], false);
    expect(run.code).toBe(64);
    expect(run.err).toContain('unknown command "frobnicate"');
    for (const name of COMMAND_NAMES) expect(run.err).toContain(name);
    expect((await cli(['help', 'backtest', 'run'], false)).code).toBe(64);
  });
});

describe('unknown flags, for every command', () => {
  // Each run also carries a mistake found only after the flags are parsed (or none, for
  // `strategies`), so a parser that let the unknown flag through fails the test on its message or
  // its exit code, and never starts a server, a connection or a recording.
  const runs: Record<(typeof COMMAND_NAMES)[number], readonly string[]> = {
    backtest: ['backtest', '--frobnicate'],
    start: ['start', '--frobnicate', '--speed', 'fast'],
    'serve-feed': ['serve-feed', '--frobnicate', '--speed', 'fast'],
    record: ['record', '--frobnicate'],
    run: ['run', '--frobnicate'],
    migrate: ['migrate', '--frobnicate', '--schema', 'Not-A-Schema'],
    strategies: ['strategies', '--frobnicate'],
  };

  it.each(COMMAND_NAMES)('%s: exit 64 naming the flag and the command', async (name) => {
    const run = await cli(runs[name], false);
    expect(run.code).toBe(64);
    expect(run.err).toContain(`tickflow ${name}: unknown flag --frobnicate`);
    expect(run.out).toBe('');
  });

  it('suggests the nearest known flag, and names single-dash words as flags', async () => {
    const typo = await cli(['backtest', '--simulated', '--cahs', '5'], false);
    expect(typo.code).toBe(64);
    expect(typo.err).toContain('unknown flag --cahs; did you mean --cash?');
    expect((await cli(['serve-feed', '--speeed', '2'], false)).err).toContain('did you mean --speed?');
    const short = await cli(['backtest', '-d', 'x.csv'], false);
    expect(short.code).toBe(64);
    expect(short.err).toContain('tickflow backtest: unknown flag -d');
  });
});

describe('strategies offered to users', () => {
  it('leaves the benchmark strategy out of `tickflow strategies`, the help and the --strategy hint', async () => {
    const list = await cli(['strategies'], false);
    expect(list.code).toBe(0);
    expect(list.out).toContain('ema-cross:');
    expect(list.out).toContain('mean-reversion:');
    expect(list.out).not.toContain('bench-every-trade');
    expect((await cli(['help'], false)).out).not.toContain('bench-every-trade');
    const hint = await cli(['backtest', '--data', 'x.csv']);
    expect(hint.code).toBe(64);
    expect(hint.err).toContain('--strategy <name> is required (one of ema-cross, mean-reversion)');
  });
});
