export {
  type AutomationConfig,
  argsToArgv,
  automationConfigSchema,
  DEFAULT_AUTOMATION_CONFIG,
} from './automation-config.js';
export { CHAIN_JOB_NAMES, CHAIN_JOBS, type ChainJob, type ChainJobName } from './chain-jobs.js';
export type { ChainPlan, PlannedJob } from './chain-plan.js';
export type { ChildResult } from './chain-results.js';
export { dailyConfigDump } from './config-dump.js';
export { runDailyCommand } from './daily-command.js';
export { createDailyChain, type DailyChain } from './daily-job.js';
export type { DailyOptions } from './daily-options.js';
