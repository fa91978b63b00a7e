import { relative } from 'node:path';
import { versionLine } from './command-line/build-info.js';
import { buildProgram, type CommandLine, parseCommandLine } from './command-line/commander-program.js';
import {
  type CommonOptions,
  type CommonOptionsRequest,
  commonOptionsFor,
  resolveCommonOptions,
} from './command-line/common-options.js';
import { type OptionDeclarations, shownValue } from './command-line/option-declaration.js';
import {
  describeZodIssue,
  dumpedOptionValues,
  isZodError,
  resolveOptionValues,
} from './command-line/option-values.js';
import { loadYamlConfig } from './config-loader.js';
import { resolveContainedPath } from './contained-path.js';
import type { AnyCommandDefinition, CommandDefinition, JobDefinition } from './job-definition.js';
import { configError, JobError, usageError } from './job-error.js';
import { JOB_REGISTRY } from './job-registry.js';
import { quoteUntrusted } from './message-text.js';
import type { EffectiveNotificationConfig } from './notifications/notification-config.js';
import { notificationDump } from './notifications/notification-dump.js';

export interface JobInvocation<O> {
  common: CommonOptions;
  options: O;
  configPath: string;
  /** what --config-dump prints: the effective configuration, secrets by env-var name only */
  dump: Record<string, unknown>;
  /** a job's routing (notifications.yaml plus its own implicit receivers); commands have none */
  notifications: EffectiveNotificationConfig | null;
}

/** The binary a command's --help and --version name when it runs alone. */
export function binaryOf(definition: AnyCommandDefinition): string {
  return (
    definition.binary ?? JOB_REGISTRY.find((job) => job.name === definition.name)?.binary ?? definition.name
  );
}

function commonRequestOf(definition: AnyCommandDefinition): CommonOptionsRequest {
  return {
    name: definition.name,
    ...(definition.config ? { configPath: definition.config.defaultPath } : {}),
    ...('commonOptions' in definition ? { keys: definition.commonOptions } : {}),
    ownKeys: definition.options.entries.map((entry) => entry.key),
  };
}

/** What commander shows and parses for a command: the common flags, then its own. */
export function commandLineOf(definition: AnyCommandDefinition, name: string, binary = name): CommandLine {
  return {
    name,
    description: definition.description,
    examples: definition.examples,
    options: [...commonOptionsFor(commonRequestOf(definition)).entries, ...definition.options.entries],
    ...(definition.flagMigrations ? { migrations: definition.flagMigrations } : {}),
    version: versionLine(binary),
    ...(definition.exitCodes ? { exitCodes: definition.exitCodes } : {}),
  };
}

/** Parses a command line of one command run alone (no subcommands) into its flags by option key. */
export function parseJobArgv(
  definition: AnyCommandDefinition,
  argv: readonly string[],
): Record<string, unknown> {
  const binary = binaryOf(definition);
  return parseCommandLine(buildProgram(commandLineOf(definition, binary)), argv).flags;
}

function lockFileOf(definition: AnyCommandDefinition, options: unknown): Record<string, unknown> {
  return 'lockFile' in definition ? { lock_file: definition.lockFile(options) } : {};
}

/** The config as --config-dump shows it: option keys shown as the options are (a duration as `15m`). */
function dumpedConfig(
  definition: AnyCommandDefinition,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const shown = { ...config };
  for (const { configKey, declaration } of definition.options.entries) {
    const value = shown[configKey];
    if (value !== undefined && value !== null) shown[configKey] = shownValue(declaration, value);
  }
  return shown;
}

/**
 * Paths a config file names are paths read from a workspace file: each must resolve — following
 * links, also above one not yet written — inside the root (`invalid_config`, exit 2, naming the
 * file, the key and the path quoted). A flag may name any path: the command line is the
 * operator's.
 */
async function requireConfigPathsInside(
  definition: AnyCommandDefinition,
  values: Readonly<Record<string, unknown>>,
  fromConfig: ReadonlySet<string>,
  config: { root: string; configPath: string },
): Promise<void> {
  for (const { key, configKey, declaration } of definition.options.entries) {
    if (!declaration.type.isPath || !fromConfig.has(key)) continue;
    const value = values[key];
    for (const path of Array.isArray(value) ? value : [value]) {
      try {
        await resolveContainedPath(config.root, path, {
          code: 'invalid_config',
          what: `${configKey}:`,
          mayBeMissing: true,
          type: 'file_or_folder',
        });
      } catch (error) {
        if (!(error instanceof JobError)) throw error;
        const file = relative(config.root, config.configPath) || config.configPath;
        throw configError(`${quoteUntrusted(file)}: ${error.message}`, { file, key: configKey });
      }
    }
  }
}

/**
 * Resolves a parsed command line into typed options: flag > config file > built-in default, then
 * the command's finalize. Throws JobError with exit code 2 for a bad flag or config.
 */
export async function resolveInvocation<O>(
  definition: AnyCommandDefinition,
  flags: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<JobInvocation<O>> {
  const common = resolveCommonOptions(commonRequestOf(definition), flags, env);
  const configSpec = definition.config;
  let config: Record<string, unknown> = {};
  let configExists = false;
  let configPath = '';
  if (configSpec) {
    const loaded = await loadYamlConfig(configSpec, common.config, {
      root: common.root,
      explicit: common.explicit.has('config'),
      flag: '--config',
    });
    config = loaded.config as Record<string, unknown>;
    configExists = loaded.exists;
    configPath = loaded.path;
  }
  const byConfigKey = configSpec?.flagDefaults ? configSpec.flagDefaults(config) : config;
  const { values, explicit, fromConfig } = resolveOptionValues(definition.options, flags, byConfigKey);
  await requireConfigPathsInside(definition, values, fromConfig, { root: common.root, configPath });
  let options: O;
  try {
    options = (
      definition.finalize
        ? await definition.finalize({
            values,
            config,
            configPath,
            configExists,
            root: common.root,
            now: common.now,
            common,
            explicit: new Set([...common.explicit, ...explicit]),
            fromConfig,
          })
        : values
    ) as O;
  } catch (error) {
    // A zod parse inside finalize is a bad value; anything else is a fault of the job itself.
    if (isZodError(error)) throw usageError(`invalid options: ${describeZodIssue(error)}`);
    throw error;
  }
  const notifications =
    'run' in definition
      ? await (await import('./notifications/notification-config.js')).loadNotificationConfig(
          common.notificationsConfig,
          {
            root: common.root,
            explicit: common.notificationsConfigExplicit,
            implicit: definition.notificationRouting?.(options) ?? null,
          },
        )
      : null;
  const taken = commonOptionsFor(commonRequestOf(definition)).declarations;
  const runLog = 'logFile' in definition && definition.logFile ? definition.logFile(options) : common.logFile;
  const dump = {
    job: definition.name,
    job_name: common.jobName ?? definition.name,
    root: common.root,
    config_path: configPath || null,
    config_exists: configExists,
    common: {
      ...('logFile' in taken ? { log_file: runLog, sequence_file: common.sequenceFile } : {}),
      ...('metricsDir' in taken ? { metrics_dir: common.metricsDir } : {}),
      ...lockFileOf(definition, options),
      lock_stale_seconds: common.lockStaleSeconds,
      json_out: common.jsonOut ?? null,
    },
    options: dumpedOptionValues(definition.options, values),
    config: dumpedConfig(definition, config),
    ...(notifications ? { notifications: notificationDump(notifications, env) } : {}),
  };
  return { common, options, configPath, dump, notifications };
}

/** resolveInvocation for the command line of a command run alone, e.g. a job of obs-daily's chain. */
export async function resolveJobInvocation<D extends OptionDeclarations, O, C>(
  definition: JobDefinition<D, O, C> | CommandDefinition<D, O, C>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<JobInvocation<O>> {
  const any = definition as unknown as AnyCommandDefinition;
  return resolveInvocation<O>(any, parseJobArgv(any, argv), env);
}
