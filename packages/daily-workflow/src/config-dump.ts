import type { DailyOptions } from './daily-options.js';

/**
 * `obs-daily --config-dump`: the chain's effective configuration and, per job, the options it
 * would run with after precedence (its flags from automation.yaml and the chain, its own config
 * file, its defaults), secrets by env-var name only. Nothing is run or written, so two
 * environments can be compared with diff.
 */
export function dailyConfigDump(
  options: DailyOptions,
  chain: Record<string, unknown>,
): Record<string, unknown> {
  const jobs: Record<string, unknown> = {};
  for (const planned of options.plan.run)
    jobs[planned.job.name] = { enabled: true, ...planned.invocation.dump };
  for (const { job, reason } of options.plan.notRun) jobs[job] = { enabled: false, reason };
  return { chain, jobs };
}
