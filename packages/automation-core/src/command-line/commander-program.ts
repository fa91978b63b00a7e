import { Command, CommanderError, Option } from 'commander';
import { type JobError, usageError } from '../job-error.js';
import { describeCommand } from '../run-context.js';
import { secretEnvValues } from '../secret-masking.js';
import { helpEpilogue, optionHelp } from './command-help.js';
import type { DeclaredOption } from './option-declaration.js';

/** The command line as a usage error records it: masked, the environment's secret values too. */
function recordedCommand(argv: readonly string[]): string {
  return describeCommand(argv, { secretValues: secretEnvValues(process.env) });
}

/** What commander needs to know of one command. */
export interface CommandLine {
  /** the binary, or the subcommand's name */
  name: string;
  description: string;
  examples: readonly string[];
  /** common flags first, then the command's own */
  options: readonly DeclaredOption[];
  /** what --version prints */
  version: string;
}

/** A subcommand of a binary; only the one the command line names is loaded (`line`). */
export interface SubcommandLine {
  name: string;
  summary: string;
  line: CommandLine | null;
}

export interface ParsedCommandLine {
  /** the subcommand that runs, or null for the binary's own command */
  subcommand: string | null;
  /** the flags given, by option key: text, a list of texts for a repeatable flag, true for a bare one */
  flags: Record<string, unknown>;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Options, help and version of one command, the same layout for binaries and subcommands. */
function configure(command: Command, line: CommandLine): Command {
  command
    .description(line.description)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .helpOption('-h, --help', 'print this help, then exit');
  for (const { flag, declaration } of line.options) {
    const placeholder = declaration.placeholder ?? declaration.type.placeholder;
    const option = new Option(placeholder ? `${flag} ${placeholder}` : flag, optionHelp(declaration));
    if (declaration.type.repeatable) option.argParser(collect);
    command.addOption(option);
  }
  return command
    .version(line.version, '-V, --version', 'print the binary, its release and commit, then exit')
    .addHelpText('after', helpEpilogue(line.examples));
}

/** The commander program of a binary: its own command plus one per subcommand. */
export function buildProgram(main: CommandLine, subcommands: readonly SubcommandLine[] = []): Command {
  const program = configure(new Command(main.name), main).allowExcessArguments(subcommands.length > 0);
  if (subcommands.length === 0) return program;
  program.enablePositionalOptions().helpCommand(false);
  for (const { name, summary, line } of subcommands) {
    const command = program.command(name).summary(summary);
    if (line) configure(command, line).allowExcessArguments(false);
    // Not loaded: the command line names it after other arguments.
    else command.helpOption(false).allowUnknownOption().allowExcessArguments();
  }
  return program;
}

/** The flag a commander error is about, e.g. `--bogus` for "unknown option '--bogus=1'". */
function flagNamedIn(message: string): string | undefined {
  return /'(--?[^'\s=]+)/.exec(message)?.[1];
}

function usageErrorOf(error: CommanderError, command: Command, argv: readonly string[]): JobError {
  // commander's suggestion ("(Did you mean --dry-run?)") comes on a line of its own.
  const message = error.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  const flag = error.code === 'commander.excessArguments' ? undefined : flagNamedIn(message);
  return usageError(message, {
    ...(flag ? { flag } : { arguments: command.args }),
    command: recordedCommand(argv),
  });
}

function givenFlags(command: Command): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const option of command.options) {
    const key = option.attributeName();
    const value = command.getOptionValue(key);
    if (value !== undefined && option.long !== '--version') flags[key] = value;
  }
  return flags;
}

/**
 * Parses a binary's command line: which command runs and the flags it was given. A usage error
 * becomes JobError('invalid_usage') naming the flag; `--help` and `--version` are thrown as the
 * CommanderError commander raises after printing them.
 */
export function parseCommandLine(program: Command, argv: readonly string[]): ParsedCommandLine {
  let parsed: ParsedCommandLine | undefined;
  program.action(() => {
    if (program.commands.length > 0 && program.args.length > 0) {
      throw usageError(
        `unknown command '${program.args[0]}' (the subcommands are ${program.commands.map((command) => command.name()).join(', ')})`,
        { arguments: program.args, command: recordedCommand(argv) },
      );
    }
    parsed = { subcommand: null, flags: givenFlags(program) };
  });
  for (const command of program.commands) {
    command.action(() => {
      if (command.options.length === 0) {
        throw usageError(`${command.name()} must come first: ${program.name()} ${command.name()} [options]`, {
          arguments: program.args,
          command: recordedCommand(argv),
        });
      }
      parsed = { subcommand: command.name(), flags: givenFlags(command) };
    });
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') throw error;
    const failed = program.commands.find((command) => command.name() === argv[0]) ?? program;
    throw usageErrorOf(error, failed, argv);
  }
  if (!parsed) throw new Error(`${program.name()}: the command line ran no command`);
  return parsed;
}
