import { Argument, Command, CommanderError, Option } from 'commander';
import { type JobError, usageError } from '../job-error.js';
import { describeCommand } from '../run-context.js';
import { secretEnvValues } from '../secret-masking.js';
import { helpEpilogue, optionHelp } from './command-help.js';
import {
  deprecationNotice,
  type FlagMigration,
  type RemovedFlag,
  type RenamedFlag,
  removedFlagMessage,
} from './flag-migrations.js';
import type { DeclaredOption, OptionDeclaration } from './option-declaration.js';
import {
  type CompletionCommand,
  type CompletionFlag,
  type CompletionValue,
  completionScript,
  SHELLS,
  type Shell,
} from './shell-completion.js';

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
  /** flags of the earlier tooling: renamed ones are accepted with a notice, removed ones refused */
  migrations?: readonly FlagMigration[];
  /** what --version prints */
  version: string;
  /** what the exit codes mean (default: a job's) */
  exitCodes?: string;
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

/** Every binary's subcommand printing its shell completion script. */
export const COMPLETION_COMMAND = 'completion';
/** The CommanderError code after the completion script was printed (exit 0, like --help). */
const COMPLETION_PRINTED = 'obs.completionPrinted';
/** What commander throws after printing something instead of running a command. */
const PRINTED_CODES: ReadonlySet<string> = new Set([
  'commander.helpDisplayed',
  'commander.version',
  COMPLETION_PRINTED,
]);

/** The declared option a commander option sets, and the earlier flag it stands for, if any. */
interface FlagTarget {
  entry: DeclaredOption;
  renamed?: RenamedFlag;
}

interface CommandFlags {
  targets: Map<Option, FlagTarget>;
  removed: Map<string, RemovedFlag>;
}

const COMMAND_FLAGS = new WeakMap<Command, CommandFlags>();

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * The declared options as commander options: each under its flag, each alias and each renamed
 * flag of the earlier tooling as a hidden option setting the same key.
 */
function addOptions(command: Command, line: CommandLine): void {
  const targets = new Map<Option, FlagTarget>();
  // Two options with one attribute name would share their value. (A set: commander derives the
  // name anew on each call, and every chain run builds these programs.)
  const attributes = new Set(command.options.map((option) => option.attributeName()));
  const add = (flag: string, entry: DeclaredOption, hidden: boolean, renamed?: RenamedFlag) => {
    const placeholder = entry.declaration.placeholder ?? entry.declaration.type.placeholder;
    const option = new Option(placeholder ? `${flag} ${placeholder}` : flag, optionHelp(entry.declaration));
    if (entry.declaration.type.repeatable) option.argParser(collect);
    if (hidden) option.hideHelp();
    const attribute = option.attributeName();
    if (attributes.has(attribute)) throw new Error(`${line.name}: ${flag} collides with another flag`);
    attributes.add(attribute);
    command.addOption(option);
    targets.set(option, { entry, ...(renamed ? { renamed } : {}) });
  };
  for (const entry of line.options) {
    add(entry.flag, entry, false);
    for (const alias of entry.declaration.aliases ?? []) add(alias, entry, true);
  }
  const removed = new Map<string, RemovedFlag>();
  for (const migration of line.migrations ?? []) {
    if (migration.kind === 'removed') {
      if (command.options.some((option) => option.long === migration.flag)) {
        throw new Error(`${line.name}: ${migration.flag} is both taken and removed`);
      }
      removed.set(migration.flag, migration);
      continue;
    }
    const entry = line.options.find((candidate) => candidate.flag === migration.replacement);
    if (!entry)
      throw new Error(`${line.name}: ${migration.flag} becomes ${migration.replacement}, not a flag of it`);
    add(migration.flag, entry, true, migration);
  }
  COMMAND_FLAGS.set(command, { targets, removed });
}

/** Options, help and version of one command, the same layout for binaries and subcommands. */
function configure(command: Command, line: CommandLine): Command {
  command
    .description(line.description)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .helpOption('-h, --help', 'print this help, then exit');
  addOptions(command, line);
  return command
    .version(line.version, '-V, --version', 'print the binary, its release and commit, then exit')
    .addHelpText('after', helpEpilogue(line.examples, line.exitCodes));
}

/** `<binary> completion <shell>`: prints the completion script of the whole program. */
function addCompletionCommand(program: Command, main: CommandLine): void {
  const binary = main.name;
  const command = configure(
    program.command(COMPLETION_COMMAND).summary('print the shell completion script (bash, zsh or fish)'),
    {
      name: COMPLETION_COMMAND,
      description: `Prints the ${binary} completion script for a shell: its subcommands, its flags and their values.`,
      examples: [
        `${binary} completion bash > ~/.local/share/bash-completion/completions/${binary}`,
        `${binary} completion zsh > "\${fpath[1]}/_${binary}"`,
        `${binary} completion fish > ~/.config/fish/completions/${binary}.fish`,
      ],
      options: [],
      version: main.version,
    },
  ).addArgument(new Argument('<shell>', 'the shell to complete for').choices(SHELLS));
  command.action((shell: Shell) => {
    process.stdout.write(completionScript(shell, completionCommands(program)));
    throw new CommanderError(0, COMPLETION_PRINTED, '');
  });
}

/** The commander program of a binary: its own command plus one per subcommand, and `completion`. */
export function buildProgram(main: CommandLine, subcommands: readonly SubcommandLine[] = []): Command {
  const program = configure(new Command(main.name), main).allowExcessArguments(subcommands.length > 0);
  program.enablePositionalOptions().helpCommand(false);
  for (const { name, summary, line } of subcommands) {
    const command = program.command(name).summary(summary);
    if (line) configure(command, line).allowExcessArguments(false);
    // Not loaded: the command line names it after other arguments.
    else command.helpOption(false).allowUnknownOption().allowExcessArguments();
  }
  addCompletionCommand(program, main);
  return program;
}

/** What a flag's value completes to, from its option type. */
function completionValue(declaration: OptionDeclaration): CompletionValue {
  const { type, placeholder = type.placeholder } = declaration;
  if (placeholder === undefined) return 'none';
  if (type.choices) return { choices: type.choices };
  if (type.isPath) return placeholder === '<dir>' ? 'dir' : 'file';
  return 'text';
}

/** The flags --help shows for a command (aliases and earlier names are not offered). */
function completionFlags(command: Command): CompletionFlag[] {
  const flags: CompletionFlag[] = [];
  for (const [option, { entry }] of COMMAND_FLAGS.get(command)?.targets ?? []) {
    if (option.hidden) continue;
    flags.push({
      flag: entry.flag,
      description: entry.declaration.description,
      repeatable: entry.declaration.type.repeatable === true,
      value: completionValue(entry.declaration),
    });
  }
  return [
    ...flags,
    { flag: '--help', description: 'print this help, then exit', repeatable: false, value: 'none' },
    {
      flag: '--version',
      description: 'print the binary, its release and commit',
      repeatable: false,
      value: 'none',
    },
  ];
}

/** The program's commands as the completion scripts see them: the binary's own first. */
function completionCommands(program: Command): CompletionCommand[] {
  return [
    { name: program.name(), summary: program.description(), flags: completionFlags(program) },
    ...program.commands.map((command) => ({
      name: command.name(),
      summary: command.summary(),
      flags: command.name() === COMPLETION_COMMAND ? [] : completionFlags(command),
      ...(command.name() === COMPLETION_COMMAND ? { operands: SHELLS } : {}),
    })),
  ];
}

/** The flag a commander error is about, e.g. `--bogus` for "unknown option '--bogus=1'". */
function flagNamedIn(message: string): string | undefined {
  return /'(--?[^'\s=]+)/.exec(message)?.[1];
}

function usageErrorOf(error: CommanderError, command: Command, argv: readonly string[]): JobError {
  // commander's suggestion ("(Did you mean --dry-run?)") comes on a line of its own; an unknown
  // `--flag=value` is quoted without its value, which may be a secret.
  const message = error.message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/'(--?[^'\s=]+)=[^']*'/, "'$1'");
  const flag = error.code === 'commander.excessArguments' ? undefined : flagNamedIn(message);
  const removed =
    error.code === 'commander.unknownOption' && flag
      ? COMMAND_FLAGS.get(command)?.removed.get(flag)
      : undefined;
  return usageError(removed ? removedFlagMessage(removed) : message, {
    ...(flag ? { flag } : { arguments: command.args }),
    command: recordedCommand(argv),
  });
}

/** A flag's value as given; commander reads `--no-color` as color=false, true when absent: a bare flag of ours. */
function givenValue(command: Command, option: Option): unknown {
  const attribute = option.attributeName();
  const value = command.getOptionValue(attribute);
  if (!option.negate) return value;
  return value === false && command.getOptionValueSource(attribute) === 'cli' ? true : undefined;
}

/**
 * The flags given, by option key. An alias or renamed flag sets its option's key; given twice
 * under two names, a list option gets both values and any other is a usage error.
 */
function givenFlags(command: Command, renamed: RenamedFlag[]): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  const givenAs = new Map<string, string>();
  for (const [option, target] of COMMAND_FLAGS.get(command)?.targets ?? []) {
    const value = givenValue(command, option);
    if (value === undefined) continue;
    const { key, flag } = target.entry;
    const previous = givenAs.get(key);
    if (previous === undefined) flags[key] = value;
    else if (target.entry.declaration.type.repeatable) flags[key] = [...(flags[key] as []), ...(value as [])];
    else throw usageError(`${previous} and ${option.long} are the same option: give ${flag} once`, { flag });
    givenAs.set(key, option.long ?? flag);
    if (target.renamed) renamed.push(target.renamed);
  }
  return flags;
}

const noticesShown = new Set<string>();

/** Each deprecation notice once per process: obs-daily resolves a job's command line before running it. */
function showDeprecationNotice(line: string): void {
  if (noticesShown.has(line)) return;
  noticesShown.add(line);
  process.stderr.write(`${line}\n`);
}

/**
 * Parses a binary's command line: which command runs and the flags it was given. A usage error
 * becomes JobError('invalid_usage') naming the flag; `--help`, `--version` and `completion` are
 * thrown as the CommanderError raised after printing them. A renamed flag of the earlier tooling
 * gets one notice on stderr (`notify`).
 */
export function parseCommandLine(
  program: Command,
  argv: readonly string[],
  notify: (line: string) => void = showDeprecationNotice,
): ParsedCommandLine {
  let parsed: ParsedCommandLine | undefined;
  const renamed: RenamedFlag[] = [];
  program.action(() => {
    if (program.commands.length > 0 && program.args.length > 0) {
      throw usageError(
        `unknown command '${program.args[0]}' (the subcommands are ${program.commands.map((command) => command.name()).join(', ')})`,
        { arguments: program.args, command: recordedCommand(argv) },
      );
    }
    parsed = { subcommand: null, flags: givenFlags(program, renamed) };
  });
  for (const command of program.commands) {
    if (command.name() === COMPLETION_COMMAND) continue;
    command.action(() => {
      if (command.options.length === 0) {
        throw usageError(`${command.name()} must come first: ${program.name()} ${command.name()} [options]`, {
          arguments: program.args,
          command: recordedCommand(argv),
        });
      }
      parsed = { subcommand: command.name(), flags: givenFlags(command, renamed) };
    });
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (PRINTED_CODES.has(error.code)) throw error;
    const failed = program.commands.find((command) => command.name() === argv[0]) ?? program;
    throw usageErrorOf(error, failed, argv);
  }
  if (!parsed) throw new Error(`${program.name()}: the command line ran no command`);
  for (const migration of renamed) notify(deprecationNotice(program.name(), migration));
  return parsed;
}
