import {
  CHAINED_JOBS,
  type CommonOptions,
  custom,
  defineOptions,
  flag,
  flagOf,
  type JobConfigSpec,
  type OptionValues,
  optionTypes,
  path,
  type ResolvedInput,
  registeredJob,
  usageError,
} from '@obs-automation/core';
import type { AutomationConfig } from './automation-config.js';
import { CHAIN_JOB_NAMES } from './chain-jobs.js';
import { planChain } from './chain-plan.js';

/** automation.yaml; its schema is loaded when a file is read. */
export const AUTOMATION_CONFIG: JobConfigSpec<AutomationConfig> = {
  defaultPath: registeredJob('daily').configFile,
  loadSchema: async () => (await import('./automation-config.js')).automationConfigSchema,
  // Its keys are jobs, not the chain's flags.
  flagDefaults: () => ({}),
};

export const DAILY_OPTIONS = defineOptions({
  observability: flag('run the observability chain (kept so cron lines of the earlier tooling work)', {
    defaultLabel: 'none, required',
  }),
  dryRun: flag(`rehearse: ${CHAINED_JOBS.map((job) => `${job.name} gets ${job.dryRunFlag}`).join(', ')}`),
  jobs: custom(
    optionTypes.nameList(CHAIN_JOB_NAMES),
    `comma-separated jobs to run, always in the order ${CHAIN_JOB_NAMES.join(' → ')}; overrides enabled`,
    { default: [...CHAIN_JOB_NAMES], defaultLabel: CHAIN_JOB_NAMES.join(',') },
  ),
  lockFile: path('chain lock: a second chain while one runs is skipped', {
    default: registeredJob('daily').lockFile,
  }),
  heartbeatFile: path('heartbeat of the chain', { default: registeredJob('daily').heartbeatFile }),
});

/** Common flags every job of the chain inherits from the chain's command line. */
const FORWARDED_FLAGS = [
  'logFile',
  'sequenceFile',
  'metricsDir',
  'lockStaleSeconds',
  'notificationsConfig',
] as const;

function forwardedFlags(common: CommonOptions): string[] {
  return FORWARDED_FLAGS.filter((key) => common.explicit.has(key)).flatMap((key) => [
    flagOf(key),
    String(common[key]),
  ]);
}

/** Typed options and the validated plan: every job's command line is resolved before any runs. */
export async function finalizeDailyOptions(
  input: ResolvedInput<OptionValues<typeof DAILY_OPTIONS.declarations>, AutomationConfig>,
) {
  const { values, config, configPath, root, explicit, common } = input;
  if (!values.observability) {
    throw usageError(
      '--observability is required: obs-daily only runs the observability chain. Usage: obs-daily --observability [options]',
      { flag: '--observability' },
    );
  }
  return {
    ...values,
    plan: await planChain({
      config,
      configPath,
      jobs: values.jobs,
      jobsExplicit: explicit.has('jobs'),
      dryRun: values.dryRun,
      root,
      forwarded: forwardedFlags(common),
    }),
  };
}

export type DailyOptions = Awaited<ReturnType<typeof finalizeDailyOptions>>;
