/**
 * A table of the HTML report, as data: column names, rows of display text, and how many rows there
 * were in all. Long tables are cut to their first `MAX_TABLE_ROWS` rows (a run can make hundreds
 * of thousands of fills); the page then says how many it shows and which file holds them all.
 */

/** Rows a table shows, at most. */
export const MAX_TABLE_ROWS = 1_000;

/** One table (see the module comment). */
export interface PageTable {
  readonly columns: readonly string[];
  /** The first rows, at most `MAX_TABLE_ROWS`, each one text per column. */
  readonly rows: readonly (readonly string[])[];
  /** Rows in all; more than `rows.length` when the table was cut. */
  readonly total: number;
  /** The output file holding every row (`fills.csv`). */
  readonly file: string;
}

/** A table of `items`, cut to `max` rows, each made by `row` (called only for the rows shown). */
export function pageTable<T>(columns: readonly string[], items: readonly T[], row: (item: T) => readonly string[], file: string, max: number = MAX_TABLE_ROWS): PageTable {
  const rows: (readonly string[])[] = [];
  for (let i = 0; i < items.length && i < max; i++) rows.push(row(items[i]!));
  return { columns, rows, total: items.length, file };
}
