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
}

/** Parsed flags: last value for single flags, all values for repeatable ones, `true` for switches. */
export interface ParsedArgs {
  readonly values: ReadonlyMap<string, readonly string[]>;
  readonly switches: ReadonlySet<string>;
}

/** Parses `args` against `flags`. Accepts `--name value` and `--name=value`. */
export function parseArgs(command: string, args: readonly string[], flags: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const valid = () => flags.map((f) => `--${f.name}`).join(', ');
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (!word.startsWith('--')) {
      throw new TickflowError('CLI_USAGE', `tickflow ${command}: unexpected argument "${word}" (flags: ${valid()})`, { argument: word });
    }
    const eq = word.indexOf('=');
    const name = word.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (spec === undefined) {
      throw new TickflowError('CLI_USAGE', `tickflow ${command}: unknown flag --${name} (valid: ${valid()})`, { flag: name });
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

/** Usage text for a command's flags. */
export function flagHelp(flags: readonly FlagSpec[]): string {
  const width = Math.max(...flags.map((f) => f.name.length + (f.takesValue ? 8 : 0)));
  return flags
    .map((f) => `  ${`--${f.name}${f.takesValue ? ' <value>' : ''}`.padEnd(width + 4)}${f.help}${f.repeatable === true ? ' (repeatable)' : ''}`)
    .join('\n');
}
