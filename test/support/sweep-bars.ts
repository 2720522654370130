/**
 * A bars CSV for sweep tests: `count` bars of `minutes` each from 2024-01-01, the close on two
 * overlaid waves so EMA crosses of many periods happen, spanning more than a day by default so the
 * annualised figures (Sharpe) exist. Deterministic: the same file every time.
 */
import { writeFileSync } from 'node:fs';

/** Writes the file at `path`; returns the bars' open times (ms since the epoch), in order. */
export function writeWaveBars(path: string, count = 1152, minutes = 5): number[] {
  const start = Date.UTC(2024, 0, 1);
  const lines = ['timestamp,open,high,low,close,volume'];
  const opens: number[] = [];
  let previous = 100;
  for (let i = 0; i < count; i++) {
    const open = start + i * minutes * 60_000;
    const close = 100 + 10 * Math.sin(i / 40) + 3 * Math.sin(i / 7.3);
    const high = Math.max(previous, close) + 0.5;
    const low = Math.min(previous, close) - 0.5;
    lines.push(`${new Date(open).toISOString().replace('T', ' ').slice(0, 19)},${previous.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${close.toFixed(2)},${10 + (i % 7)}`);
    opens.push(open);
    previous = close;
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return opens;
}
