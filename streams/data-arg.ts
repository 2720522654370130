/**
 * Naming recordings on the command line: `--data path@SYMBOL` gives a file and the symbol its
 * records take when the file names none; without one, `--symbol`, else the file name.
 */

/** A `--data` argument split into its path and optional symbol. */
export interface DataArg {
  readonly path: string;
  readonly symbol: string | undefined;
}

/**
 * Splits `path@SYMBOL` at its last `@`. The part after it is a symbol only if it is non-empty and
 * holds no path separator, so a path that itself contains `@` (`/data/run@2/file.csv`) stays whole.
 */
export function parseDataArg(arg: string): DataArg {
  const at = arg.lastIndexOf('@');
  if (at > 0) {
    const symbol = arg.slice(at + 1).trim();
    if (symbol.length > 0 && !/[/\\]/.test(symbol)) return { path: arg.slice(0, at), symbol };
  }
  return { path: arg, symbol: undefined };
}

/**
 * A symbol from a file name: the base name up to its first dot, so every extension goes
 * (`btc-perp_1m.csv.gz` → `btc-perp_1m`, `BINANCE_FUTURES.ws.1.0` → `BINANCE_FUTURES`). A name that
 * starts with a dot keeps it.
 */
export function symbolFromPath(path: string): string {
  const base = path.split(/[/\\]/).pop() ?? path;
  const dot = base.indexOf('.', 1);
  return dot > 0 ? base.slice(0, dot) : base;
}

/** The symbol for a file's records that name none: given, else the default, else from the file name. */
export function resolveSymbol(path: string, given: string | undefined, fallback?: string): string {
  return given ?? fallback ?? symbolFromPath(path);
}
