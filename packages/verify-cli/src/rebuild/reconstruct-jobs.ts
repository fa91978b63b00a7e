import { DEFAULT_HEARTBEATS } from '../workspace-paths.js';
import { jobsFromDashboard } from './dashboard-source.js';
import { jobsFromHeartbeat } from './heartbeat-source.js';
import { jobsFromLatencyArchive } from './latency-archive-source.js';
import { ReconstructedJobs } from './reconstructed-job.js';
import { jobsFromWeeklyHistory } from './weekly-history-source.js';

/**
 * Every job run the workspace's artefacts record, at their default locations: the job
 * heartbeats, the dashboard manifest and history, the latency archive manifest and the weekly
 * history manifest.
 */
export async function reconstructJobs(root: string): Promise<ReconstructedJobs> {
  const jobs = new ReconstructedJobs();
  for (const heartbeat of DEFAULT_HEARTBEATS) await jobsFromHeartbeat(root, heartbeat, jobs);
  await jobsFromDashboard(root, jobs);
  await jobsFromLatencyArchive(root, jobs);
  await jobsFromWeeklyHistory(root, jobs);
  return jobs;
}
