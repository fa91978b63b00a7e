import { buildProgram, COMPLETION_COMMAND, parseCommandLine } from './command-line/commander-program.js';
import type { AnyCommandDefinition } from './job-definition.js';
import { commandLineOf } from './job-invocation.js';
import { type JobName, registeredJob } from './job-registry.js';
import { type JobRunResult, type RunJobOptions, runCommandLine } from './job-runner.js';

/** A binary: its job's command, and a loader for each subcommand the job registry lists for it. */
export interface ProgramDefinition {
  job: JobName;
  main: AnyCommandDefinition;
  /** loaded only when the command line names them, so the job's own start-up stays short */
  subcommands?: Readonly<Record<string, () => Promise<AnyCommandDefinition>>>;
}

async function loadSubcommand(program: ProgramDefinition, name: string): Promise<AnyCommandDefinition> {
  const load = program.subcommands?.[name];
  if (!load) throw new Error(`${program.job}: the registry lists subcommand ${name}, the program has none`);
  return load();
}

/**
 * Runs one invocation of a binary: the subcommand the first argument names (see the job
 * registry), else the job itself, through one commander program with the same help, version,
 * usage errors and exit codes for all of them. `completion` loads every subcommand: its script
 * lists their flags.
 */
export async function runProgram(
  program: ProgramDefinition,
  argv: readonly string[],
  runOptions: RunJobOptions = {},
): Promise<JobRunResult> {
  const registered = registeredJob(program.job);
  const named = registered.subcommands.find((subcommand) => subcommand.name === argv[0]);
  const definition = named ? await loadSubcommand(program, named.name) : program.main;
  const completing = argv[0] === COMPLETION_COMMAND;
  const lines = await Promise.all(
    registered.subcommands.map(async ({ name, summary }) => {
      const loaded =
        name === named?.name ? definition : completing ? await loadSubcommand(program, name) : null;
      return { name, summary, line: loaded ? commandLineOf(loaded, name, registered.binary) : null };
    }),
  );
  const commander = buildProgram(commandLineOf(program.main, registered.binary), lines);
  return runCommandLine(
    definition,
    () => parseCommandLine(commander, argv).flags,
    argv,
    runOptions,
    registered.binary,
  );
}
