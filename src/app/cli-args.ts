/**
 * Command-line parsing for `tickflow <command> [--flag value ...]`. Each command declares its
 * flags (taking a value or not, repeatable or not); anything else is a `CLI_USAGE` error that
 * names the offending word and lists what would be right.
 */
import { TickflowError } from '../runtime/errors.js';

/** One flag of a command. */
export interface FlagSpec {
  readonly name: string;
  readonly takesValue: boolean;
  readonly repeatable?: boolean;
  readonly help: string;
  /** Accepted but left out of help and suggestions (a former flag kept to say where it went). */
  readonly hidden?: boolean;
}

/** Parsed flags: last value for single flags, all values for repeatable ones, `true` for switches. */
export interface ParsedArgs {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly switches: ReadonlySet<string>;
}

/**
 * Parses `args` against `flags`. Accepts `--name value` and `--name=value`. Any other word that
 * starts with `-` is an unknown flag (`CLI_USAGE` naming it and the command, with the nearest
 * known flag when one is close), and a word that is not a flag is an unexpected argument: no
 * command takes positional arguments.
 */
export function parseArgs(command: string, args: readonly string[], flags: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const shown = flags.filter((f) => f.hidden !== true).map((f) => f.name);
  const valid = () => (shown.length === 0 ? 'it takes no flags' : `flags: ${shown.map((n) => `--${n}`).join(', ')}`);
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const eq = word.indexOf('=');
    const name = word.startsWith('--') ? word.slice(2, eq < 0 ? undefined : eq) : undefined;
    const spec = name === undefined ? undefined : byName.get(name);
    if (spec === undefined || name === undefined) {
      if (!word.startsWith('-') || word === '-') {
        throw new TickflowError('CLI_USAGE', `tickflow ${command}: unexpected argument "${word}" (${valid()})`, { argument: word });
      }
      const flag = name === undefined ? word : `--${name}`;
      const near = nearestFlag(flag.replace(/^-+/, ''), shown);
      const hint = near === undefined ? '' : `; did you mean --${near}?`;
      throw new TickflowError('CLI_USAGE', `tickflow ${command}: unknown flag ${flag}${hint} (${valid()})`, { command, flag: flag.replace(/^-+/, '') });
    }
    if (!spec.takesValue) {
      if (eq >= 0) throw new TickflowError('CLI_USAGE', `tickflow ${command}: --${name} takes no value`, { flag: name });
      switches.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = word.slice(eq + 1);
    else {
      value = args[i + 1];
      i++;
    }
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      throw new TickflowError('CLI_USAGE', `tickflow ${command}: --${name} needs a value (${spec.help})`, { flag: name });
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && spec.repeatable !== true) {
      throw new TickflowError('CLI_USAGE', `tickflow ${command}: --${name} given twice; it takes one value`, { flag: name });
    }
    list.push(value);
    values.set(name, list);
  }
  return { values, switches };
}

/** The single value of a flag, or `undefined`. */
export function flagValue(parsed: ParsedArgs, name: string): string | undefined {
  return parsed.values.get(name)?.[0];
}

/**
 * True when `args` ask for help: `--help` or `-h` in a flag's place (not as the value of a flag
 * that takes one).
 */
export function wantsHelp(args: readonly string[], flags: readonly FlagSpec[]): boolean {
  const takesValue = new Set(flags.filter((f) => f.takesValue).map((f) => `--${f.name}`));
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--help' || word === '-h') return true;
    if (takesValue.has(word)) i++;
  }
  return false;
}

/**
 * The known flag closest to `name`: one it is a prefix of (three letters at least), else one
 * within two edits (adjacent swaps count as one) and less than half its length away.
 */
function nearestFlag(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  if (lower.length >= 3) {
    const prefixed = known.filter((k) => k.startsWith(lower));
    if (prefixed.length === 1) return prefixed[0];
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(lower, k);
    if (d < bestDistance && d < k.length / 2) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** Usage text for a command's flags (hidden ones left out). */
export function flagHelp(all: readonly FlagSpec[]): string {
  const flags = all.filter((f) => f.hidden !== true);
  if (flags.length === 0) return '  (no flags)';
  const width = Math.max(...flags.map((f) => f.name.length + (f.takesValue ? 8 : 0)));
  return flags
    .map((f) => `  ${`--${f.name}${f.takesValue ? ' <value>' : ''}`.padEnd(width + 4)}${f.help}${f.repeatable === true ? ' (repeatable)' : ''}`)
    .join('\n');
}
