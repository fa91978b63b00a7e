/**
 * Shell completion scripts of a binary, generated from the commands and flags its commander
 * program declares, so that completion never lists a flag the binary does not take.
 */

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** What a flag's value completes to. */
export type CompletionValue = 'none' | 'file' | 'dir' | 'text' | { choices: readonly string[] };

export interface CompletionFlag {
  flag: string;
  description: string;
  repeatable: boolean;
  value: CompletionValue;
}

export interface CompletionCommand {
  name: string;
  summary: string;
  flags: readonly CompletionFlag[];
  /** the words a command takes after its name (`completion bash`) */
  operands?: readonly string[];
}

/** `obs-daily` → `obs_daily`: a shell function name. */
function identifier(binary: string): string {
  return binary.replace(/[^A-Za-z0-9_]/g, '_');
}

/** A single-quoted word for bash and zsh. */
function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A single-quoted word for fish, where only \\ and \' are escapes. */
function fishQuoted(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function bashValueCase(command: string, flag: CompletionFlag): string | null {
  const pattern = `"${command} ${flag.flag}"`;
  const value = flag.value;
  if (value === 'none') return null;
  if (value === 'file') return `    ${pattern}) return ;;`; // the default completion: file names
  if (value === 'dir') return `    ${pattern}) COMPREPLY=($(compgen -d -- "$cur")); return ;;`;
  if (value === 'text') return `    ${pattern}) compopt +o default 2>/dev/null; return ;;`;
  return `    ${pattern}) COMPREPLY=($(compgen -W ${shellQuoted(value.choices.join(' '))} -- "$cur")); return ;;`;
}

function bashScript(commands: readonly CompletionCommand[]): string {
  const [main, ...subcommands] = commands as [CompletionCommand, ...CompletionCommand[]];
  const fn = `_${identifier(main.name)}_completion`;
  const words = (command: CompletionCommand) =>
    shellQuoted([...(command.operands ?? []), ...command.flags.map((flag) => flag.flag)].join(' '));
  const valueCases = [
    ...main.flags.map((flag) => bashValueCase('', flag)),
    ...subcommands.flatMap((command) => command.flags.map((flag) => bashValueCase(command.name, flag))),
  ].filter((line): line is string => line !== null);
  return [
    `# bash completion for ${main.name}, printed by \`${main.name} completion bash\`.`,
    `# Load it with: source <(${main.name} completion bash)`,
    `${fn}() {`,
    `  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} command=`,
    '  if (( COMP_CWORD > 1 )); then',
    `    case \${COMP_WORDS[1]} in`,
    ...(subcommands.length > 0
      ? [`      ${subcommands.map((command) => command.name).join('|')}) command=\${COMP_WORDS[1]} ;;`]
      : []),
    '    esac',
    '  fi',
    '  case "$command $prev" in',
    ...valueCases,
    '  esac',
    '  local words',
    '  case $command in',
    ...subcommands.map((command) => `    ${command.name}) words=${words(command)} ;;`),
    `    *) words=${words(main)}`,
    `       (( COMP_CWORD == 1 )) && words=${shellQuoted(subcommands.map((command) => command.name).join(' '))}" $words" ;;`,
    '  esac',
    '  COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '}',
    `complete -o default -F ${fn} ${main.name}`,
    '',
  ].join('\n');
}

/** zsh `_arguments` text inside `[…]` and `'…'`. */
function zshDescription(text: string): string {
  return text.replace(/([[\]\\])/g, '\\$1').replaceAll("'", `'\\''`);
}

function zshAction(value: CompletionValue): string {
  if (value === 'none') return '';
  if (value === 'file') return ':file:_files';
  if (value === 'dir') return ':folder:_files -/';
  if (value === 'text') return ':value: ';
  return `:value:(${value.choices.join(' ')})`;
}

function zshSpecs(command: CompletionCommand, indent: string): string[] {
  return command.flags.map(
    (flag) =>
      `${indent}'${flag.repeatable ? '*' : ''}${flag.flag}[${zshDescription(flag.description)}]${zshAction(flag.value)}' \\`,
  );
}

function zshScript(commands: readonly CompletionCommand[]): string {
  const [main, ...subcommands] = commands as [CompletionCommand, ...CompletionCommand[]];
  const fn = `_${identifier(main.name)}`;
  return [
    `#compdef ${main.name}`,
    `# zsh completion for ${main.name}, printed by \`${main.name} completion zsh\`.`,
    `${fn}() {`,
    '  local curcontext=$curcontext state line',
    '  local -a commands',
    '  commands=(',
    ...subcommands.map((command) => `    ${shellQuoted(`${command.name}:${command.summary}`)}`),
    '  )',
    '  _arguments -C -s \\',
    ...zshSpecs(main, '    '),
    "    '1: :->command' \\",
    "    '*:: :->arguments' && return",
    '  case $state in',
    `    command) _describe -t commands ${shellQuoted(`${main.name} command`)} commands ;;`,
    '    arguments)',
    '      case $words[1] in',
    ...subcommands.flatMap((command) =>
      command.operands
        ? [`        ${command.name}) _values shell ${command.operands.join(' ')} ;;`]
        : [
            `        ${command.name}) _arguments -s \\`,
            ...zshSpecs(command, '            '),
            '            ;;',
          ],
    ),
    '      esac ;;',
    '  esac',
    '}',
    `if [[ $zsh_eval_context[-1] == loadautoload ]]; then ${fn} "$@"; else compdef ${fn} ${main.name}; fi`,
    '',
  ].join('\n');
}

function fishValue(value: CompletionValue): string {
  if (value === 'none') return '';
  if (value === 'file') return ' -r -F';
  if (value === 'dir') return " -x -a '(__fish_complete_directories (commandline -ct))'";
  if (value === 'text') return ' -x';
  return ` -x -a ${fishQuoted(value.choices.join(' '))}`;
}

function fishScript(commands: readonly CompletionCommand[]): string {
  const [main, ...subcommands] = commands as [CompletionCommand, ...CompletionCommand[]];
  const complete = `complete -c ${main.name}`;
  const flagLines = (command: CompletionCommand, condition: string) =>
    command.flags.map(
      (flag) =>
        `${complete} -n ${condition} -l ${flag.flag.replace(/^--/, '')}${fishValue(flag.value)} -d ${fishQuoted(flag.description)}`,
    );
  return [
    `# fish completion for ${main.name}, printed by \`${main.name} completion fish\`.`,
    `${complete} -f`,
    ...subcommands.map(
      (command) =>
        `${complete} -n __fish_use_subcommand -a ${command.name} -d ${fishQuoted(command.summary)}`,
    ),
    ...flagLines(main, '__fish_use_subcommand'),
    ...subcommands.flatMap((command) => {
      const condition = fishQuoted(`__fish_seen_subcommand_from ${command.name}`);
      return command.operands
        ? [`${complete} -n ${condition} -a ${fishQuoted(command.operands.join(' '))}`]
        : flagLines(command, condition);
    }),
    '',
  ].join('\n');
}

/** The completion script for `shell`; `commands` starts with the binary's own command. */
export function completionScript(shell: Shell, commands: readonly CompletionCommand[]): string {
  if (shell === 'bash') return bashScript(commands);
  if (shell === 'zsh') return zshScript(commands);
  return fishScript(commands);
}
