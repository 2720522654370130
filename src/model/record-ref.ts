/**
 * The identity of a market record as short text, for naming the record that caused a decision
 * (a strategy's target, the orders planned from it). It is built from what the record carries,
 * so a live run and the replay of its recording name the same record the same way:
 *
 * - a trade: `trade <exchange>:<symbol> #<id>`
 * - a bar: `trade_bar <exchange>:<symbol> <interval> <closeTs>`
 * - anything else: `<type> <exchange>:<symbol> @<tsRecv>`
 *
 * Built only when a decision is made (once per target), never per record.
 */
import type { MarketRecord } from './records.js';

/** The text identity of `record` (see the file comment). */
export function recordRef(record: MarketRecord): string {
  const where = `${record.type} ${record.exchange}:${record.symbol}`;
  switch (record.type) {
    case 'trade':
      return `${where} #${record.id}`;
    case 'trade_bar':
      return `${where} ${record.interval} ${record.closeTs}`;
    default:
      return `${where} @${record.tsRecv}`;
  }
}
