import type { ChainedJobName } from '@obs-automation/core';
import {
  configError,
  JobError,
  type JobInvocation,
  makeJobId,
  resolveJobInvocation,
} from '@obs-automation/core';
import type { AutomationConfig } from './automation-config.js';
import { CHAIN_JOBS, type ChainJob } from './chain-jobs.js';
import { argsToArgv } from './job-args.js';

/** A job the chain will run, with its command line already validated. */
export interface PlannedJob {
  job: ChainJob;
  /** the job's command line without --now (the chain adds its clock when it runs the job) */
  argv: string[];
  invocation: JobInvocation<unknown>;
}

/** The name and id a planned job runs under at the chain's clock (its --job-name / --job-id if set). */
export function plannedIdentity(planned: PlannedJob, now: Date): { jobName: string; jobId: string } {
  const { common } = planned.invocation;
  const jobName = common.jobName ?? planned.job.definition.name;
  return { jobName, jobId: common.jobId ?? makeJobId(jobName, now) };
}

export interface ChainPlan {
  run: PlannedJob[];
  notRun: { job: ChainedJobName; reason: string }[];
}

export interface PlanInput {
  config: AutomationConfig;
  configPath: string;
  /** --jobs; `explicit` when given on the command line, which then overrides `enabled` */
  jobs: readonly ChainedJobName[];
  jobsExplicit: boolean;
  dryRun: boolean;
  root: string;
  /** common flags the chain hands on to every job (--log-file, --sequence-file, …) */
  forwarded: readonly string[];
}

function skipReason(job: ChainedJobName, input: PlanInput): string | null {
  if (!input.jobs.includes(job)) return 'not in --jobs';
  if (!input.jobsExplicit && input.config[job]?.enabled === false)
    return `enabled: false in ${input.configPath}`;
  return null;
}

/**
 * A job that cannot start with its arguments: a bad flag or value is reported at its key in
 * automation.yaml; a problem in the job's own config file keeps that file's message.
 */
function jobArgumentError(job: ChainedJobName, error: JobError, configPath: string): JobError {
  const details = { job, job_error_code: error.code, ...error.details };
  if (error.code === 'invalid_usage') {
    return configError(`${configPath}: key ${job}.args: ${error.message}`, {
      ...details,
      config_path: configPath,
      key: `${job}.args`,
    });
  }
  return configError(`${job}: ${error.message}`, details);
}

/**
 * Builds each job's command line — its automation.yaml args, the dry-run flag, the forwarded
 * common flags, the chain's root — and resolves it exactly as the job itself would, so a bad
 * argument stops the chain before any job runs (exit 2, naming the job and the key).
 */
export async function planChain(input: PlanInput): Promise<ChainPlan> {
  const plan: ChainPlan = { run: [], notRun: [] };
  for (const job of CHAIN_JOBS) {
    const reason = skipReason(job.name, input);
    if (reason) {
      plan.notRun.push({ job: job.name, reason });
      continue;
    }
    const argv = [
      ...argsToArgv(input.config[job.name]?.args),
      ...(input.dryRun ? [job.dryRunFlag] : []),
      ...input.forwarded,
      '--root',
      input.root,
    ];
    try {
      plan.run.push({ job, argv, invocation: await resolveJobInvocation(job.definition, argv) });
    } catch (error) {
      if (!(error instanceof JobError)) throw error;
      throw jobArgumentError(job.name, error, input.configPath);
    }
  }
  return plan;
}
