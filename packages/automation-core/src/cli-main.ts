import { CommanderError } from 'commander';
import { JobError } from './job-error.js';
import type { JobRunResult } from './job-runner.js';
import { printSummary } from './job-summary.js';

/**
 * Owns the process for one CLI invocation: turns SIGTERM/SIGINT into an interruption the job
 * sees at its next safe point, prints `--help`, prints exactly one JSON summary, and exits with
 * the job's exit code.
 */
export async function runMain(run: (signal: AbortSignal) => Promise<JobRunResult>): Promise<never> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    controller.abort(
      new JobError('interrupted', `received ${name}; stopped at the next safe point`, { signal: name }),
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let exitCode: number;
  try {
    const result = await run(controller.signal);
    await printSummary(result.summary);
    exitCode = result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version: commander already wrote the text.
      exitCode = error.exitCode;
    } else {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      await printSummary({
        status: 'error',
        job_id: null,
        duration_ms: 0,
        artefacts: [],
        diagnostics: {
          error_code: 'internal_error',
          error_message: String((error as Error)?.message ?? error),
        },
      });
      exitCode = 1;
    }
  }
  process.exit(exitCode);
}
