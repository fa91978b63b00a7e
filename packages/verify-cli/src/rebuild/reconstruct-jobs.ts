import { JOB_REGISTRY, type RegisteredJob, type RunRecordKind } from '@obs-automation/core';
import {
  jobsFromDashboardArchive,
  jobsFromDashboardHistory,
  jobsFromDashboardManifest,
} from './dashboard-source.js';
import { jobsFromHeartbeat } from './heartbeat-source.js';
import { jobsFromLatencyArchive } from './latency-archive-source.js';
import { ReconstructedJobs } from './reconstructed-job.js';
import { jobsFromWeeklyHistory } from './weekly-history-source.js';

type RecordReader = (root: string, path: string, jobs: ReconstructedJobs) => Promise<void>;

/** A reader for every kind of run record the job registry names. */
const READERS: { readonly [kind in RunRecordKind]: RecordReader } = {
  latency_archive_manifest: jobsFromLatencyArchive,
  weekly_history_manifest: jobsFromWeeklyHistory,
  dashboard_manifest: jobsFromDashboardManifest,
  dashboard_history: jobsFromDashboardHistory,
  dashboard_archive_manifest: jobsFromDashboardArchive,
};

/**
 * Every job run the workspace's artefacts record, at their default locations: each registered
 * job's heartbeat, then the files in which it records its runs (the job registry's `runRecords`).
 */
export async function reconstructJobs(root: string): Promise<ReconstructedJobs> {
  const jobs = new ReconstructedJobs();
  const registry: readonly RegisteredJob[] = JOB_REGISTRY;
  for (const job of registry) {
    if (job.heartbeatFile !== null) await jobsFromHeartbeat(root, job.heartbeatFile, jobs);
  }
  for (const job of registry) {
    for (const record of job.runRecords) await READERS[record.kind](root, record.path, jobs);
  }
  return jobs;
}
