import type { z } from 'zod';
import type { JobStatus } from './job-error.js';
import type { CommonOptions } from './job-invocation.js';
import type { Scheduler } from './run-context.js';
import type { LogAlert } from './run-log-entry.js';

/** One command-line flag of a job; its config-file key is the snake_case form of the flag. */
export interface OptionSpec {
  /** e.g. `--raw-retention-days` */
  flag: string;
  /** placeholder for a value, e.g. `<days>`; absent for a bare (boolean) flag */
  value?: string;
  description: string;
  /** built-in default, used when neither the flag nor the config sets the option */
  defaultValue?: unknown;
  /** how --help shows the default when it is not a literal value, e.g. `the job's lock file` */
  defaultLabel?: string;
  /** validates (and coerces) both a flag's string and a config value */
  schema: z.ZodType;
  /** may be given several times; the value is then a list */
  repeatable?: boolean;
  /** a secret's env-var name: shown by name only */
  secretEnv?: boolean;
}

export interface JobConfigSpec<C> {
  /** the flag that names the file, default `--config` */
  flag?: string;
  defaultPath: string;
  schema: z.ZodType<C>;
  /** config values that act as flag defaults, keyed by option key; default: the config's own keys */
  flagDefaults?: (config: C) => Record<string, unknown>;
}

export interface ResolvedInput<C> {
  /** every option after precedence (flag > config > default), keyed by snake_case option key */
  values: Record<string, unknown>;
  config: C;
  configPath: string;
  configExists: boolean;
  root: string;
  /** the run's clock (`--now`), for options whose validity depends on time */
  now: Date;
  /** the common flags every job takes (job name and id, log and sequence files, …) */
  common: CommonOptions;
  /** keys whose value came from the command line */
  explicit: ReadonlySet<string>;
}

export interface JobDefinition<Options, Config = Record<string, unknown>> {
  /** default job name, e.g. `latency` */
  name: string;
  /** binary name for --help, e.g. `obs-latency` */
  binary: string;
  description: string;
  examples: string[];
  options: OptionSpec[];
  config?: JobConfigSpec<Config>;
  /** lock and heartbeat paths come from the resolved options */
  lockFile(options: Options): string;
  heartbeatFile?(options: Options): string;
  /** turns resolved values into the job's typed options; throws configError/usageError */
  finalize(input: ResolvedInput<Config>): Promise<Options> | Options;
  run(options: Options, context: JobContext): Promise<JobOutcome>;
}

export interface JobContext {
  jobName: string;
  jobId: string;
  /** the run's clock (`--now`), fixed for the run */
  now: Date;
  startedAt: Date;
  root: string;
  command: string;
  commitSha: string;
  environment: string;
  scheduler: Scheduler;
  configPath: string;
  parentJobId?: string;
  lockLatencyMs: number;
  /** aborted when the run is interrupted (SIGTERM/SIGINT) or its lock is compromised */
  signal: AbortSignal;
  /** throws the interruption as a JobError at a safe point */
  checkpoint(): void;
  /** absolute path for a root-relative (or absolute) path */
  resolvePath(path: string): string;
  /** root-relative path for artefact lists */
  relativePath(path: string): string;
  /** reads an environment variable holding a secret and records its name (never its value) */
  readSecret(envName: string): string | undefined;
  /** this job's heartbeat as the previous run left it (null when missing or corrupt) */
  previousHeartbeat: Record<string, unknown> | null;
  /** human-readable diagnostics on stderr */
  log(message: string, fields?: Record<string, unknown>): void;
}

export interface JobOutcome {
  status: Exclude<JobStatus, 'skipped'>;
  artefacts: string[];
  alerts?: LogAlert[];
  attempts?: number;
  diagnostics?: Record<string, unknown>;
  /** job-specific fields of the stdout summary (and of the log entry's, unless logSummary is set) */
  summary?: Record<string, unknown>;
  /** job-specific fields for the log entry's summary when they must be shorter than stdout's */
  logSummary?: Record<string, unknown>;
  /** job-specific heartbeat fields */
  heartbeat?: Record<string, unknown>;
}
