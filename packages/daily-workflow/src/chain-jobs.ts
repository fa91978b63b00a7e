import type { JobDefinition } from '@obs-automation/core';
import { dashboardJob } from '@obs-automation/dashboard-cli';
import { latencyJob } from '@obs-automation/latency-cli';
import { weeklyJob } from '@obs-automation/weekly-cli';

export type ChainJobName = 'latency' | 'weekly' | 'dashboard';

export interface ChainJob {
  name: ChainJobName;
  definition: JobDefinition<unknown, unknown>;
  /** what `obs-daily --dry-run` adds to the job's command line */
  dryRunFlag: string;
}

/** The chain in its fixed order: latency → weekly → dashboard. */
export const CHAIN_JOBS: readonly ChainJob[] = [
  {
    name: 'latency',
    definition: latencyJob as unknown as JobDefinition<unknown, unknown>,
    dryRunFlag: '--dry-run-alert',
  },
  {
    name: 'weekly',
    definition: weeklyJob as unknown as JobDefinition<unknown, unknown>,
    dryRunFlag: '--dry-run-webhook',
  },
  {
    name: 'dashboard',
    definition: dashboardJob as unknown as JobDefinition<unknown, unknown>,
    dryRunFlag: '--dry-run',
  },
];

export const CHAIN_JOB_NAMES: readonly ChainJobName[] = CHAIN_JOBS.map((job) => job.name);
