import {
  CHAINED_JOBS,
  errorMessageOf,
  faultPoint,
  type JobContext,
  type JobDefinition,
  type JobStatus,
  runJob,
} from '@obs-automation/core';
import type { AutomationConfig } from './automation-config.js';
import { chainOutcome } from './chain-outcome.js';
import { type PlannedJob, plannedIdentity } from './chain-plan.js';
import { type ChainStop, type ChildResult, diagnosticsOf } from './chain-results.js';
import { dailyConfigDump } from './config-dump.js';
import {
  AUTOMATION_CONFIG,
  DAILY_OPTIONS,
  type DailyOptions,
  finalizeDailyOptions,
} from './daily-options.js';
import { chainJobSummaries, dailySummaryFacts } from './daily-summary-facts.js';
import { DAILY_EARLIER_FLAGS } from './earlier-flags.js';
import { recordNotRun } from './upstream-skip.js';

/** Runs one job in-process through the harness, as its own CLI would, as a child of the chain. */
async function runChild(planned: PlannedJob, context: JobContext): Promise<ChildResult> {
  const argv = [...planned.argv, '--now', context.now.toISOString()];
  const started = performance.now();
  try {
    const { summary } = await runJob(planned.job.definition, argv, {
      parentJobId: context.jobId,
      commitSha: context.commitSha,
      signal: context.signal,
    });
    return {
      job: planned.job.name,
      job_id: String(summary.job_id),
      status: summary.status as JobStatus,
      duration_ms: Number(summary.duration_ms ?? Math.round(performance.now() - started)),
      summary,
    };
  } catch (error) {
    // runJob reports every failure in its summary; this is a fault of the harness itself.
    context.log(`${planned.job.name} failed outside its harness`, { error: errorMessageOf(error) });
    return {
      job: planned.job.name,
      job_id: plannedIdentity(planned, context.now).jobId,
      status: 'error',
      duration_ms: Math.round(performance.now() - started),
      summary: { diagnostics: { error_code: 'internal_error', error_message: errorMessageOf(error) } },
    };
  }
}

function stopAfter(result: ChildResult): ChainStop {
  const diagnostics = diagnosticsOf(result.summary);
  const code = String(diagnostics.error_code ?? 'internal_error');
  const message = typeof diagnostics.error_message === 'string' ? `: ${diagnostics.error_message}` : '';
  return {
    errorCode: code === 'interrupted' ? 'interrupted' : 'upstream_failed',
    failed: { job: result.job, jobId: result.job_id, errorCode: code },
    message: `${result.job} (${result.job_id}) ended error: ${code}${message}`,
  };
}

/**
 * The obs-daily chain as a job on the harness, so it gets its lock, log entry and summary like
 * any job. The body runs the registry's chained jobs in-process, in order; a job ending error
 * stops the chain and each remaining job is logged as skipped with upstream_failed.
 */
export const dailyJob: JobDefinition<typeof DAILY_OPTIONS.declarations, DailyOptions, AutomationConfig> = {
  name: 'daily',
  describeSummary: dailySummaryFacts,
  innerSummaries: chainJobSummaries,
  description: [
    `The cron entry point: \`obs-daily --observability\` runs ${CHAINED_JOBS.map((job) => job.binary).join(' → ')}`,
    'in-process, each with its own lock, heartbeat and log entry (parent_job_id = the chain id).',
    'A job ending error stops the chain; the rest are logged as skipped (upstream_failed).',
  ].join(' '),
  examples: [
    'obs-daily --observability',
    'obs-daily --observability --dry-run --now 2025-10-06T12:00:00Z',
    'obs-daily --observability --jobs latency,dashboard --config configs/observability/automation.yaml',
    'obs-daily --observability --config-dump > production.json',
  ],
  options: DAILY_OPTIONS,
  flagMigrations: DAILY_EARLIER_FLAGS,
  config: AUTOMATION_CONFIG,
  lockFile: (options) => options.lockFile,
  heartbeatFile: (options) => options.heartbeatFile,
  finalize: finalizeDailyOptions,
  configDump: dailyConfigDump,
  async run(options, context) {
    const results: ChildResult[] = [];
    let stop: ChainStop | null = null;
    for (const planned of options.plan.run) {
      if (!stop && context.signal.aborted) {
        stop = {
          errorCode: 'interrupted',
          message: `the chain was interrupted before ${planned.job.name}`,
        };
      }
      if (stop) {
        results.push(await recordNotRun(planned, stop, context));
        continue;
      }
      const result = await runChild(planned, context);
      faultPoint(`daily:after-${planned.job.name}`);
      results.push(result);
      if (result.status === 'error') stop = stopAfter(result);
    }
    return { ...chainOutcome(results, stop, options.plan), dryRun: options.dryRun };
  },
};
