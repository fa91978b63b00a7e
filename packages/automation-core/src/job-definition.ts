import type * as z from 'zod';
import type { CommonOptionKey, CommonOptions } from './command-line/common-options.js';
import type { FlagMigration } from './command-line/flag-migrations.js';
import type { OptionDeclarations, OptionSet, OptionValues } from './command-line/option-declaration.js';
import type { JobStatus } from './job-error.js';
import type { JobRunResult } from './job-runner.js';
import type { JobMetricsInput, MetricSample } from './metrics/metric-families.js';
import type { EffectiveNotificationConfig, ImplicitRouting } from './notifications/notification-config.js';
import type { CarriedAlert, JobEvents } from './notifications/notification-events.js';
import type { InnerSummaries, SummaryDescriber } from './output/human-summary.js';
import type { TerminalRenderer } from './output/presentation.js';
import type { Scheduler } from './run-context.js';
import type { LogAlert } from './run-log-entry.js';

/** A job's YAML config file. */
export interface JobConfigSpec<C> {
  defaultPath: string;
  /**
   * The file's strict schema, usually `jobConfigSchema(options, ownKeys)` so every option is a
   * key of the file, loaded from the job's config module with `import()` when a file is read:
   * `--help` never loads zod.
   */
  loadSchema(): Promise<z.ZodType<C>>;
  /**
   * What a missing default file means, when no schema is needed to say it (no own key has a
   * default): a run without the file then loads no schema. Must equal the schema's reading of `{}`.
   */
  whenAbsent?: C;
  /**
   * option values the file sets, by config key (default: the file's keys that are option keys).
   * Values must already have been read by `schema` with the option's type (see optionConfigShape).
   */
  flagDefaults?(config: C): Record<string, unknown>;
}

export interface ResolvedInput<V, C> {
  /** every option after precedence (flag > config > default), typed from the declarations */
  values: V;
  config: C;
  configPath: string;
  configExists: boolean;
  root: string;
  /** the run's clock (`--now`), for options whose validity depends on time */
  now: Date;
  /** the common flags (job name and id, log and sequence files, …) */
  common: CommonOptions;
  /** option keys whose value came from the command line (common keys included) */
  explicit: ReadonlySet<string>;
  /** option keys whose value came from the config file */
  fromConfig: ReadonlySet<string>;
}

/** What every command declares: its help, its options and config, and how its typed options are made. */
export interface CommandBase<D extends OptionDeclarations, O, C> {
  /** default job name, e.g. `latency`: the job id's slug and the log's job_name */
  name: string;
  /** the name --help and --version show when run alone (default: the registry's binary for `name`) */
  binary?: string;
  description: string;
  /** at least one, shown by --help */
  examples: string[];
  options: OptionSet<D>;
  /**
   * Flags of the earlier tooling (docs/migration.md): `renamedFlag` ones are accepted with a
   * notice, `removedFlag` ones refused saying what replaces them.
   */
  flagMigrations?: readonly FlagMigration[];
  config?: JobConfigSpec<C>;
  /** the key facts of its summary (what it found), shown on a terminal */
  describeSummary?: SummaryDescriber;
  /** the summaries of the jobs a run ran inside it (obs-daily's chain): their problems are its next steps too */
  innerSummaries?: InnerSummaries;
  /** the whole terminal form, for a command whose summary is not a run's (obs-status's table) */
  renderForTerminal?: TerminalRenderer;
  /** what --help says the exit codes mean (default: a job's 0 ok, 1 failed, 2 usage) */
  exitCodes?: string;
  /**
   * Typed options from the resolved values, for what declarations cannot say (cross-field
   * checks, files the options name); throws usageError/configError. Without it the options
   * are the values.
   */
  finalize?(input: ResolvedInput<OptionValues<D>, C>): Promise<O> | O;
}

/** A job: run by the harness under its lock, with a heartbeat and a run-log entry. */
export interface JobDefinition<
  D extends OptionDeclarations = OptionDeclarations,
  O = OptionValues<D>,
  C = Record<string, unknown>,
> extends CommandBase<D, O, C> {
  /** lock and heartbeat paths come from the resolved options */
  lockFile(options: O): string;
  /**
   * For a job whose lock is shared with short data writes: how long a run waits for its lock
   * while one of the holders named (e.g. `latency-record`) has it. Without it — or when another
   * run holds the lock — the run is `skipped` at once.
   */
  lockWait?(options: O): { seconds: number; whileHeldBy: readonly string[] };
  heartbeatFile?(options: O): string;
  /** the run log this run's entry goes to (default: --log-file) */
  logFile?(options: O): string;
  /** receivers and routes the job's own config brings (obs-latency's `webhooks`), routed first */
  notificationRouting?(options: O): ImplicitRouting | null;
  /** alerts an earlier release notified, from the previous heartbeat; read once, when the job has no notification state yet */
  carriedAlerts?(
    options: O,
    previousHeartbeat: Record<string, unknown>,
  ): CarriedAlert[] | Promise<CarriedAlert[]>;
  /** what --config-dump prints (default: the effective configuration, `dump`) */
  configDump?(options: O, dump: Record<string, unknown>): Record<string, unknown>;
  /**
   * The job's own series for its Prometheus textfile (families of METRIC_FAMILIES), from its
   * run's summary and heartbeat fields; a series it leaves out keeps the previous file's value.
   */
  metrics?(run: JobMetricsInput): MetricSample[];
  run(options: O, context: JobContext): Promise<JobOutcome>;
}

/** What a command that is not a job run sees of its invocation. */
export interface CommandContext {
  common: CommonOptions;
  configPath: string;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  resolvePath(path: string): string;
  relativePath(path: string): string;
}

/** A command outside the job harness (no lock of its own, no log entry), such as `obs-latency record`. */
export interface CommandDefinition<
  D extends OptionDeclarations = OptionDeclarations,
  O = OptionValues<D>,
  C = Record<string, unknown>,
> extends CommandBase<D, O, C> {
  /** the common flags it takes */
  commonOptions: readonly CommonOptionKey[];
  /** its summary; a thrown JobError becomes the error summary */
  execute(options: O, context: CommandContext): Promise<JobRunResult>;
}

/** Any job, whatever its options: what obs-daily's chain and a program's subcommands hold. */
export type AnyJobDefinition = JobDefinition<OptionDeclarations, unknown, unknown>;
export type AnyCommandDefinition = AnyJobDefinition | CommandDefinition<OptionDeclarations, unknown, unknown>;

export function isJobDefinition(definition: AnyCommandDefinition): definition is AnyJobDefinition {
  return 'run' in definition;
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
  /** the run's notification routing (notifications.yaml and the job's own receivers) */
  notifications: EffectiveNotificationConfig | null;
  /** this job's heartbeat as the previous run left it (null when missing or corrupt) */
  previousHeartbeat: Record<string, unknown> | null;
  /** notes for whoever debugs the job, on stderr with OBS_LOG_LEVEL=info (JSON lines) */
  log(message: string, fields?: Record<string, unknown>): void;
  /**
   * one stderr line now, `obs-<job>: <code>: <message> (docs/runbook.md#<code>)`, for each of
   * several problems the summary's one error code stands for (each schema violation of a payload)
   */
  reportProblem(code: string, message: string): void;
}

export interface JobOutcome {
  status: Exclude<JobStatus, 'skipped'>;
  /**
   * the run only rehearsed (sent and uploaded nothing), whatever its status — an obs-daily
   * chain under --dry-run may end `warning`: never a real success
   */
  dryRun?: boolean;
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
  /** the events this run evaluated and which of them fire (job_failed is the harness's own) */
  events?: JobEvents;
}
