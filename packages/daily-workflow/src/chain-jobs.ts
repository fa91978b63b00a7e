import { type AnyJobDefinition, CHAINED_JOBS, type ChainedJobName } from '@obs-automation/core';
import { dashboardJob } from '@obs-automation/dashboard-cli';
import { latencyJob } from '@obs-automation/latency-cli';
import { weeklyJob } from '@obs-automation/weekly-cli';

/**
 * The definition of every job the registry chains; a chained job without one does not compile.
 * Everything else about the chain (order, dry-run flags, automation.yaml keys) is the registry's.
 */
const CHAINED_DEFINITIONS: { readonly [job in ChainedJobName]: AnyJobDefinition } = {
  latency: latencyJob,
  weekly: weeklyJob,
  dashboard: dashboardJob,
};

export interface ChainJob {
  name: ChainedJobName;
  definition: AnyJobDefinition;
  /** what `obs-daily --dry-run` adds to the job's command line */
  dryRunFlag: string;
}

/** The chain in the registry's order. */
export const CHAIN_JOBS: readonly ChainJob[] = CHAINED_JOBS.map((job) => ({
  name: job.name,
  definition: CHAINED_DEFINITIONS[job.name],
  dryRunFlag: job.dryRunFlag,
}));

export const CHAIN_JOB_NAMES: readonly ChainedJobName[] = CHAIN_JOBS.map((job) => job.name);
