/** The output flags every command takes (`--json`, `--pretty`, `--no-color`). */
export interface OutputFlags {
  json: boolean;
  pretty: boolean;
  noColor: boolean;
}

export type OutputForm = 'human' | 'json';

/** How one invocation shows its result on stdout. */
export interface OutputChoice {
  /** human: the short summary for a person; json: the summary document */
  form: OutputForm;
  /** the JSON indented (`--pretty`) rather than on one line */
  pretty: boolean;
  /** ANSI colours in the human form */
  color: boolean;
}

const FLAG_NAMES: Record<keyof OutputFlags, string> = {
  json: '--json',
  pretty: '--pretty',
  noColor: '--no-color',
};

/**
 * The output flags of a command line that could not be parsed, read from the words themselves
 * (a usage error still honours `--json`).
 */
export function outputFlagsInArgv(argv: readonly string[]): OutputFlags {
  const has = (key: keyof OutputFlags) => argv.includes(FLAG_NAMES[key]);
  return { json: has('json'), pretty: has('pretty'), noColor: has('noColor') };
}

/** NO_COLOR (https://no-color.org): any non-empty value turns colour off; so does TERM=dumb. */
export function colorRefusedByEnv(env: NodeJS.ProcessEnv): boolean {
  return (env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb';
}

/**
 * The human summary on a terminal; the JSON document — on one line — when stdout is not a
 * terminal (cron, CI, pipes, the journal) or with `--json`; indented with `--pretty`.
 */
export function chooseOutput(
  flags: OutputFlags,
  stdoutIsTerminal: boolean,
  env: NodeJS.ProcessEnv,
): OutputChoice {
  const form: OutputForm = stdoutIsTerminal && !flags.json && !flags.pretty ? 'human' : 'json';
  return {
    form,
    pretty: flags.pretty,
    color: form === 'human' && !flags.noColor && !colorRefusedByEnv(env),
  };
}
