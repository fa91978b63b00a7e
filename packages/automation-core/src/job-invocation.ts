import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { resolveNow } from './clock.js';
import { loadYamlConfig } from './config-loader.js';
import { DEFAULT_LOCK_STALE_SECONDS } from './file-lock.js';
import type { JobDefinition, OptionSpec } from './job-definition.js';
import { usageError } from './job-error.js';
import { jobSlug, validateJobId } from './job-id.js';
import { describeZodIssue, isZodError, optionKey, resolveOptionValues } from './option-resolution.js';
import { describeCommand } from './run-context.js';

export interface CommonOptions {
  root: string;
  now: Date;
  jobName?: string;
  jobId?: string;
  logFile: string;
  sequenceFile: string;
  lockStaleSeconds?: number;
  jsonOut?: string;
  configDump: boolean;
}

export interface JobInvocation<O> {
  common: CommonOptions;
  options: O;
  configPath: string;
  /** what --config-dump prints: the effective configuration, secrets by env-var name only */
  dump: Record<string, unknown>;
}

export const DEFAULT_LOG_FILE = 'ops/automation_runs.log';
export const DEFAULT_SEQUENCE_FILE = 'ops/automation_runs.sequence';

interface CommonFlag {
  flags: string;
  description: string;
}

function commonFlags(definition: JobDefinition<unknown, unknown>): CommonFlag[] {
  return [
    {
      flags: '--root <dir>',
      description: 'workspace root (default: env OBS_ROOT, else the current directory)',
    },
    ...(definition.config
      ? [
          {
            flags: `${definition.config.flag ?? '--config'} <yaml>`,
            description: `job config; a missing default file means built-in defaults (default: ${definition.config.defaultPath})`,
          },
        ]
      : []),
    {
      flags: '--job-name <name>',
      description: `job name for the job id and log (default: ${definition.name})`,
    },
    {
      flags: '--job-id <id>',
      description:
        'job id, must match ^[0-9]{8}T[0-9]{6}Z-[a-z0-9_-]+$ (default: <--now as YYYYMMDDThhmmssZ>-<job name slug>)',
    },
    {
      flags: '--now <iso>',
      description: 'clock override for every time rule (default: env OBS_NOW, else the system time)',
    },
    { flags: '--log-file <path>', description: `run log (default: ${DEFAULT_LOG_FILE})` },
    { flags: '--sequence-file <path>', description: `sequence file (default: ${DEFAULT_SEQUENCE_FILE})` },
    {
      flags: '--lock-stale-seconds <n>',
      description: `a lock not refreshed for this long is taken over (default: ${DEFAULT_LOCK_STALE_SECONDS})`,
    },
    { flags: '--json-out <path>', description: 'also write the JSON summary to this file (default: none)' },
    {
      flags: '--config-dump',
      description: 'print the effective configuration as JSON and exit 0 without side effects (default: off)',
    },
  ];
}

function describeDefault(spec: OptionSpec): string {
  if (spec.defaultLabel !== undefined) return `${spec.description} (default: ${spec.defaultLabel})`;
  if (spec.defaultValue === undefined) return `${spec.description} (default: ${spec.value ? 'none' : 'off'})`;
  const shown = Array.isArray(spec.defaultValue) ? spec.defaultValue.join(', ') : String(spec.defaultValue);
  return `${spec.description} (default: ${shown})`;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The commander program for a job: common flags plus the job's own, each with its default. */
export function buildJobCommand(definition: JobDefinition<unknown, unknown>): Command {
  const command = new Command(definition.binary)
    .description(definition.description)
    .exitOverride()
    .allowExcessArguments(false)
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  for (const flag of commonFlags(definition)) command.option(flag.flags, flag.description);
  for (const spec of definition.options) {
    const option = new Option(spec.value ? `${spec.flag} ${spec.value}` : spec.flag, describeDefault(spec));
    if (spec.repeatable) option.argParser(collect);
    command.addOption(option);
  }
  command.addHelpText('after', `\nExamples:\n${definition.examples.map((line) => `  ${line}`).join('\n')}\n`);
  return command;
}

/** The flag a commander error is about, e.g. `--bogus` for "unknown option '--bogus=1'". */
function flagNamedIn(message: string): string | undefined {
  return /'(--?[^'\s=]+)/.exec(message)?.[1];
}

/** Parses argv with commander; usage errors become JobError('invalid_usage') naming the flag. */
export function parseArgv(command: Command, argv: readonly string[]): Record<string, unknown> {
  try {
    command.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') throw error;
      const flag = error.code === 'commander.excessArguments' ? undefined : flagNamedIn(error.message);
      throw usageError(error.message.replace(/^error: /, ''), {
        ...(flag ? { flag } : { arguments: command.args }),
        command: describeCommand(argv),
      });
    }
    throw error;
  }
  const flags: Record<string, unknown> = {};
  for (const option of command.options) {
    const value = command.getOptionValue(option.attributeName());
    if (value !== undefined && option.long) flags[optionKey(option.long)] = value;
  }
  return flags;
}

/** Parses a job's command line into flag values keyed by option key (see parseArgv). */
export function parseJobArgv(
  definition: JobDefinition<unknown, unknown>,
  argv: readonly string[],
): Record<string, unknown> {
  return parseArgv(buildJobCommand(definition), argv);
}

function optionalString(flags: Record<string, unknown>, key: string): string | undefined {
  const value = flags[key];
  return typeof value === 'string' ? value : undefined;
}

/** The workspace root: `--root`, else OBS_ROOT, else the current directory; it must exist. */
export function resolveRoot(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): string {
  const flagValue = optionalString(flags, 'root');
  const source = flagValue !== undefined ? '--root' : env.OBS_ROOT ? 'OBS_ROOT' : undefined;
  const root = resolve(flagValue ?? (env.OBS_ROOT || process.cwd()));
  if (source && !statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`${source} ${root} is not a directory`, { flag: source });
  }
  return root;
}

function parseCommon(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): CommonOptions {
  const staleText = optionalString(flags, 'lock_stale_seconds');
  const lockStaleSeconds = staleText === undefined ? undefined : Number(staleText);
  if (lockStaleSeconds !== undefined && !(Number.isFinite(lockStaleSeconds) && lockStaleSeconds > 0)) {
    throw usageError(`--lock-stale-seconds: "${staleText}" is not a positive number`, {
      flag: '--lock-stale-seconds',
    });
  }
  const jobName = optionalString(flags, 'job_name');
  if (jobName !== undefined) jobSlug(jobName);
  const jobId = optionalString(flags, 'job_id');
  if (jobId !== undefined) validateJobId(jobId);
  return {
    root: resolveRoot(flags, env),
    now: resolveNow(optionalString(flags, 'now'), env),
    jobName,
    jobId,
    logFile: optionalString(flags, 'log_file') ?? DEFAULT_LOG_FILE,
    sequenceFile: optionalString(flags, 'sequence_file') ?? DEFAULT_SEQUENCE_FILE,
    lockStaleSeconds,
    jsonOut: optionalString(flags, 'json_out'),
    configDump: flags.config_dump === true,
  };
}

/**
 * Resolves a job's command line into typed options: flag > config file > built-in default.
 * Throws JobError with exit code 2 for a bad flag or config.
 */
export async function resolveJobInvocation<O, C>(
  definition: JobDefinition<O, C>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<JobInvocation<O>> {
  const flags = parseJobArgv(definition as unknown as JobDefinition<unknown, unknown>, argv);
  return resolveParsedInvocation(definition, flags, env);
}

/** resolveJobInvocation for flags already parsed with parseJobArgv. */
export async function resolveParsedInvocation<O, C>(
  definition: JobDefinition<O, C>,
  flags: Record<string, unknown>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<JobInvocation<O>> {
  const common = parseCommon(flags, env);
  const configSpec = definition.config;
  const configFlagKey = optionKey(configSpec?.flag ?? '--config');
  const configFlag = optionalString(flags, configFlagKey);
  const configPath = configFlag ?? configSpec?.defaultPath ?? '';
  let config = {} as C;
  let configExists = false;
  let absoluteConfigPath = '';
  if (configSpec) {
    const loaded = await loadYamlConfig(configSpec.schema, configPath, {
      root: common.root,
      explicit: configFlag !== undefined,
      flag: configSpec.flag ?? '--config',
    });
    config = loaded.config as C;
    configExists = loaded.exists;
    absoluteConfigPath = loaded.path;
  }
  const configDefaults = configSpec?.flagDefaults
    ? configSpec.flagDefaults(config)
    : ((config ?? {}) as Record<string, unknown>);
  const { values, explicit } = resolveOptionValues(
    definition.options,
    flags,
    configDefaults,
    absoluteConfigPath,
  );
  let options: O;
  try {
    options = await definition.finalize({
      values,
      config,
      configPath: absoluteConfigPath,
      configExists,
      root: common.root,
      now: common.now,
      common,
      explicit,
    });
  } catch (error) {
    // A zod parse inside finalize is a bad value; anything else is a fault of the job itself.
    if (isZodError(error)) throw usageError(`invalid options: ${describeZodIssue(error)}`);
    throw error;
  }
  const secretKeys = new Set(
    definition.options.filter((spec) => spec.secretEnv).map((spec) => optionKey(spec.flag)),
  );
  const dump = {
    job: definition.name,
    job_name: common.jobName ?? definition.name,
    root: common.root,
    config_path: absoluteConfigPath || null,
    config_exists: configExists,
    common: {
      log_file: common.logFile,
      sequence_file: common.sequenceFile,
      lock_file: definition.lockFile(options),
      lock_stale_seconds: common.lockStaleSeconds ?? DEFAULT_LOCK_STALE_SECONDS,
      json_out: common.jsonOut ?? null,
    },
    options: Object.fromEntries(
      Object.entries(values).map(([key, value]) => [key, secretKeys.has(key) ? { env: value } : value]),
    ),
    config,
  };
  return { common, options, configPath: absoluteConfigPath, dump };
}
