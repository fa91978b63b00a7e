import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_REGISTRY, type JobName } from '../../packages/automation-core/src/job-registry.js';
import { BIN, type CliResult, cleanEnv, makeWorkspace, runCli } from '../support/cli-process.js';
import { runShell } from '../support/release.js';
import { optionsOf } from '../verify/support/help-text.js';

// The conventions every binary shares (spec 70, "Output"): --dry-run on every job, the
// job-specific names as aliases, `completion bash|zsh|fish` generated from the same
// declarations as --help, and the exit codes with the runbook link at the end of every --help.

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root, cleanup } = await makeWorkspace('obs-conventions-'));
});
afterAll(() => cleanup());

const JOBS_WITH_DRY_RUN = JOB_REGISTRY.filter((job) => job.dryRunFlag !== null);
const WITHOUT_DRY_RUN = JOB_REGISTRY.filter((job) => job.dryRunFlag === null);
const REQUIRED: Partial<Record<JobName, string[]>> = { daily: ['--observability'] };

const dumps = new Map<string, Promise<CliResult>>();

/** The effective options of a binary, as --config-dump prints them (run once per command line). */
async function dumpedOptions(name: JobName, args: string[]) {
  const key = [name, ...args].join(' ');
  const run =
    dumps.get(key) ??
    runCli(BIN[name], [...(REQUIRED[name] ?? []), ...args, '--root', root, '--config-dump'], {
      env: cleanEnv(),
    });
  dumps.set(key, run);
  const result = await run;
  expect(result.exitCode, result.stdout).toBe(0);
  const dump = result.json();
  return { options: (dump.chain ?? dump).options as Record<string, unknown>, stderr: result.stderr };
}

describe('--dry-run', () => {
  it.each(JOBS_WITH_DRY_RUN)('$binary --dry-run turns on exactly its dry run', async (job) => {
    expect(job.dryRunFlag).toBe('--dry-run');
    const plain = (await dumpedOptions(job.name, [])).options;
    const dry = (await dumpedOptions(job.name, ['--dry-run'])).options;
    const changed = Object.keys(dry).filter((key) => JSON.stringify(dry[key]) !== JSON.stringify(plain[key]));
    expect(changed).toHaveLength(1);
    expect(dry[changed[0] as string]).toBe(true);
  });

  it.each([
    ['latency', '--dry-run-alert'],
    ['weekly', '--dry-run-webhook'],
  ] as const)('%s keeps %s as a silent alias of --dry-run', async (name, alias) => {
    const viaAlias = await dumpedOptions(name, [alias]);
    expect(viaAlias.options).toEqual((await dumpedOptions(name, ['--dry-run'])).options);
    expect(viaAlias.stderr).toBe('');
  });

  it.each(
    WITHOUT_DRY_RUN.flatMap((job) =>
      [[], ...job.subcommands.map((subcommand) => [subcommand.name])].map((args) => [job, args] as const),
    ),
  )('%s %j refuses --dry-run, saying why', async (job, args) => {
    const result = await runCli(BIN[job.name], [...args, '--dry-run', '--root', root], { env: cleanEnv() });
    expect(result.exitCode).toBe(2);
    expect(result.json().diagnostics).toMatchObject({ error_code: 'invalid_usage', flag: '--dry-run' });
    expect(result.stderr).toMatch(
      new RegExp(
        `^${job.binary}: invalid_usage: --dry-run is not supported: .+ \\(docs/migration\\.md#dry-run\\)\\n$`,
      ),
    );
  });
});

/** Every command of every binary whose flags a completion script must offer. */
const COMMANDS = JOB_REGISTRY.flatMap((job) => [
  { job, args: [] as string[] },
  ...job.subcommands.map((subcommand) => ({ job, args: [subcommand.name] })),
]).map((command) => ({ ...command, name: [command.job.binary, ...command.args].join(' ') }));

const helpTexts = new Map<string, Promise<string>>();

/** What --help prints for a command, printed once per command. */
function helpText(name: JobName, args: string[]): Promise<string> {
  const key = [name, ...args].join(' ');
  const text =
    helpTexts.get(key) ??
    runCli(BIN[name], [...args, '--help'], { env: cleanEnv() }).then(({ stdout }) => stdout);
  helpTexts.set(key, text);
  return text;
}

/** The long flags --help lists for a command, --help and --version included. */
async function helpFlags(name: JobName, args: string[]): Promise<string[]> {
  return [
    ...optionsOf(await helpText(name, args)).map((option) => /--[a-z-]+/.exec(option)?.[0] ?? ''),
    '--help',
    '--version',
  ].sort();
}

const scripts = new Map<string, Promise<string>>();

/** The file holding `<binary> completion <shell>`'s script, printed once per binary and shell. */
function completionScript(name: JobName, shell: string): Promise<string> {
  const key = `${name}.${shell}`;
  const file =
    scripts.get(key) ??
    runCli(BIN[name], ['completion', shell], { env: cleanEnv() }).then(async (result) => {
      expect(result.exitCode, result.stderr).toBe(0);
      await writeFile(join(root, key), result.stdout);
      return join(root, key);
    });
  scripts.set(key, file);
  return file;
}

describe('completion', () => {
  it.each(COMMANDS)('bash completes every flag --help lists for $name', async ({ job, args }) => {
    const script = await completionScript(job.name, 'bash');
    const words = [job.binary, ...args, '--'];
    const result = await runShell(
      `source ${script}; COMP_WORDS=(${words.join(' ')}); COMP_CWORD=${words.length - 1}; _${job.binary.replace('-', '_')}_completion; printf '%s\\n' "\${COMPREPLY[@]}"`,
      { cwd: root, env: cleanEnv() },
    );
    expect(result.stdout.trim().split('\n').sort()).toEqual(await helpFlags(job.name, args));
  });

  it.each(JOB_REGISTRY)('bash completes the subcommands and the shells of $binary', async (job) => {
    const script = await completionScript(job.name, 'bash');
    const complete = async (words: string[]) =>
      (
        await runShell(
          `source ${script}; COMP_WORDS=(${words.join(' ')} ''); COMP_CWORD=${words.length}; _${job.binary.replace('-', '_')}_completion; printf '%s\\n' "\${COMPREPLY[@]}"`,
          { cwd: root, env: cleanEnv() },
        )
      ).stdout
        .trim()
        .split('\n');
    expect(await complete([job.binary])).toEqual(
      expect.arrayContaining([...job.subcommands.map((subcommand) => subcommand.name), 'completion']),
    );
    expect(await complete([job.binary, 'completion'])).toEqual(['bash', 'zsh', 'fish']);
  });

  it.skipIf(!existsSync('/usr/bin/fish')).each(COMMANDS)(
    'fish completes every flag --help lists for $name',
    async ({ job, args }) => {
      const script = await completionScript(job.name, 'fish');
      const result = await runShell(
        `/usr/bin/fish -c 'source ${script}; complete -C"${[job.binary, ...args, '--'].join(' ')}"'`,
        {
          cwd: root,
          env: cleanEnv({ HOME: root }),
        },
      );
      const flags = result.stdout
        .trim()
        .split('\n')
        .map((line) => line.split('\t')[0]);
      expect(flags.sort()).toEqual(await helpFlags(job.name, args));
    },
  );

  it.skipIf(!existsSync('/usr/bin/zsh')).each(JOB_REGISTRY)(
    'zsh loads the $binary script and registers it',
    async (job) => {
      const script = await completionScript(job.name, 'zsh');
      const result = await runShell(
        `/usr/bin/zsh -n ${script} && /usr/bin/zsh -fc 'autoload -Uz compinit && compinit -u -d ${root}/zcompdump; source ${script}; print -r -- $_comps[${job.binary}]'`,
        { cwd: root, env: cleanEnv({ HOME: root }) },
      );
      expect(result.stdout, result.stderr).toBe(`_${job.binary.replace('-', '_')}\n`);
      for (const flag of await helpFlags(job.name, [])) expect(readFlags(script)).toContain(flag);
    },
  );

  it('refuses a shell it has no script for', async () => {
    const result = await runCli(BIN.weekly, ['completion', 'tcsh'], { env: cleanEnv() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe(
      "obs-weekly: invalid_usage: command-argument value 'tcsh' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish. (docs/runbook.md#invalid_usage)\n",
    );
  });
});

/** The flags a zsh script's `_arguments` specs name. */
function readFlags(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/'\*?(--[a-z-]+)\[/g)].map((match) => match[1] as string);
}

describe('--help', () => {
  it.each(JOB_REGISTRY)(
    '$binary completion --help ends with the exit codes and the runbook link',
    async (job) => {
      const result = await runCli(BIN[job.name], ['completion', '--help'], { env: cleanEnv() });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: ${job.binary} completion \\[options\\] <shell>\\n`));
      expect(result.stdout).toMatch(
        /\nExit codes: 0 ok, warning, dry_run or skipped; 1 the run failed; 2 invalid usage or config\.\nWhat to do for each: docs\/runbook\.md#exit-codes\n+$/,
      );
    },
  );

  it.each(JOB_REGISTRY)('$binary --help lists completion among its commands', async (job) => {
    const help = await helpText(job.name, []);
    expect(help.split('\nCommands:\n')[1]).toMatch(
      /^ {2}completion \[options\] <shell> +print the shell completion script/m,
    );
  });
});
