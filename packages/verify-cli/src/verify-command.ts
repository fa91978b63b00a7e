import { type JobRunResult, runJob } from '@obs-automation/core';
import { bundleJob } from './bundle/index.js';
import { createRebuildLogJob } from './rebuild/rebuild-log-job.js';
import { verifyInvocationOf } from './verify-argv.js';
import { createVerifyJob } from './verify-job.js';

/**
 * Dispatches an `obs-verify` command line: `bundle` and `rebuild-log` are subcommands, anything
 * else is the default verification.
 */
export function runVerifyCommand(argv: readonly string[], signal: AbortSignal): Promise<JobRunResult> {
  const [command, ...rest] = argv;
  if (command === 'bundle') return runJob(bundleJob, rest, { signal });
  if (command === 'rebuild-log') return runJob(createRebuildLogJob(rest), rest, { signal });
  const invocation = verifyInvocationOf(argv);
  return runJob(createVerifyJob(invocation), invocation.argv, { signal });
}
