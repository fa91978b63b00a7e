import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveNow } from '../clock.js';
import { DEFAULT_LOCK_STALE_SECONDS } from '../file-lock.js';
import { usageError } from '../job-error.js';
import { JOB_ID_PATTERN, jobSlug } from '../job-id.js';
import type { OutputFlags } from '../output/output-mode.js';
import { WORKSPACE_LAYOUT } from '../workspace-layout.js';
import { defineOptions, type OptionValues } from './option-declaration.js';
import { flag, jobId, path, positive, text, timestamp } from './option-kit.js';
import { resolveOptionValues } from './option-values.js';

/** Where the metrics textfiles go when `--metrics-dir` is not given. */
export const METRICS_DIR_ENV = 'OBS_METRICS_DIR';
/** Where notifications.yaml is when `--notifications-config` is not given. */
export const NOTIFICATIONS_CONFIG_ENV = 'OBS_NOTIFICATIONS_CONFIG';

/** The flags every job takes, before its own; none is a config-file key. */
function commonDeclarations(jobName: string, configPath: string) {
  return {
    root: path('workspace root', {
      value: '<dir>',
      defaultLabel: 'env OBS_ROOT, else the current directory',
      inConfig: false,
    }),
    config: path('job config; a missing default file means built-in defaults', {
      value: '<yaml>',
      default: configPath,
      inConfig: false,
    }),
    jobName: text('job name for the job id and log', {
      value: '<name>',
      defaultLabel: jobName,
      inConfig: false,
    }),
    jobId: jobId(`job id, must match ${JOB_ID_PATTERN.source}`, {
      defaultLabel: '<--now as YYYYMMDDThhmmssZ>-<job name slug>',
      inConfig: false,
    }),
    now: timestamp('clock override for every time rule', {
      defaultLabel: 'env OBS_NOW, else the system time',
      inConfig: false,
    }),
    logFile: path('run log', { default: WORKSPACE_LAYOUT.runLog, inConfig: false }),
    sequenceFile: path('sequence file', { default: WORKSPACE_LAYOUT.sequenceFile, inConfig: false }),
    metricsDir: path(
      "folder of the Prometheus textfiles: the run replaces obs_<job>.prom there (point node_exporter's --collector.textfile.directory at it)",
      {
        value: '<dir>',
        defaultLabel: `env ${METRICS_DIR_ENV}, else ${WORKSPACE_LAYOUT.metricsDir}`,
        inConfig: false,
      },
    ),
    lockStaleSeconds: positive('a lock not refreshed for this long is taken over', {
      default: DEFAULT_LOCK_STALE_SECONDS,
      inConfig: false,
    }),
    notificationsConfig: path('receivers and routes of every notification (notifications.yaml)', {
      value: '<yaml>',
      defaultLabel: `env ${NOTIFICATIONS_CONFIG_ENV}, else ${WORKSPACE_LAYOUT.notificationsConfig}`,
      inConfig: false,
    }),
    jsonOut: path('also write the JSON summary to this file', { inConfig: false }),
    configDump: flag('print the effective configuration as JSON and exit 0 without side effects', {
      inConfig: false,
    }),
    json: flag('print the JSON summary on stdout even on a terminal (one line)', { inConfig: false }),
    pretty: flag('print the JSON summary indented', { inConfig: false }),
    noColor: flag('no colour on a terminal (so does a non-empty NO_COLOR)', { inConfig: false }),
  };
}

/** How stdout shows the summary: every command takes these, whatever common flags it takes otherwise. */
export const OUTPUT_OPTION_KEYS = ['json', 'pretty', 'noColor'] as const;

type CommonDeclarations = ReturnType<typeof commonDeclarations>;
export type CommonOptionKey = keyof CommonDeclarations;
export const COMMON_OPTION_KEYS = Object.keys(commonDeclarations('', '')) as CommonOptionKey[];

/** What a command needs to know to offer the common flags. */
export interface CommonOptionsRequest {
  /** the default job name */
  name: string;
  /** the default config file; without one there is no --config */
  configPath?: string;
  /** the common flags the command takes (default: all) */
  keys?: readonly CommonOptionKey[];
  /** keys the command declares itself, whose declaration replaces the common one */
  ownKeys: readonly string[];
}

/** The common flags a command takes, in --help order. */
export function commonOptionsFor(request: CommonOptionsRequest) {
  const declarations = commonDeclarations(request.name, request.configPath ?? '');
  const taken = (key: CommonOptionKey) =>
    [...(request.keys ?? COMMON_OPTION_KEYS), ...OUTPUT_OPTION_KEYS].includes(key) &&
    !request.ownKeys.includes(key) &&
    (key !== 'config' || request.configPath !== undefined);
  return defineOptions(
    Object.fromEntries(
      COMMON_OPTION_KEYS.filter(taken).map((key) => [key, declarations[key]]),
    ) as Partial<CommonDeclarations>,
  );
}

export interface CommonOptions {
  root: string;
  now: Date;
  jobName?: string;
  jobId?: string;
  logFile: string;
  sequenceFile: string;
  /** `--metrics-dir`, else OBS_METRICS_DIR, else the layout's default */
  metricsDir: string;
  lockStaleSeconds: number;
  jsonOut?: string;
  /** `--notifications-config`, else OBS_NOTIFICATIONS_CONFIG, else the layout's default */
  notificationsConfig: string;
  /** named by the flag or the variable: it must exist */
  notificationsConfigExplicit: boolean;
  configDump: boolean;
  output: OutputFlags;
  /** `--config`, or the default config path (empty without a config file) */
  config: string;
  /** common keys given on the command line */
  explicit: ReadonlySet<string>;
}

/** The workspace root: `--root`, else OBS_ROOT, else the current directory; it must exist. */
export function resolveRoot(flagValue: string | undefined, env: NodeJS.ProcessEnv): string {
  const source = flagValue !== undefined ? '--root' : env.OBS_ROOT ? 'OBS_ROOT' : undefined;
  const root = resolve(flagValue ?? (env.OBS_ROOT || process.cwd()));
  if (source && !statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`${source} ${root} is not a directory`, { flag: source });
  }
  return root;
}

/** Reads the common flags from a parsed command line; throws a usage error naming a bad one. */
export function resolveCommonOptions(
  request: CommonOptionsRequest,
  flags: Readonly<Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
): CommonOptions {
  const { values, explicit } = resolveOptionValues(commonOptionsFor(request), flags);
  const given = values as Partial<OptionValues<CommonDeclarations>>;
  if (given.jobName !== undefined) jobSlug(given.jobName);
  return {
    root: resolveRoot(given.root, env),
    now: given.now ?? resolveNow(undefined, env),
    jobName: given.jobName,
    jobId: given.jobId,
    logFile: given.logFile ?? WORKSPACE_LAYOUT.runLog,
    sequenceFile: given.sequenceFile ?? WORKSPACE_LAYOUT.sequenceFile,
    metricsDir: given.metricsDir ?? (env[METRICS_DIR_ENV]?.trim() || WORKSPACE_LAYOUT.metricsDir),
    lockStaleSeconds: given.lockStaleSeconds ?? DEFAULT_LOCK_STALE_SECONDS,
    jsonOut: given.jsonOut,
    notificationsConfig:
      given.notificationsConfig ?? (env[NOTIFICATIONS_CONFIG_ENV] || WORKSPACE_LAYOUT.notificationsConfig),
    notificationsConfigExplicit:
      given.notificationsConfig !== undefined || Boolean(env[NOTIFICATIONS_CONFIG_ENV]),
    configDump: given.configDump === true,
    output: { json: given.json === true, pretty: given.pretty === true, noColor: given.noColor === true },
    config: given.config ?? '',
    explicit,
  };
}
