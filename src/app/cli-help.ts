/**
 * The help text of the `tickflow` command line, made from one description per command
 * (`CommandHelp`: usage lines, a summary, the flags): `tickflow help <command>` and
 * `tickflow <command> --help` print one command's section, `tickflow help` (or `-h`, `--help`, no
 * command) every section under a list of the commands. A command's usage and flags are written
 * once, in its `CommandHelp`, and nowhere else.
 */
import { flagHelp, type FlagSpec } from './cli-args.js';

/** What the help says about one command. */
export interface CommandHelp {
  readonly name: string;
  /** Usage lines without the leading `tickflow ` (`backtest --data <file> ... --out <dir> [flags]`). */
  readonly usage: readonly string[];
  /** What it does, in one line. */
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  /** Said beside the flags' heading: how it stops, what its errors exit with. */
  readonly note?: string;
}

/** The exit codes (sysexits), as the help states them. */
export const EXIT_CODES_HELP = 'exit codes: 0 ok, 64 usage, 65 bad data, 66 missing input, 70 internal or an actor failed, 73 cannot write --out, 78 invalid config';

/** One command's section: usage lines, summary, flags. */
export function commandSection(command: CommandHelp): string {
  const usage = command.usage.map((line, i) => `${i === 0 ? 'usage: ' : '       '}tickflow ${line}`);
  const heading = command.note === undefined ? 'flags:' : `flags (${command.note}):`;
  return [...usage, `  ${command.summary}`, heading, flagHelp(command.flags)].join('\n');
}

/** What `tickflow help <command>` prints. */
export function commandHelp(command: CommandHelp): string {
  return `${commandSection(command)}\n\n${EXIT_CODES_HELP}`;
}

/** What `tickflow help` prints: the commands, then every command's section. */
export function overview(commands: readonly CommandHelp[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), '--version'.length) + 2;
  return [
    'tickflow: actor-model stream processing for market data',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    `  ${'help'.padEnd(width)}this text; \`tickflow help <command>\` or \`tickflow <command> --help\`: one command's usage and flags`,
    `  ${'--version'.padEnd(width)}the version (also -V)`,
    '',
    ...commands.flatMap((c) => [commandSection(c), '']),
    EXIT_CODES_HELP,
  ].join('\n');
}
