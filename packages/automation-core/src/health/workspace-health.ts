import { resolveAgainstRoot } from '../config-loader.js';
import { DEFAULT_CLOCK_SKEW_SECONDS } from '../freshness.js';
import { type HeartbeatRead, readHeartbeat } from '../heartbeat.js';
import { SCHEDULED_JOBS, type ScheduledJob } from '../job-registry.js';
import { readJsonObjectFile } from '../json-object-file.js';
import { readSequenceFile, type SequenceFileState } from '../sequence-file.js';
import {
  type DashboardHealth,
  dashboardHealth,
  type LatencyHealth,
  latencyHealth,
  type WeeklyHealth,
  weeklyHealth,
} from './domain-health.js';
import {
  byUrgency,
  dashboardFindings,
  emptyWorkspaceFinding,
  type HealthFinding,
  jobFindings,
  lastWarningFindings,
  latencyFindings,
  runLogFindings,
  weeklyFindings,
} from './health-findings.js';
import { type JobHealth, jobHealth, jobTail } from './job-health.js';
import { lateAfterSeconds, thresholdsOf } from './job-judgement.js';
import { type RunLogHealth, runLogHealth } from './run-log-health.js';
import { RUN_LOG_TAIL_BYTES, type RunLogTail, readRunLogTail } from './run-log-tail.js';

/**
 * The health of a workspace, as obs-status prints it (its JSON document is this object) and the
 * dashboard page draws it: every scheduled job judged against its schedule, the domain facts, the
 * run log's end, and the findings that need a person.
 */
export interface WorkspaceHealth {
  /** `attention` when there is at least one finding */
  verdict: 'healthy' | 'attention';
  checked_at: string;
  root: string;
  jobs: JobHealth[];
  latency: LatencyHealth | null;
  weekly: WeeklyHealth | null;
  dashboard: DashboardHealth | null;
  run_log: RunLogHealth;
  findings: HealthFinding[];
}

export interface WorkspaceHealthOptions {
  root: string;
  now: Date;
  /** the jobs judged (default: every scheduled job of the registry) */
  jobs?: readonly string[];
  /** per job, a staleness threshold replacing the registry's */
  staleAfterSeconds?: Readonly<Record<string, number>>;
  /** OBS_CLOCK_SKEW_SECONDS (default 300) */
  skewSeconds?: number;
  /** the run log and its sequence file, root-relative or absolute; null: not read */
  logFile: string | null;
  sequenceFile: string | null;
  /** the dashboard bundle's manifest; null: not read */
  dashboardManifest: string | null;
  /** per job, a heartbeat path replacing the registry's */
  heartbeatFiles?: Readonly<Record<string, string>>;
  /** per job, the heartbeat to use instead of reading the file (the dashboard export describing itself) */
  knownHeartbeats?: Readonly<Record<string, HeartbeatRead>>;
  logTailBytes?: number;
}

interface HeartbeatOfJob {
  file: string | null;
  read: HeartbeatRead;
  /** supplied by the caller, not read */
  given: boolean;
}

interface Reads {
  heartbeats: Map<string, HeartbeatOfJob>;
  tail: RunLogTail | null;
  sequence: SequenceFileState | null;
  manifest: { file: string; read: HeartbeatRead } | null;
}

function selectedJobs(names: readonly string[] | undefined): ScheduledJob[] {
  return names ? SCHEDULED_JOBS.filter((job) => names.includes(job.name)) : [...SCHEDULED_JOBS];
}

/** Every file the model needs, read at once; each read follows the core's trust rules. */
async function readAll(options: WorkspaceHealthOptions, jobs: readonly ScheduledJob[]): Promise<Reads> {
  const abs = (path: string) => resolveAgainstRoot(options.root, path);
  const heartbeats = await Promise.all(
    jobs.map(async (job): Promise<[string, HeartbeatOfJob]> => {
      const file = options.heartbeatFiles?.[job.name] ?? job.heartbeatFile;
      const known = options.knownHeartbeats?.[job.name];
      if (known) return [job.name, { file, read: known, given: true }];
      const read: HeartbeatRead = file ? await readHeartbeat(abs(file), file) : { kind: 'missing' };
      return [job.name, { file, read, given: false }];
    }),
  );
  const [tail, sequence, manifest] = await Promise.all([
    options.logFile === null
      ? null
      : readRunLogTail(abs(options.logFile), options.logFile, options.logTailBytes ?? RUN_LOG_TAIL_BYTES),
    options.sequenceFile === null
      ? null
      : readSequenceFile(abs(options.sequenceFile)).catch(
          (error: unknown): SequenceFileState => ({
            kind: 'corrupt',
            reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
          }),
        ),
    options.dashboardManifest === null
      ? null
      : readJsonObjectFile(abs(options.dashboardManifest), {
          kind: 'manifest',
          shown: options.dashboardManifest,
          code: 'manifest_unreadable',
        }).then((read) => ({ file: options.dashboardManifest as string, read })),
  ]);
  return { heartbeats: new Map(heartbeats), tail, sequence, manifest };
}

/** Nothing recorded at all: no heartbeat of any selected job and no run log entry. */
function nothingRecorded(reads: Reads): boolean {
  const anyHeartbeat = [...reads.heartbeats.values()].some((entry) => entry.read.kind !== 'missing');
  return !anyHeartbeat && (reads.tail === null || reads.tail.entries.length === 0);
}

const withLastWarnings = (jobs: readonly JobHealth[], others: HealthFinding[]) => [
  ...others,
  ...lastWarningFindings(jobs, others),
];

/** Reads and judges a workspace; it writes nothing and takes no lock. */
export async function readWorkspaceHealth(options: WorkspaceHealthOptions): Promise<WorkspaceHealth> {
  const { now } = options;
  const jobs = selectedJobs(options.jobs);
  const reads = await readAll(options, jobs);
  const skewSeconds = options.skewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const entries = reads.tail?.entries ?? [];
  const health = jobs.map((job) => {
    const heartbeat: HeartbeatOfJob = reads.heartbeats.get(job.name) ?? {
      file: null,
      read: { kind: 'missing' },
      given: false,
    };
    return jobHealth({
      job,
      heartbeatFile: heartbeat.file,
      read: heartbeat.read,
      given: heartbeat.given,
      tail: jobTail(job.name, entries, reads.tail?.wholeLog ?? true),
      now,
      thresholds: thresholdsOf(job.schedule, skewSeconds, options.staleAfterSeconds?.[job.name]),
    });
  });
  const latencyRead = reads.heartbeats.get('latency')?.read;
  const weeklyRead = reads.heartbeats.get('weekly')?.read;
  const weeklyJob = jobs.find((job) => job.name === 'weekly');
  const latency = latencyRead ? latencyHealth(latencyRead) : null;
  const weekly =
    weeklyRead && weeklyJob
      ? weeklyHealth(weeklyRead, now, lateAfterSeconds(thresholdsOf(weeklyJob.schedule, skewSeconds)))
      : null;
  const dashboard = reads.manifest ? dashboardHealth(reads.manifest.file, reads.manifest.read, now) : null;
  const runLog = runLogHealth(
    { log: options.logFile, sequence: options.sequenceFile },
    reads.tail,
    reads.sequence,
  );
  const findings = nothingRecorded(reads)
    ? [emptyWorkspaceFinding(options.root), ...runLogFindings(runLog)]
    : withLastWarnings(health, [
        ...health.flatMap(jobFindings),
        ...(latency ? latencyFindings(latency) : []),
        ...(weekly ? weeklyFindings(weekly) : []),
        ...(dashboard ? dashboardFindings(dashboard) : []),
        ...runLogFindings(runLog),
      ]);
  return {
    verdict: findings.length > 0 ? 'attention' : 'healthy',
    checked_at: now.toISOString(),
    root: options.root,
    jobs: health,
    latency,
    weekly,
    dashboard,
    run_log: runLog,
    findings: byUrgency(findings),
  };
}
