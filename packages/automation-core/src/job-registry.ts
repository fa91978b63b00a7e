import { WORKSPACE_LAYOUT } from './workspace-layout.js';

export type JobName = 'latency' | 'weekly' | 'dashboard' | 'verify' | 'daily';

/** How often a job is expected to run, from which lateness and staleness are judged. */
export interface JobSchedule {
  /** the scheduler's period, e.g. 900 for the 15-minute chain */
  periodSeconds: number;
  /** what the deploy examples schedule, for people */
  description: string;
}

/** One job of the product: everything the tooling around it needs to know, once. */
export interface RegisteredJob {
  name: JobName;
  /** the binary, e.g. `obs-latency` */
  binary: string;
  /** the folder under `packages/` that builds the binary */
  packageDir: string;
  /** the job's lock, relative to the root */
  lockFile: string;
  /** the job's heartbeat, relative to the root (null: the job keeps none) */
  heartbeatFile: string | null;
  /** the job's YAML config, relative to the root (null: the job has none) */
  configFile: string | null;
  /** the job's own flag for a rehearsal that sends and uploads nothing */
  dryRunFlag: string | null;
  /** run by `obs-daily --observability`, in registry order */
  chained: boolean;
  schedule: JobSchedule;
}

const EVERY_15_MINUTES: JobSchedule = {
  periodSeconds: 15 * 60,
  description: 'every 15 minutes, in the obs-daily chain',
};

/** Every job, in the order the chain runs the chained ones. */
export const JOB_REGISTRY: readonly RegisteredJob[] = [
  {
    name: 'latency',
    binary: 'obs-latency',
    packageDir: 'latency-cli',
    lockFile: 'ops/.latency.lock',
    heartbeatFile: WORKSPACE_LAYOUT.latencyHeartbeat,
    configFile: WORKSPACE_LAYOUT.latencyConfig,
    dryRunFlag: '--dry-run-alert',
    chained: true,
    schedule: EVERY_15_MINUTES,
  },
  {
    name: 'weekly',
    binary: 'obs-weekly',
    packageDir: 'weekly-cli',
    lockFile: 'ops/.weekly.lock',
    heartbeatFile: WORKSPACE_LAYOUT.weeklyHeartbeat,
    configFile: WORKSPACE_LAYOUT.weeklyConfig,
    dryRunFlag: '--dry-run-webhook',
    chained: true,
    schedule: EVERY_15_MINUTES,
  },
  {
    name: 'dashboard',
    binary: 'obs-dashboard',
    packageDir: 'dashboard-cli',
    lockFile: 'ops/.dashboard.lock',
    heartbeatFile: WORKSPACE_LAYOUT.dashboardHeartbeat,
    configFile: WORKSPACE_LAYOUT.dashboardConfig,
    dryRunFlag: '--dry-run',
    chained: true,
    schedule: EVERY_15_MINUTES,
  },
  {
    name: 'verify',
    binary: 'obs-verify',
    packageDir: 'verify-cli',
    lockFile: 'ops/.verify.lock',
    heartbeatFile: null,
    configFile: null,
    dryRunFlag: null,
    chained: false,
    schedule: { periodSeconds: 24 * 3600, description: 'nightly at 02:30 UTC' },
  },
  {
    name: 'daily',
    binary: 'obs-daily',
    packageDir: 'daily-workflow',
    lockFile: 'ops/.daily.lock',
    heartbeatFile: null,
    configFile: WORKSPACE_LAYOUT.automationConfig,
    dryRunFlag: '--dry-run',
    chained: false,
    schedule: { periodSeconds: 15 * 60, description: 'every 15 minutes (cron, systemd timer or CronJob)' },
  },
];

export function registeredJob(name: JobName): RegisteredJob {
  const job = JOB_REGISTRY.find((entry) => entry.name === name);
  if (!job) throw new Error(`no job named ${name} in the registry`);
  return job;
}

/** The jobs obs-daily runs, in chain order. */
export const CHAINED_JOBS: readonly RegisteredJob[] = JOB_REGISTRY.filter((job) => job.chained);
