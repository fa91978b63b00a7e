import { DEFAULT_WEBHOOK_SECRET_ENV } from './webhook/defaults.js';
import { WORKSPACE_LAYOUT } from './workspace-layout.js';

/**
 * How often a job is expected to run, from which lateness and staleness are judged (see
 * `judgeFreshness`): late after two periods without a real success, stale at `staleAfterSeconds`.
 */
export interface JobSchedule {
  /** the scheduler's period, e.g. 900 for the 15-minute chain */
  periodSeconds: number;
  /** how long without a real success makes the job stale (obs-status and obs-verify may override it) */
  staleAfterSeconds: number;
  /** what the deploy examples schedule, for people */
  description: string;
}

/** A subcommand of a job's binary, e.g. `obs-latency record`. */
export interface RegisteredSubcommand {
  name: string;
  /** one line for the binary's --help */
  summary: string;
}

/**
 * A file in which a job records its runs beyond its heartbeat; `obs-verify rebuild-log` reads
 * each kind with its own reader to reconstruct runs a lost log no longer holds.
 */
export type RunRecordKind =
  | 'latency_archive_manifest'
  | 'weekly_history_manifest'
  | 'dashboard_manifest'
  | 'dashboard_history'
  | 'dashboard_archive_manifest';

export interface RunRecord {
  kind: RunRecordKind;
  path: string;
}

/** One binary of the product: everything the tooling around it needs to know, once. */
export interface RegisteredJob {
  name: string;
  /** the binary, e.g. `obs-latency` */
  binary: string;
  /** the folder under `packages/` that builds the binary */
  packageDir: string;
  /**
   * a tool that only reads the workspace (obs-status): no lock, no heartbeat, no log entry, no
   * schedule; everything else is a job that runs on a schedule and records its runs
   */
  readsOnly: boolean;
  /** the job's lock, relative to the root (null: a tool that reads only) */
  lockFile: string | null;
  /** the job's heartbeat, relative to the root (null: the job keeps none) */
  heartbeatFile: string | null;
  /** the job's YAML config, relative to the root (null: the job has none) */
  configFile: string | null;
  /** the job's own flag for a rehearsal that sends and uploads nothing */
  dryRunFlag: string | null;
  /** run by `obs-daily --observability`, in registry order */
  chained: boolean;
  /** null: a tool that reads only, run when someone asks */
  schedule: JobSchedule | null;
  subcommands: readonly RegisteredSubcommand[];
  /** the environment variables naming where it delivers and how it signs (null: it delivers no webhook of its own) */
  webhook: { urlEnv: string; secretEnv: string } | null;
  /** where it records its runs besides the heartbeat (see RunRecordKind) */
  runRecords: readonly RunRecord[];
  /** JSON-lines manifests in which its retention records each deletion before it happens (a rehearsal's notification files included) */
  deletionManifests: readonly string[];
}

const HOUR_SECONDS = 3600;

/** The chain's jobs: late after 30 minutes without a real success, stale after 2 hours. */
const EVERY_15_MINUTES: JobSchedule = {
  periodSeconds: 15 * 60,
  staleAfterSeconds: 2 * HOUR_SECONDS,
  description: 'every 15 minutes, in the obs-daily chain',
};

/** Every job, in the order the chain runs the chained ones. */
export const JOB_REGISTRY = [
  {
    name: 'latency',
    binary: 'obs-latency',
    packageDir: 'latency-cli',
    readsOnly: false,
    lockFile: WORKSPACE_LAYOUT.latencyLock,
    heartbeatFile: WORKSPACE_LAYOUT.latencyHeartbeat,
    configFile: WORKSPACE_LAYOUT.latencyConfig,
    dryRunFlag: '--dry-run',
    chained: true,
    schedule: EVERY_15_MINUTES,
    subcommands: [
      { name: 'record', summary: 'append latency samples under the job’s lock' },
      { name: 'compact-archives', summary: 'fold per-run latency archives into day archives' },
    ],
    webhook: null,
    runRecords: [{ kind: 'latency_archive_manifest', path: WORKSPACE_LAYOUT.latencyArchiveManifest }],
    deletionManifests: [
      WORKSPACE_LAYOUT.latencyArchiveManifest,
      WORKSPACE_LAYOUT.latencyRetentionManifest,
      WORKSPACE_LAYOUT.notificationRetentionManifest,
    ],
  },
  {
    name: 'weekly',
    binary: 'obs-weekly',
    packageDir: 'weekly-cli',
    readsOnly: false,
    lockFile: WORKSPACE_LAYOUT.weeklyLock,
    heartbeatFile: WORKSPACE_LAYOUT.weeklyHeartbeat,
    configFile: WORKSPACE_LAYOUT.weeklyConfig,
    dryRunFlag: '--dry-run',
    chained: true,
    schedule: EVERY_15_MINUTES,
    subcommands: [],
    webhook: { urlEnv: 'OBS_WEEKLY_WEBHOOK_URL', secretEnv: DEFAULT_WEBHOOK_SECRET_ENV },
    runRecords: [{ kind: 'weekly_history_manifest', path: WORKSPACE_LAYOUT.weeklyHistoryManifest }],
    deletionManifests: [
      WORKSPACE_LAYOUT.weeklyHistoryManifest,
      WORKSPACE_LAYOUT.weeklyRetentionManifest,
      WORKSPACE_LAYOUT.notificationRetentionManifest,
    ],
  },
  {
    name: 'dashboard',
    binary: 'obs-dashboard',
    packageDir: 'dashboard-cli',
    readsOnly: false,
    lockFile: WORKSPACE_LAYOUT.dashboardLock,
    heartbeatFile: WORKSPACE_LAYOUT.dashboardHeartbeat,
    configFile: WORKSPACE_LAYOUT.dashboardConfig,
    dryRunFlag: '--dry-run',
    chained: true,
    schedule: EVERY_15_MINUTES,
    subcommands: [],
    webhook: null,
    runRecords: [
      { kind: 'dashboard_manifest', path: WORKSPACE_LAYOUT.dashboardManifest },
      { kind: 'dashboard_history', path: WORKSPACE_LAYOUT.dashboardHistoryDir },
      { kind: 'dashboard_archive_manifest', path: WORKSPACE_LAYOUT.dashboardArchiveManifest },
    ],
    deletionManifests: [
      WORKSPACE_LAYOUT.dashboardArchiveManifest,
      WORKSPACE_LAYOUT.notificationRetentionManifest,
    ],
  },
  {
    name: 'verify',
    binary: 'obs-verify',
    packageDir: 'verify-cli',
    readsOnly: false,
    lockFile: WORKSPACE_LAYOUT.verifyLock,
    heartbeatFile: WORKSPACE_LAYOUT.verifyHeartbeat,
    configFile: null,
    dryRunFlag: null,
    chained: false,
    schedule: {
      periodSeconds: 24 * HOUR_SECONDS,
      staleAfterSeconds: 72 * HOUR_SECONDS,
      description: 'nightly at 02:30 UTC',
    },
    subcommands: [
      { name: 'bundle', summary: 'verify a dashboard bundle: checksums, row counts, sequence, retention' },
      { name: 'rebuild-log', summary: 'rebuild a lost or corrupt run log from the artefacts' },
      {
        name: 'kpi',
        summary: 'operations KPIs of a period from the run log: JSON summary and Markdown report',
      },
    ],
    webhook: null,
    runRecords: [],
    deletionManifests: [WORKSPACE_LAYOUT.runLogSegmentManifest],
  },
  {
    name: 'daily',
    binary: 'obs-daily',
    packageDir: 'daily-workflow',
    readsOnly: false,
    lockFile: WORKSPACE_LAYOUT.dailyLock,
    heartbeatFile: WORKSPACE_LAYOUT.dailyHeartbeat,
    configFile: WORKSPACE_LAYOUT.automationConfig,
    dryRunFlag: '--dry-run',
    chained: false,
    schedule: { ...EVERY_15_MINUTES, description: 'every 15 minutes (cron, systemd timer or CronJob)' },
    subcommands: [],
    webhook: null,
    runRecords: [],
    deletionManifests: [WORKSPACE_LAYOUT.notificationRetentionManifest],
  },
  {
    name: 'status',
    binary: 'obs-status',
    packageDir: 'status-cli',
    readsOnly: true,
    lockFile: null,
    heartbeatFile: null,
    configFile: WORKSPACE_LAYOUT.statusConfig,
    dryRunFlag: null,
    chained: false,
    schedule: null,
    subcommands: [],
    webhook: null,
    runRecords: [],
    deletionManifests: [],
  },
] as const satisfies readonly RegisteredJob[];

type Registered = (typeof JOB_REGISTRY)[number];
export type JobName = Registered['name'];
/** The jobs obs-daily runs; each must have a JobDefinition in obs-daily's chain. */
export type ChainedJobName = Extract<Registered, { chained: true }>['name'];

export function registeredJob<N extends JobName>(name: N): Extract<Registered, { name: N }> {
  const job = JOB_REGISTRY.find((entry): entry is Extract<Registered, { name: N }> => entry.name === name);
  if (!job) throw new Error(`no job named ${name} in the registry`);
  return job;
}

function isChained(job: RegisteredJob): job is RegisteredJob & { name: ChainedJobName; dryRunFlag: string } {
  return job.chained && job.dryRunFlag !== null;
}

/** The jobs obs-daily runs, in chain order. */
export const CHAINED_JOBS: readonly (RegisteredJob & { name: ChainedJobName; dryRunFlag: string })[] = (
  JOB_REGISTRY as readonly RegisteredJob[]
).filter(isChained);

/** A job that runs on a schedule, takes its lock and records its runs (every entry but a read-only tool). */
export type ScheduledJob = RegisteredJob & { readsOnly: false; lockFile: string; schedule: JobSchedule };

function isScheduled(job: RegisteredJob): job is ScheduledJob {
  return !job.readsOnly && job.lockFile !== null && job.schedule !== null;
}

/** The jobs whose runs obs-status, obs-verify and the dashboard page judge, in registry order. */
export const SCHEDULED_JOBS: readonly ScheduledJob[] = (JOB_REGISTRY as readonly RegisteredJob[]).filter(
  isScheduled,
);

/**
 * The heartbeats obs-verify checks by default: every job's that keeps one, but its own — a run
 * cannot vouch for itself; obs-status judges obs-verify's.
 */
export const JOB_HEARTBEATS: readonly string[] = SCHEDULED_JOBS.flatMap((job) =>
  job.heartbeatFile === null || job.name === 'verify' ? [] : [job.heartbeatFile],
);

/** The secret variables obs-verify --check-secrets checks by default: every job's webhook variables. */
export const JOB_SECRET_ENVS: readonly string[] = [
  ...new Set(
    JOB_REGISTRY.flatMap((job: RegisteredJob) =>
      job.webhook ? [job.webhook.urlEnv, job.webhook.secretEnv] : [],
    ),
  ),
];
