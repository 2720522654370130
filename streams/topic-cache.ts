/**
 * Bus topics for records without building a string per record: `md.<exchange>.<symbol>.<type>`
 * is computed once per (exchange, symbol, type) and looked up after that. The bridge and the
 * replay driver call this for every record they offer.
 */
import type { MarketRecord, MarketRecordType } from '../src/model/records.js';

type TopicsByType = Partial<Record<MarketRecordType, string>>;

/** Cache of `md.<exchange>.<symbol>.<type>` topics. */
export class TopicCache {
  private readonly byExchange = new Map<string, Map<string, TopicsByType>>();

  /** The bus topic of `record`. */
  topicOf(record: MarketRecord): string {
    let bySymbol = this.byExchange.get(record.exchange);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      this.byExchange.set(record.exchange, bySymbol);
    }
    let byType = bySymbol.get(record.symbol);
    if (byType === undefined) {
      byType = {};
      bySymbol.set(record.symbol, byType);
    }
    let topic = byType[record.type];
    if (topic === undefined) {
      topic = `md.${record.exchange}.${record.symbol}.${record.type}`;
      byType[record.type] = topic;
    }
    return topic;
  }
}
