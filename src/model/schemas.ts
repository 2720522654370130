/**
 * zod schemas of the normalized records, for records arriving from outside (journal files of
 * unknown origin, gateway clients). Inside the engine records are trusted and never validated again
 * (DESIGN.md: validate at the edges, once).
 *
 * Each schema lists its keys in the record interface's order: zod builds its output in schema order,
 * so a validated record has the same hidden class as one built by a wire parser. Unknown keys are
 * stripped. Numbers must be finite; times and update ids safe integers; amounts not negative.
 */
import { z } from 'zod';
import type { BookChange, BookLevel, BookTicker, DepthSnapshot, MarketRecord, Trade, TradeBar } from './records.js';

const name = z.string().min(1);
const micros = z.int();
const amount = z.number().nonnegative();

/** One book level. */
export const BookLevelSchema = z.object({ price: z.number(), amount });

/** A `trade` record. */
export const TradeSchema = z.object({
  type: z.literal('trade'),
  exchange: name,
  symbol: name,
  ts: micros,
  tsRecv: micros,
  id: z.string(),
  price: z.number(),
  amount,
  side: z.enum(['buy', 'sell', 'unknown']),
});

/** A `book_ticker` record. */
export const BookTickerSchema = z.object({
  type: z.literal('book_ticker'),
  exchange: name,
  symbol: name,
  ts: micros,
  tsRecv: micros,
  bidPrice: z.number(),
  bidAmount: amount,
  askPrice: z.number(),
  askAmount: amount,
});

/** A `book_change` record. */
export const BookChangeSchema = z.object({
  type: z.literal('book_change'),
  exchange: name,
  symbol: name,
  ts: micros,
  tsRecv: micros,
  isSnapshot: z.literal(false),
  firstUpdateId: z.int(),
  lastUpdateId: z.int(),
  prevUpdateId: z.int(),
  bids: z.array(BookLevelSchema),
  asks: z.array(BookLevelSchema),
});

/** A `depth_snapshot` record. */
export const DepthSnapshotSchema = z.object({
  type: z.literal('depth_snapshot'),
  exchange: name,
  symbol: name,
  ts: micros,
  tsRecv: micros,
  lastUpdateId: z.int(),
  bids: z.array(BookLevelSchema),
  asks: z.array(BookLevelSchema),
});

/** A `trade_bar` record. */
export const TradeBarSchema = z.object({
  type: z.literal('trade_bar'),
  exchange: name,
  symbol: name,
  ts: micros,
  tsRecv: micros,
  interval: name,
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: amount,
  buyVolume: amount,
  sellVolume: amount,
  trades: z.int().nonnegative(),
  vwap: z.number(),
  openTs: micros,
  closeTs: micros,
});

/** Any normalized record, discriminated by `type`. */
export const MarketRecordSchema = z.discriminatedUnion('type', [
  TradeSchema,
  BookTickerSchema,
  BookChangeSchema,
  DepthSnapshotSchema,
  TradeBarSchema,
]);

// Compile-time checks that each schema's output is the record type it stands for.
type Assignable<T extends U, U> = T;
export type SchemaChecks = [
  Assignable<z.infer<typeof BookLevelSchema>, BookLevel>,
  Assignable<z.infer<typeof TradeSchema>, Trade>,
  Assignable<z.infer<typeof BookTickerSchema>, BookTicker>,
  Assignable<z.infer<typeof BookChangeSchema>, BookChange>,
  Assignable<z.infer<typeof DepthSnapshotSchema>, DepthSnapshot>,
  Assignable<z.infer<typeof TradeBarSchema>, TradeBar>,
  Assignable<z.infer<typeof MarketRecordSchema>, MarketRecord>,
];
