export { type AutomationConfig, automationConfigSchema } from './automation-config.js';
export { CHAIN_JOB_NAMES, CHAIN_JOBS, type ChainJob } from './chain-jobs.js';
export type { ChainPlan, PlannedJob } from './chain-plan.js';
export type { ChildResult } from './chain-results.js';
export { dailyConfigDump } from './config-dump.js';
export { dailyJob } from './daily-job.js';
export type { DailyOptions } from './daily-options.js';
export { argsToArgv } from './job-args.js';
