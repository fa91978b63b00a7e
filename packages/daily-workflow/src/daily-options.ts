import {
  type JobDefinition,
  type OptionSpec,
  optionKey,
  parseJobArgv,
  type ResolvedInput,
  usageError,
} from '@obs-automation/core';
import { z } from 'zod';
import type { AutomationConfig } from './automation-config.js';
import { CHAIN_JOB_NAMES, type ChainJobName } from './chain-jobs.js';
import { type ChainPlan, planChain } from './chain-plan.js';

export interface DailyOptions {
  dryRun: boolean;
  lockFile: string;
  plan: ChainPlan;
}

const jobList = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  )
  .pipe(
    z.array(z.enum(CHAIN_JOB_NAMES as [ChainJobName, ...ChainJobName[]])).min(1, 'name at least one job'),
  );

export const dailyOptionSpecs: OptionSpec[] = [
  {
    flag: '--observability',
    description: 'run the observability chain (kept so cron lines of the earlier tooling work)',
    defaultLabel: 'none, required',
    schema: z.boolean(),
  },
  {
    flag: '--dry-run',
    description: 'rehearse: latency gets --dry-run-alert, weekly --dry-run-webhook, dashboard --dry-run',
    schema: z.boolean(),
  },
  {
    flag: '--jobs',
    value: '<list>',
    description:
      'comma-separated jobs to run, always in the order latency → weekly → dashboard; overrides enabled',
    defaultValue: [...CHAIN_JOB_NAMES],
    defaultLabel: CHAIN_JOB_NAMES.join(','),
    schema: jobList,
  },
  {
    flag: '--lock-file',
    value: '<path>',
    description: 'chain lock: a second chain while one runs is skipped',
    defaultValue: 'ops/.daily.lock',
    schema: z.string().min(1),
  },
];

/** Common flags every job of the chain inherits from the chain's command line. */
const FORWARDED_FLAGS = ['--log-file', '--sequence-file', '--lock-stale-seconds'];

function forwardedFlags(definition: JobDefinition<DailyOptions, AutomationConfig>, argv: readonly string[]) {
  const flags = parseJobArgv(definition as unknown as JobDefinition<unknown, unknown>, argv);
  return FORWARDED_FLAGS.flatMap((flag) => {
    const value = flags[optionKey(flag)];
    return typeof value === 'string' ? [flag, value] : [];
  });
}

/**
 * Typed options and the validated plan. The chain's own common flags are read from the same argv
 * the harness has already parsed, with its parser (a job body does not see common options).
 */
export async function finalizeDailyOptions(
  definition: JobDefinition<DailyOptions, AutomationConfig>,
  argv: readonly string[],
  input: ResolvedInput<AutomationConfig>,
): Promise<DailyOptions> {
  const { values, config, configPath, root, explicit } = input;
  if (values.observability !== true) {
    throw usageError('--observability is required: obs-daily only runs the observability chain', {
      flag: '--observability',
    });
  }
  const dryRun = values.dry_run === true;
  return {
    dryRun,
    lockFile: values.lock_file as string,
    plan: await planChain({
      config,
      configPath,
      jobs: values.jobs as ChainJobName[],
      jobsExplicit: explicit.has('jobs'),
      dryRun,
      root,
      forwarded: forwardedFlags(definition, argv),
    }),
  };
}
