import {
  buildJobCommand,
  EXIT_USAGE,
  type JobDefinition,
  JobError,
  type JobRunResult,
  resolveJobInvocation,
  runJob,
} from '@obs-automation/core';
import { dailyConfigDump } from './config-dump.js';
import { createDailyChain, type DailyChain } from './daily-job.js';

/** --config-dump prints the chain's and every job's effective options; null when not asked for. */
async function configDump(chain: DailyChain, argv: readonly string[]) {
  if (!argv.includes('--config-dump')) return null;
  try {
    const invocation = await resolveJobInvocation(chain.definition, argv);
    return invocation.common.configDump ? dailyConfigDump(invocation) : null;
  } catch (error) {
    // A bad command line is reported by runJob like any other job's.
    if (error instanceof JobError) return null;
    throw error;
  }
}

/**
 * Runs an `obs-daily` command line. stdout (and --json-out) get each job's full summary under
 * `jobs`; the log entry keeps only job, job_id, status and duration so that it stays one short
 * line. On invalid usage (such as a missing --observability) the usage goes to stderr as well.
 */
export async function runDailyCommand(argv: readonly string[], signal: AbortSignal): Promise<JobRunResult> {
  const chain = createDailyChain(argv);
  const dump = await configDump(chain, argv);
  if (dump) return { exitCode: 0, summary: dump };
  const result = await runJob(chain.definition, argv, { signal });
  const diagnostics = result.summary.diagnostics as { error_code?: unknown } | undefined;
  if (result.exitCode === EXIT_USAGE && diagnostics?.error_code === 'invalid_usage') {
    process.stderr.write(
      buildJobCommand(chain.definition as unknown as JobDefinition<unknown, unknown>).helpInformation(),
    );
    return result;
  }
  return result;
}
